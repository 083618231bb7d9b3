import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Trade } from '@market-stream/core';
import { InvalidSinkOptionsError } from '../errors.js';
import { itemToTrade, tradeSortKey } from './itemDesign.js';

/** Largest `limit`: a bound on what one call reads, whatever a caller asks for. */
const MAX_LIMIT = 100_000;

/**
 * Options of {@link queryTradesAfter}.
 *
 * @example
 * ```ts
 * import type { QueryTradesAfterOptions } from '@market-stream/sinks';
 *
 * const options: QueryTradesAfterOptions = {
 *   client: documentClient, tableName: 'trade-history', symbol: 'AAPL', afterSeq: 1041, limit: 500,
 * };
 * ```
 */
export interface QueryTradesAfterOptions {
  /** A DynamoDB document client. */
  client: DynamoDBDocumentClient;
  /** The table {@link toDynamo} writes to (default item design). */
  tableName: string;
  /** The symbol. */
  symbol: string;
  /** The last `seq` the caller holds: trades with a higher `seq` are read. A whole number ≥ 0. */
  afterSeq: number;
  /** Most items read (and so trades returned): a whole number from 1 to 100,000. */
  limit: number;
  /**
   * The time items' `ttl` is judged against, ms since the epoch.
   * @default Date.now()
   */
  now?: number;
}

/**
 * Reads one symbol's trades after a `seq` from the history table {@link toDynamo} writes
 * (default item design: `pk` = symbol, `sk` = zero-padded seq), oldest first: the source of
 * recovery by `seq` on the serverless path.
 *
 * Guarantees: ascending `seq`; at most `limit` items read, in pages of what is still missing
 * (DynamoDB's 1 MB per page), so the cost is bounded by `limit`; strongly consistent reads, so
 * every write that finished before the call is seen (recovery relies on that: a trade is
 * either read here or delivered live). Items past their `ttl` are left out: DynamoDB deletes
 * expired items lazily, up to days late, and a trade the table should no longer hold is not
 * handed out as if it were kept.
 *
 * How to tell the trades after `afterSeq` are no longer all held: `seq` has no gaps at the
 * source, so the result is complete only when its first trade is `afterSeq + 1` and each next
 * one is one higher. A result that starts later (or has a hole) means the table no longer
 * holds the missing ones (expired by TTL, or never written); an empty result means nothing
 * after `afterSeq` is held. A result of `limit` trades may have more after it.
 *
 * @param options - See {@link QueryTradesAfterOptions}.
 * @returns The kept trades among the first `limit` items after `afterSeq`, in `seq` order.
 * @throws {@link InvalidSinkOptionsError} for an `afterSeq` or `limit` out of range; the SDK's
 * error when a query fails.
 *
 * @example
 * ```ts
 * import { queryTradesAfter } from '@market-stream/sinks';
 *
 * const missed = await queryTradesAfter({
 *   client: documentClient, tableName: 'trade-history', symbol: 'AAPL', afterSeq: 1041, limit: 500,
 * });
 * const complete = missed.every((trade, i) => trade.seq === 1042 + i);
 * ```
 */
export async function queryTradesAfter(options: QueryTradesAfterOptions): Promise<Trade[]> {
  const { client, tableName, symbol, afterSeq, limit } = options;
  if (!(Number.isSafeInteger(afterSeq) && afterSeq >= 0)) {
    throw new InvalidSinkOptionsError('queryTradesAfter: afterSeq must be a whole number >= 0');
  }
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIMIT)) {
    throw new InvalidSinkOptionsError(
      `queryTradesAfter: limit must be a whole number from 1 to ${MAX_LIMIT}`,
    );
  }
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  const trades: Trade[] = [];
  let read = 0;
  let startKey: Record<string, unknown> | undefined;
  // Each page reads at least one item or ends the partition, so `limit` pages always suffice.
  for (let page = 0; page < limit && read < limit; page++) {
    const output = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk AND #sk > :after',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':pk': symbol, ':after': tradeSortKey(afterSeq) },
        ScanIndexForward: true,
        ConsistentRead: true,
        Limit: limit - read,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of output.Items ?? []) {
      read++;
      if (typeof item.ttl === 'number' && item.ttl < nowSeconds) continue;
      trades.push(itemToTrade(item));
      if (read >= limit) break;
    }
    startKey = output.LastEvaluatedKey;
    if (startKey === undefined) break;
  }
  return trades;
}
