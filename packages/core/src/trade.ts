/**
 * One trade of one symbol, the unit every market-stream package moves.
 *
 * Guarantees a valid trade carries (see {@link validateTrade}): `symbol` matches
 * {@link SYMBOL_PATTERN}; `price`, `bid` and `ask` are positive and finite with `bid < ask`;
 * `price` is on the cent; `size` and `seq` are positive integers; `timestamp` is ms since the
 * Unix epoch. `seq` counts 1, 2, 3 … per symbol with no gaps at the source, which lets sinks
 * use `symbol#seq` as an idempotency key and clients detect gaps and duplicates.
 *
 * @example
 * ```ts
 * import type { Trade } from '@market-stream/core';
 *
 * const trade: Trade = {
 *   symbol: 'AAPL', price: 189.42, size: 1_000, bid: 189.4, ask: 189.44,
 *   timestamp: Date.now(), seq: 1,
 * };
 * ```
 */
export interface Trade {
  /** Ticker symbol, e.g. `"AAPL"` or `"BRK.B"`; matches {@link SYMBOL_PATTERN}. */
  symbol: string;
  /** Trade price, greater than 0 and rounded to the cent. */
  price: number;
  /** Shares in this trade, a positive integer. */
  size: number;
  /** Best bid when the trade happened. */
  bid: number;
  /** Best ask when the trade happened; always greater than `bid`. */
  ask: number;
  /** When the trade happened, in ms since the Unix epoch. */
  timestamp: number;
  /** Per-symbol sequence number: 1, 2, 3 … with no gaps at the source. */
  seq: number;
}

/**
 * The pattern every symbol matches: an upper-case letter, then up to 11 upper-case letters,
 * digits, dots or dashes.
 *
 * @example
 * ```ts
 * import { SYMBOL_PATTERN } from '@market-stream/core';
 *
 * SYMBOL_PATTERN.test('BRK.B'); // true
 * SYMBOL_PATTERN.test('aapl'); // false
 * ```
 */
export const SYMBOL_PATTERN: RegExp = /^[A-Z][A-Z0-9.-]{0,11}$/;

/**
 * The idempotency key of a trade, `symbol#seq`: sinks deduplicate and tests count loss with it.
 *
 * @param trade - The trade to key.
 * @returns `"AAPL#42"` for the 42nd AAPL trade.
 *
 * @example
 * ```ts
 * import { tradeKey } from '@market-stream/core';
 *
 * tradeKey({ symbol: 'AAPL', seq: 42 }); // 'AAPL#42'
 * ```
 */
export function tradeKey(trade: Pick<Trade, 'symbol' | 'seq'>): string {
  return `${trade.symbol}#${trade.seq}`;
}
