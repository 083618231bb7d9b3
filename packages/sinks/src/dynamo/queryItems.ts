import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

/**
 * Most pages one read follows: a bound on the loop, far above any sane `limit`.
 * @internal
 */
export const MAX_PAGES = 10_000;

/**
 * Reads one partition newest first, `sk` between `low` and `high`, up to `limit` items,
 * following pages.
 * @internal
 */
export async function queryItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  low: string,
  high: string,
  limit: number | undefined,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const output = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':pk': partition, ':low': low, ':high': high },
        ScanIndexForward: false,
        Limit: limit === undefined ? undefined : limit - items.length,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of output.Items ?? []) items.push(item);
    startKey = output.LastEvaluatedKey;
    if (startKey === undefined || (limit !== undefined && items.length >= limit)) break;
  }
  return limit === undefined ? items : items.slice(0, limit);
}
