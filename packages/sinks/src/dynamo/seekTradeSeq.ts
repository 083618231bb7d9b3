import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tradeSortKey } from './itemDesign.js';

/** A trade item's seq and time: all a seek needs to read of it. */
interface SeqAndTime {
  seq: number;
  timestamp: number;
}

/**
 * The seq of a symbol's newest trade not newer than `time`, or `undefined` when every trade is
 * newer (or there is none): a binary search over seq with single-item Queries, so it costs at
 * most ~log2(newest seq) + 1 reads of one item (54 for the largest safe seq), however many
 * trades are newer than `time`. Assumes seq order is time order (a gap in the seqs is fine);
 * where it is not, the answer is one trade whose time is ≤ `time`, not necessarily the newest.
 * @internal
 */
export async function seekTradeSeq(
  client: DynamoDBDocumentClient,
  tableName: string,
  symbol: string,
  time: number,
): Promise<number | undefined> {
  const newest = await tradeAtOrBelow(client, tableName, symbol, undefined);
  if (newest === undefined || newest.timestamp <= time) return newest?.seq;
  // Invariant: the trade at or below `low` (if any) is not newer than `time`; the one at or
  // below `high` is. Seqs start at 1, so nothing is at or below 0.
  let low = 0;
  let high = newest.seq;
  let found: number | undefined;
  while (high - low > 1) {
    const middle = low + Math.floor((high - low) / 2);
    const trade = await tradeAtOrBelow(client, tableName, symbol, middle);
    if (trade === undefined || trade.timestamp <= time) {
      low = middle;
      found = trade?.seq;
    } else {
      high = middle;
    }
  }
  return found;
}

/** The symbol's trade with the highest seq ≤ `seq` (any seq when `undefined`): one item read. */
async function tradeAtOrBelow(
  client: DynamoDBDocumentClient,
  tableName: string,
  symbol: string,
  seq: number | undefined,
): Promise<SeqAndTime | undefined> {
  const output = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: seq === undefined ? '#pk = :pk' : '#pk = :pk AND #sk <= :high',
      ExpressionAttributeNames: {
        '#pk': 'pk',
        '#seq': 'seq',
        '#timestamp': 'timestamp',
        ...(seq === undefined ? {} : { '#sk': 'sk' }),
      },
      ExpressionAttributeValues: {
        ':pk': symbol,
        ...(seq === undefined ? {} : { ':high': tradeSortKey(seq) }),
      },
      ProjectionExpression: '#seq, #timestamp',
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  const item = output.Items?.[0];
  return item === undefined
    ? undefined
    : { seq: item.seq as number, timestamp: item.timestamp as number };
}
