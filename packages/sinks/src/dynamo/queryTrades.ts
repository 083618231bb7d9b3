import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Trade } from '@market-stream/core';
import { InvalidSinkOptionsError } from '../errors.js';
import { itemToTrade, tradeSortKey } from './itemDesign.js';
import { MAX_PAGES } from './queryItems.js';
import { seekTradeSeq } from './seekTradeSeq.js';

/** Items the first page of a window with a `from` asks for; each next page doubles it. */
const FIRST_WINDOW_PAGE = 32;

/** Largest page of a window with a `from`. */
const LAST_WINDOW_PAGE = 1_024;

/**
 * Options of {@link queryTrades}.
 *
 * @example
 * ```ts
 * import type { QueryTradesOptions } from '@market-stream/sinks';
 *
 * const options: QueryTradesOptions = {
 *   client: documentClient, tableName: 'trade-history', symbol: 'AAPL', limit: 100,
 * };
 * ```
 */
export interface QueryTradesOptions {
  /** A DynamoDB document client. */
  client: DynamoDBDocumentClient;
  /** The table {@link toDynamo} writes to (default item design). */
  tableName: string;
  /** The symbol. */
  symbol: string;
  /**
   * Earliest trade timestamp, inclusive, ms since the epoch. Reading stops at the first trade
   * older than this.
   * @default the beginning
   */
  from?: number;
  /**
   * Latest trade timestamp, inclusive, ms since the epoch. Found by a binary search over seq.
   * @default the end
   */
  to?: number;
  /**
   * Most trades returned (the newest ones).
   * @default unlimited
   */
  limit?: number;
}

/**
 * Reads one symbol's trade history written by {@link toDynamo} (default item design), newest
 * first (highest seq first).
 *
 * Trade items are keyed by `symbol#seq` alone (`sk` = zero-padded seq), so the partition is in
 * seq order, not time order. The time window is read on the assumption that seq order is time
 * order, as it is at every source of this library (a trade with a later seq is not older):
 * - without `to`, one Query reads the partition newest first;
 * - with `to`, a binary search over seq first finds the newest trade not newer than `to`, with
 *   at most ~log2(newest seq) + 1 reads of one item each, and the Query starts there;
 * - with `from`, reading stops at the first trade older than `from`.
 *
 * Cost (items read): the seek, plus the trades returned, plus, with `from`, what the last page
 * read past the window's old end. Without `from`, pages ask for exactly the trades still
 * missing; with `from`, the window's size is unknown, so pages start at 32 items and double up
 * to 1,024, which reads at most about as many items again as the window holds (32 at least).
 * A trade outside the window is never returned; if a source broke the assumption, a trade
 * inside it may be missed.
 *
 * @param options - See {@link QueryTradesOptions}.
 * @returns The trades, newest first (by seq).
 * @throws {@link InvalidSinkOptionsError} for a `limit` below 1; the SDK's error when a
 * query fails.
 *
 * @example
 * ```ts
 * import { queryTrades } from '@market-stream/sinks';
 *
 * const lastHour = await queryTrades({
 *   client: documentClient, tableName: 'trade-history', symbol: 'AAPL',
 *   from: Date.now() - 3_600_000,
 * });
 * ```
 */
export async function queryTrades(options: QueryTradesOptions): Promise<Trade[]> {
  const { client, tableName, symbol, from, to, limit } = options;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    throw new InvalidSinkOptionsError('queryTrades: limit must be a whole number >= 1');
  }
  if (from !== undefined && to !== undefined && from > to) return [];
  let highest: number | undefined;
  if (to !== undefined) {
    highest = await seekTradeSeq(client, tableName, symbol, to);
    if (highest === undefined) return [];
  }
  const trades: Trade[] = [];
  let startKey: Record<string, unknown> | undefined;
  let pageSize = FIRST_WINDOW_PAGE;
  for (let page = 0; page < MAX_PAGES; page++) {
    const missing = limit === undefined ? undefined : limit - trades.length;
    // Without `from` every item read is returned, so a page asks for exactly what is missing;
    // with it, pages grow so a small window costs a small read and a large one few round trips.
    const pageLimit = from === undefined ? missing : Math.min(missing ?? pageSize, pageSize);
    pageSize = Math.min(pageSize * 2, LAST_WINDOW_PAGE);
    const output = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: highest === undefined ? '#pk = :pk' : '#pk = :pk AND #sk <= :high',
        ExpressionAttributeNames: {
          '#pk': 'pk',
          ...(highest === undefined ? {} : { '#sk': 'sk' }),
        },
        ExpressionAttributeValues: {
          ':pk': symbol,
          ...(highest === undefined ? {} : { ':high': tradeSortKey(highest) }),
        },
        ScanIndexForward: false,
        Limit: pageLimit,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of output.Items ?? []) {
      const trade = itemToTrade(item);
      // Seq order is time order: everything after a trade older than the window is older too.
      if (from !== undefined && trade.timestamp < from) return trades;
      if (to !== undefined && trade.timestamp > to) continue;
      trades.push(trade);
      if (limit !== undefined && trades.length >= limit) return trades;
    }
    startKey = output.LastEvaluatedKey;
    if (startKey === undefined) break;
  }
  return trades;
}
