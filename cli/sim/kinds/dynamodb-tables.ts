import { z } from 'zod';
import { defineKind, firstString, regionSlot, type SimFragment } from '../kind.js';
import { LocalDynamo } from './dynamodb-server.js';

/**
 * DynamoDB tables (key `id`, string) and their items (AttributeValue maps, binary as base64). A real
 * DynamoDB (dynalite on loopback) answers the calls: the state holds the items of the last load or save.
 */

const slot = regionSlot({
  dynamodbTables: z
    .record(
      z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'expected a DynamoDB table name'),
      z.object({ items: z.array(z.record(z.string(), z.unknown())).default(() => []) }).strict(),
    )
    .default(() => ({})),
});

type View = ReturnType<typeof slot.in>;

/** An empty table for a scenario. */
export function dynamodbTable(name: string): SimFragment {
  return slot.fragment((view) => {
    view.dynamodbTables[name] = { items: [] };
  });
}

/** Starts dynalite with every table of the state (one namespace: names are unique across the state). */
async function startServer(views: readonly View[]) {
  const dynamo = await LocalDynamo.start();
  try {
    for (const view of views) {
      for (const [name, table] of Object.entries(view.dynamodbTables))
        await dynamo.createTable(name, table.items);
    }
  } catch (error) {
    await dynamo.close();
    throw error;
  }
  return {
    endpoint: dynamo.endpoint,
    readBack: async (current: readonly View[]) => {
      for (const view of current) {
        for (const [name, table] of Object.entries(view.dynamodbTables))
          table.items = await dynamo.scan(name);
      }
    },
    close: () => dynamo.close(),
  };
}

/** The DynamoDB tables kind. */
export const dynamodbTables = defineKind('DynamoDB tables', slot, {
  server: { service: 'dynamodb', start: startServer },
  resourceId: (_api, input) => firstString(input, ['TableName']),
  check: (placed) => {
    const seen = new Map<string, string>();
    for (const { path, view } of placed) {
      for (const name of Object.keys(view.dynamodbTables)) {
        const where = `${path}.dynamodbTables.${name}`;
        const other = seen.get(name);
        if (other) return `${where}: table name already used at ${other} (one DynamoDB namespace)`;
        seen.set(name, where);
      }
    }
    return undefined;
  },
  summarize: (view) =>
    Object.entries(view.dynamodbTables).map(([name, t]) => ({
      kind: 'dynamodb table',
      id: name,
      detail: `${t.items.length} item(s)`,
    })),
  sample: () => [dynamodbTable('airlock-state')],
});
