import { SYMBOL_PATTERN } from './trade.js';

/**
 * Limits that {@link parseClientMessage} and servers enforce on what a client sends.
 *
 * @example
 * ```ts
 * import type { ProtocolLimits } from '@market-stream/core';
 *
 * const limits: Partial<ProtocolLimits> = { maxSymbols: 100 };
 * ```
 */
export interface ProtocolLimits {
  /**
   * Largest accepted client message, in UTF-8 bytes.
   * @default 4096
   */
  maxMessageBytes: number;
  /**
   * Most symbols one connection may hold (and so the most one message may name).
   * @default 50
   */
  maxSymbols: number;
  /**
   * What a symbol must match.
   * @default SYMBOL_PATTERN
   */
  symbolPattern: RegExp;
}

/**
 * The default {@link ProtocolLimits}: 4 KiB messages, 50 symbols per connection, the symbol
 * pattern of the Trade contract.
 *
 * @example
 * ```ts
 * import { DEFAULT_PROTOCOL_LIMITS } from '@market-stream/core';
 *
 * DEFAULT_PROTOCOL_LIMITS.maxSymbols; // 50
 * ```
 */
export const DEFAULT_PROTOCOL_LIMITS: Readonly<ProtocolLimits> = Object.freeze({
  maxMessageBytes: 4096,
  maxSymbols: 50,
  symbolPattern: SYMBOL_PATTERN,
});

/**
 * Defaults of the optional ingest rules of {@link validateTrade} (its `options`).
 *
 * - `maxClockSkewMs` 60 000: NTP-synced hosts agree within milliseconds, so a minute leaves
 *   ample room for a client's drift and for batching or retry delays, while any accepted trade
 *   stays within one 1-minute bar of now: it cannot close bars more than a minute early, and
 *   cannot sit as the "newest" trade (or carry a TTL) a year out.
 * - `maxSeqGap` 1 000: a source that continues its own sequence never skips more than the
 *   trades it lost, and losing a thousand trades of one symbol between two ingests is an
 *   outage, not a gap; yet 2⁵³−1 (or anything far ahead) is refused, so one request cannot make
 *   every later trade of the symbol look stale.
 *
 * @example
 * ```ts
 * import { TRADE_VALIDATION_DEFAULTS } from '@market-stream/core';
 *
 * TRADE_VALIDATION_DEFAULTS.maxClockSkewMs; // 60000
 * ```
 */
export const TRADE_VALIDATION_DEFAULTS = Object.freeze({
  /** How far a timestamp may be from `now`, either way, in ms. */
  maxClockSkewMs: 60_000,
  /** How far past the symbol's last `seq` a trade's `seq` may be. */
  maxSeqGap: 1_000,
});

/**
 * Defaults of {@link SequenceTracker}.
 *
 * - `maxSymbols` 10 000: about 100 bytes per symbol, so ~1 MB at most.
 * - `idleMs` one hour: a full tracker makes room by forgetting the least recently seen symbol
 *   only when it has been quiet this long, so a flood of new symbols cannot push out the
 *   sequences of symbols that are trading.
 *
 * @example
 * ```ts
 * import { SEQUENCE_TRACKER_DEFAULTS } from '@market-stream/core';
 *
 * SEQUENCE_TRACKER_DEFAULTS.maxSymbols; // 10000
 * ```
 */
export const SEQUENCE_TRACKER_DEFAULTS = Object.freeze({
  /** Most symbols tracked at once. */
  maxSymbols: 10_000,
  /** Quiet time, ms, after which a symbol may be forgotten to make room for a new one. */
  idleMs: 60 * 60_000,
});

/**
 * Defaults of {@link toBars}.
 *
 * @example
 * ```ts
 * import { TO_BARS_DEFAULTS } from '@market-stream/core';
 *
 * TO_BARS_DEFAULTS.watermarkQuorum; // 2
 * ```
 */
export const TO_BARS_DEFAULTS = Object.freeze({
  /**
   * Symbols whose clocks must have passed a time before it closes other symbols' bars: 2, so
   * one symbol's outlying timestamps alone never close another symbol's bar.
   */
  watermarkQuorum: 2,
});

/**
 * The bar intervals by name, in ms: what the history API serves (`GET /api/bars?interval=`,
 * locally and deployed) and what `<ticker-chart>` offers, from one list. A Map, not an object
 * literal, so `?interval=constructor` (or `__proto__`, `toString`) finds nothing.
 *
 * @default 5s, 1m, 5m, 15m, 1h, 1d
 *
 * @example
 * ```ts
 * import { BAR_INTERVALS } from '@market-stream/core';
 *
 * BAR_INTERVALS.get('5m'); // 300_000
 * ```
 */
export const BAR_INTERVALS: ReadonlyMap<string, number> = new Map([
  ['5s', 5_000],
  ['1m', 60_000],
  ['5m', 300_000],
  ['15m', 900_000],
  ['1h', 3_600_000],
  ['1d', 86_400_000],
]);

/**
 * The default ticker universe: the twenty symbols every part of market-stream uses when none are
 * given — the simulator's `simulateTrades()` (and its CLI), the deployed producer, the ticker
 * page's config in `@market-stream/cdk-constructs`, and the tests. They are the twenty tickers
 * of the original ticker system, chosen for the simulator, which gives each a company name and a
 * distinct start price between $15 and $550 (so the page shows varied prices); any other list of
 * symbols still works everywhere. The order is the display order; `simulateTrades({ symbols: N })`
 * takes the first N. The array is frozen.
 *
 * @default AAPL, TSLA, GOOGL, MSFT, AMZN, META, NVDA, AMD, NFLX, DIS, PYPL, INTC, CSCO, ADBE, CRM,
 * ORCL, IBM, UBER, LYFT, SPOT
 *
 * @example
 * ```ts
 * import { DEFAULT_SYMBOLS } from '@market-stream/core';
 *
 * DEFAULT_SYMBOLS.length; // 20
 * DEFAULT_SYMBOLS.slice(0, 3); // ['AAPL', 'TSLA', 'GOOGL']
 * ```
 */
export const DEFAULT_SYMBOLS: readonly string[] = Object.freeze([
  'AAPL',
  'TSLA',
  'GOOGL',
  'MSFT',
  'AMZN',
  'META',
  'NVDA',
  'AMD',
  'NFLX',
  'DIS',
  'PYPL',
  'INTC',
  'CSCO',
  'ADBE',
  'CRM',
  'ORCL',
  'IBM',
  'UBER',
  'LYFT',
  'SPOT',
]);
