import type { AddressInfo } from 'node:net';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { SIM_CREDENTIALS } from '../credentials.js';

/** Stored (JSON) form of an item: DynamoDB's wire JSON, binary values as base64 strings. */
export type StoredItem = Record<string, unknown>;

function toStored(value: AttributeValue): unknown {
  const v = value as unknown as Record<string, unknown>;
  if (v.B instanceof Uint8Array) return { B: Buffer.from(v.B).toString('base64') };
  if (Array.isArray(v.BS))
    return { BS: (v.BS as Uint8Array[]).map((b) => Buffer.from(b).toString('base64')) };
  if (v.M && typeof v.M === 'object') {
    return { M: Object.fromEntries(Object.entries(v.M).map(([k, x]) => [k, toStored(x as AttributeValue)])) };
  }
  if (Array.isArray(v.L)) return { L: (v.L as AttributeValue[]).map(toStored) };
  const { $unknown: _u, ...rest } = v;
  return rest;
}

function fromStored(value: unknown): AttributeValue {
  const v = value as Record<string, unknown>;
  if (typeof v.B === 'string') return { B: Buffer.from(v.B, 'base64') };
  if (Array.isArray(v.BS)) return { BS: (v.BS as string[]).map((b) => Buffer.from(b, 'base64')) };
  if (v.M && typeof v.M === 'object') {
    return { M: Object.fromEntries(Object.entries(v.M).map(([k, x]) => [k, fromStored(x)])) };
  }
  if (Array.isArray(v.L)) return { L: v.L.map(fromStored) };
  return v as unknown as AttributeValue;
}

/** A real DynamoDB (dynalite, in memory) on 127.0.0.1, on an ephemeral port. */
export class LocalDynamo {
  private constructor(
    private readonly server: ReturnType<typeof dynalite>,
    readonly endpoint: string,
    private readonly client: DynamoDBClient,
  ) {}

  static async start(): Promise<LocalDynamo> {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const endpoint = `http://127.0.0.1:${port}`;
    const client = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: SIM_CREDENTIALS,
      maxAttempts: 3,
    });
    return new LocalDynamo(server, endpoint, client);
  }

  /** Creates a table keyed by `id` (string), and writes its items. */
  async createTable(name: string, items: readonly StoredItem[]): Promise<void> {
    await this.client.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    for (let i = 0; i < items.length; i += 25) {
      const batch = items.slice(i, i + 25).map((item) => ({
        PutRequest: {
          Item: Object.fromEntries(Object.entries(item).map(([k, v]) => [k, fromStored(v)])),
        },
      }));
      let pending: Record<string, unknown> | undefined = { [name]: batch };
      while (pending && Object.keys(pending).length) {
        const out = await this.client.send(new BatchWriteItemCommand({ RequestItems: pending as never }));
        pending = out.UnprocessedItems as Record<string, unknown> | undefined;
      }
    }
  }

  /** Every item of a table, in stored (JSON) form, sorted by `id` so that saved files are stable. */
  async scan(name: string): Promise<StoredItem[]> {
    const items: StoredItem[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.client.send(
        new ScanCommand({ TableName: name, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      for (const item of out.Items ?? []) {
        items.push(Object.fromEntries(Object.entries(item).map(([k, v]) => [k, toStored(v)])));
      }
      start = out.LastEvaluatedKey;
    } while (start);
    const id = (i: StoredItem) => String((i.id as { S?: string } | undefined)?.S ?? '');
    return items.sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
