import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Trade } from '@market-stream/core';
import { InvalidSinkOptionsError } from '../errors.js';
import { itemToTrade, tradeSortKey } from './itemDesign.js';
import { queryItems } from './queryItems.js';

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
   * Earliest trade timestamp, inclusive, ms since the epoch.
   * @default the beginning
   */
  from?: number;
  /**
   * Latest trade timestamp, inclusive, ms since the epoch.
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
 * first: one Query on the symbol's partition, pages followed until `limit`.
 *
 * @param options - See {@link QueryTradesOptions}.
 * @returns The trades, newest first (by timestamp, then seq).
 * @throws {@link InvalidSinkOptionsError} for a `limit` below 1; the SDK's error when the
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
  // DynamoDB rejects a BETWEEN whose bounds are reversed; an empty window is just empty.
  if (from !== undefined && to !== undefined && from > to) return [];
  const low = tradeSortKey(Math.max(0, from ?? 0), 0);
  // `~` sorts after every digit and `#`, so the bound covers every seq of `to`.
  const high = to === undefined ? '~' : `${tradeSortKey(to, 0).split('#')[0]}#~`;
  const items = await queryItems(client, tableName, symbol, low, high, limit);
  return items.map(itemToTrade);
}
