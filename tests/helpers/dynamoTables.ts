import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Creates an on-demand table with the key design every market-stream table uses (`pk` string
 * hash key, `sk` string range key) and waits, at most 5 s, until it is ACTIVE.
 */
export async function createPkSkTable(
  client: DynamoDBClient | DynamoDBDocumentClient,
  name: string,
): Promise<void> {
  const send = client.send.bind(client) as DynamoDBClient['send'];
  await send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
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
