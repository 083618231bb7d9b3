import { SYMBOL_PATTERN } from '@market-stream/core';
import { HISTORY_INTERVALS, HISTORY_QUERY_DEFAULTS } from '../defaults.js';
import { InvalidHistoryQueryError } from '../errors.js';

/**
 * A valid history query: what {@link parseHistoryQuery} makes of `GET /api/trades` or
 * `GET /api/bars` query parameters.
 *
 * @example
 * ```ts
 * import type { HistoryQuery } from '@market-stream/sinks';
 *
 * const query: HistoryQuery = { route: 'bars', symbol: 'AAPL', limit: 60, intervalMs: 60_000 };
 * ```
 */
export interface HistoryQuery {
  /** Which history: raw trades or OHLCV bars. */
  route: 'trades' | 'bars';
  /** The ticker, upper case. */
  symbol: string;
  /** How many, newest first. */
  limit: number;
  /** Bar length in ms (`bars` only), one of {@link HISTORY_INTERVALS}. */
  intervalMs?: number;
  /** Oldest timestamp, ms since the epoch, when given. */
  from?: number;
  /** Newest timestamp, ms since the epoch, when given. */
  to?: number;
}

/** Limits a server may set instead of {@link HISTORY_QUERY_DEFAULTS}. */
export interface HistoryQueryLimits {
  /**
   * Trades answered without `limit`.
   * @default 50
   */
  tradesLimit?: number;
  /**
   * Bars answered without `limit`.
   * @default 60
   */
  barsLimit?: number;
  /**
   * The largest `limit` accepted.
   * @default 1000
   */
  maxLimit?: number;
}

/** `undefined` when absent, `null` when not a whole number in [min, max]. */
function parseInteger(
  raw: string | null | undefined,
  min: number,
  max: number,
): number | null | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (!/^\d{1,16}$/.test(raw)) return null;
  const value = Number(raw);
  return value >= min && value <= max ? value : null;
}

/**
 * The one reading of the history API's query parameters (`symbol`, `interval`, `limit`,
 * `from`, `to`), shared by the deployed `HistoryApi` handler and the local server: a pure
 * function from the parameters to a {@link HistoryQuery}, or an {@link InvalidHistoryQueryError}
 * (status 400). `symbol` is trimmed and upper-cased; `interval` is a name of
 * {@link HISTORY_INTERVALS} (default `1m`); `limit` a whole number 1…`maxLimit`; `from`/`to`
 * ms since the epoch.
 *
 * @param route - `trades` or `bars`.
 * @param params - The query parameters (absent ones `undefined` or `null`).
 * @param limits - Default and largest limits, {@link HISTORY_QUERY_DEFAULTS} unless given.
 * @returns The query.
 * @throws InvalidHistoryQueryError with code `INVALID_SYMBOL`, `INVALID_RANGE`, `INVALID_LIMIT`
 * or `INVALID_INTERVAL`.
 *
 * @example
 * ```ts
 * import { parseHistoryQuery } from '@market-stream/sinks';
 *
 * const url = new URL('http://localhost/api/bars?symbol=aapl&interval=5m&limit=10');
 * parseHistoryQuery('bars', Object.fromEntries(url.searchParams));
 * // { route: 'bars', symbol: 'AAPL', limit: 10, intervalMs: 300_000 }
 * ```
 */
export function parseHistoryQuery(
  route: 'trades' | 'bars',
  params: Readonly<Record<string, string | null | undefined>>,
  limits: HistoryQueryLimits = {},
): HistoryQuery {
  const maxLimit = limits.maxLimit ?? HISTORY_QUERY_DEFAULTS.maxLimit;
  const symbol = (params.symbol ?? '').trim().toUpperCase();
  if (!SYMBOL_PATTERN.test(symbol)) {
    throw new InvalidHistoryQueryError(
      'INVALID_SYMBOL',
      'symbol must be a ticker like AAPL or BRK.B',
    );
  }
  const from = parseInteger(params.from, 0, Number.MAX_SAFE_INTEGER);
  const to = parseInteger(params.to, 0, Number.MAX_SAFE_INTEGER);
  if (from === null || to === null) {
    throw new InvalidHistoryQueryError('INVALID_RANGE', 'from and to must be ms since the epoch');
  }
  const limit = parseInteger(params.limit, 1, maxLimit);
  if (limit === null) {
    throw new InvalidHistoryQueryError(
      'INVALID_LIMIT',
      `limit must be a whole number from 1 to ${maxLimit}`,
    );
  }
  const range = { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
  if (route === 'trades') {
    return {
      route,
      symbol,
      limit: limit ?? limits.tradesLimit ?? HISTORY_QUERY_DEFAULTS.tradesLimit,
      ...range,
    };
  }
  const intervalMs = HISTORY_INTERVALS.get(params.interval ?? HISTORY_QUERY_DEFAULTS.interval);
  if (intervalMs === undefined) {
    throw new InvalidHistoryQueryError(
      'INVALID_INTERVAL',
      `interval must be one of ${[...HISTORY_INTERVALS.keys()].join(', ')}`,
    );
  }
  return {
    route,
    symbol,
    limit: limit ?? limits.barsLimit ?? HISTORY_QUERY_DEFAULTS.barsLimit,
    intervalMs,
    ...range,
  };
}
