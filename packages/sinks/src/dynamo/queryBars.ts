import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Bar } from '@market-stream/core';
import { DYNAMO_DEFAULTS } from '../defaults.js';
import { InvalidSinkOptionsError } from '../errors.js';
import { barPartitionKey, barSortKey, itemToBar } from './itemDesign.js';
import { queryItems } from './queryItems.js';

/**
 * Options of {@link queryBars}.
 *
 * @example
 * ```ts
 * import type { QueryBarsOptions } from '@market-stream/sinks';
 *
 * const options: QueryBarsOptions = {
 *   client: documentClient, tableName: 'trade-history', symbol: 'AAPL', interval: 60_000,
 * };
 * ```
 */
export interface QueryBarsOptions {
  /** A DynamoDB document client. */
  client: DynamoDBDocumentClient;
  /** The table {@link toDynamo} writes bars to. */
  tableName: string;
  /** The symbol. */
  symbol: string;
  /**
   * Bar length in ms, as given to `toDynamo({ bars: { intervalMs } })`.
   * @default 60_000
   */
  interval?: number;
  /**
   * Earliest bar start, inclusive, ms since the epoch.
   * @default the beginning
   */
  from?: number;
  /**
   * Latest bar start, inclusive, ms since the epoch.
   * @default the end
   */
  to?: number;
  /**
   * Most bars returned (the newest ones).
   * @default unlimited
   */
  limit?: number;
}

/**
 * Reads one symbol's OHLCV bars written by `toDynamo({ bars })`, newest first.
 *
 * @param options - See {@link QueryBarsOptions}.
 * @returns The bars, newest first (by start).
 * @throws {@link InvalidSinkOptionsError} for a bad `interval` or `limit`; the SDK's error
 * when the query fails.
 *
 * @example
 * ```ts
 * import { queryBars } from '@market-stream/sinks';
 *
 * const lastHour = await queryBars({
 *   client: documentClient, tableName: 'trade-history', symbol: 'AAPL', limit: 60,
 * });
 * ```
 */
export async function queryBars(options: QueryBarsOptions): Promise<Bar[]> {
  const { client, tableName, symbol, from, to, limit } = options;
  const interval = options.interval ?? DYNAMO_DEFAULTS.barIntervalMs;
  if (!(interval > 0)) throw new InvalidSinkOptionsError('queryBars: interval must be > 0');
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    throw new InvalidSinkOptionsError('queryBars: limit must be a whole number >= 1');
  }
  // DynamoDB rejects a BETWEEN whose bounds are reversed; an empty window is just empty.
  if (from !== undefined && to !== undefined && from > to) return [];
  const low = barSortKey(Math.max(0, from ?? 0));
  const high = to === undefined ? '~' : barSortKey(to);
  const items = await queryItems(
    client,
    tableName,
    barPartitionKey(symbol, interval),
    low,
    high,
    limit,
  );
  return items.map(itemToBar);
}
