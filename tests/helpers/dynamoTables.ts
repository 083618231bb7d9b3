import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HISTORY_TABLE_KEYS, type TableKeys } from '@market-stream/core';

/**
 * Creates an on-demand table with the given keys (default: the history table's, `pk` string hash
 * key and `sk` string range key, the same as the connection table's) and waits, at most 5 s,
 * until it is ACTIVE.
 */
export async function createPkSkTable(
  client: DynamoDBClient | DynamoDBDocumentClient,
  name: string,
  keys: TableKeys = HISTORY_TABLE_KEYS,
): Promise<void> {
  const send = client.send.bind(client) as DynamoDBClient['send'];
  await send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: keys.AttributeDefinitions,
      KeySchema: keys.KeySchema,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`table ${name} did not become ACTIVE within 5 s`);
}
