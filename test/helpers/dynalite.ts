import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

export const FAKE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

/** A real DynamoDB implementation (dynalite) on 127.0.0.1, with airlock's table created. */
export async function startDynalite(
  table = 'airlock-test',
): Promise<{ endpoint: string; table: string; close(): Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const db = new DynamoDBClient({ endpoint, region: 'eu-west-2', credentials: FAKE_CREDENTIALS });
  await db.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  db.destroy();
  return { endpoint, table, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
