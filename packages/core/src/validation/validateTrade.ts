import { TRADE_VALIDATION_DEFAULTS } from '../defaults.js';
import type { TradeIssue } from '../errors.js';
import { SYMBOL_PATTERN, type Trade } from '../trade.js';

/**
 * Optional rules of {@link validateTrade} for trades that come from outside (an ingest
 * endpoint): a timestamp near now and a `seq` that continues the symbol's sequence. Without
 * them only the Trade contract is checked.
 *
 * @example
 * ```ts
 * import type { ValidateTradeOptions } from '@market-stream/core';
 *
 * const last = new Map([['SPOT', 1041]]);
 * const options: ValidateTradeOptions = { now: Date.now(), lastSeq: (symbol) => last.get(symbol) };
 * ```
 */
export interface ValidateTradeOptions {
  /**
   * The current time, ms since the epoch. When set, `timestamp` must be within
   * `now ± maxClockSkewMs`.
   * @default undefined (timestamps are not compared with the clock)
   */
  now?: number;
  /**
   * How far `timestamp` may be from `now`, either way, ms. Used only with `now`.
   * @default 60000 (`TRADE_VALIDATION_DEFAULTS.maxClockSkewMs`)
   */
  maxClockSkewMs?: number;
  /**
   * The last accepted `seq` of a symbol, or `undefined` for a symbol not known yet. When it
   * returns a number `L`, `seq` must be greater than `L` and at most `L + maxSeqGap`.
   * {@link SequenceTracker}`.last` fits here.
   * @default undefined (any positive `seq` is accepted)
   */
  lastSeq?: (symbol: string) => number | undefined;
  /**
   * How far past the symbol's last `seq` a trade's `seq` may be. Used only with `lastSeq`.
   * @default 1000 (`TRADE_VALIDATION_DEFAULTS.maxSeqGap`)
   */
  maxSeqGap?: number;
}

/**
 * The outcome of {@link validateTrade}.
 *
 * @example
 * ```ts
 * import type { TradeValidation } from '@market-stream/core';
 *
 * const result: TradeValidation = { ok: false, issues: [{ field: 'size', reason: 'must be a positive integer' }] };
 * ```
 */
export type TradeValidation = { ok: true; trade: Trade } | { ok: false; issues: TradeIssue[] };

/**
 * Checks that an untrusted value (an ingest request body, a decoded record) is a valid
 * {@link Trade}. Never throws. On success the trade is a fresh object holding only the seven
 * contract fields, so extra properties never travel further; on failure every bad field is named
 * with its reason, so an ingest endpoint can answer 400 with all of them at once.
 *
 * With `options` it also applies the ingest rules: with `now`, `timestamp` must lie within
 * `now ± maxClockSkewMs` (inclusive); with `lastSeq`, a known symbol's `seq` must continue its
 * sequence: above its last `seq` `L` and at most `L + maxSeqGap`, so one trade cannot jump a
 * symbol's sequence out of reach of its real source. These rules are checked only for fields
 * that are valid otherwise; their reasons carry the numbers, e.g. `must continue SPOT's
 * sequence: greater than 1041 and at most 2041`.
 *
 * @param value - Anything.
 * @param options - See {@link ValidateTradeOptions}; none by default.
 * @returns `{ ok: true, trade }` or `{ ok: false, issues }`.
 *
 * @example
 * ```ts
 * import { SequenceTracker, validateTrade } from '@market-stream/core';
 *
 * const sequences = new SequenceTracker();
 * const result = validateTrade(JSON.parse(body), {
 *   now: Date.now(),
 *   lastSeq: (symbol) => sequences.last(symbol),
 * });
 * if (!result.ok) return reply(400, { errors: result.issues });
 * sequences.observe(result.trade);
 * publish(result.trade);
 * ```
 */
export function validateTrade(value: unknown, options?: ValidateTradeOptions): TradeValidation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, issues: [{ field: 'trade', reason: 'must be a JSON object' }] };
  }
  const input = value as Record<string, unknown>;
  const issues: TradeIssue[] = [];
  const { symbol, price, size, bid, ask, timestamp, seq } = input;

  const symbolOk = typeof symbol === 'string' && SYMBOL_PATTERN.test(symbol);
  if (!symbolOk) {
    issues.push({ field: 'symbol', reason: `must match ${SYMBOL_PATTERN}` });
  }
  if (!isPositive(price)) {
    issues.push({ field: 'price', reason: 'must be a finite number greater than 0' });
  } else if (!isOnTheCent(price)) {
    issues.push({ field: 'price', reason: 'must be rounded to the cent' });
  }
  if (!isPositiveInteger(size))
    issues.push({ field: 'size', reason: 'must be a positive integer' });
  if (!isPositive(bid))
    issues.push({ field: 'bid', reason: 'must be a finite number greater than 0' });
  if (!isPositive(ask))
    issues.push({ field: 'ask', reason: 'must be a finite number greater than 0' });
  if (isPositive(bid) && isPositive(ask) && !(bid < ask)) {
    issues.push({ field: 'ask', reason: 'must be greater than bid' });
  }
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp < 0) {
    issues.push({ field: 'timestamp', reason: 'must be ms since the Unix epoch (a number ≥ 0)' });
  } else if (options?.now !== undefined) {
    checkClock(timestamp, options.now, options, issues);
  }
  if (!isPositiveInteger(seq)) {
    issues.push({ field: 'seq', reason: 'must be a positive integer' });
  } else if (symbolOk && options?.lastSeq !== undefined) {
    checkSequence(symbol, seq, options.lastSeq, options, issues);
  }

  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    trade: {
      symbol: symbol as string,
      price: price as number,
      size: size as number,
      bid: bid as number,
      ask: ask as number,
      timestamp: timestamp as number,
      seq: seq as number,
    },
  };
}

function checkClock(
  timestamp: number,
  now: number,
  options: ValidateTradeOptions,
  issues: TradeIssue[],
): void {
  const skew = options.maxClockSkewMs ?? TRADE_VALIDATION_DEFAULTS.maxClockSkewMs;
  if (!(Math.abs(timestamp - now) <= skew)) {
    issues.push({
      field: 'timestamp',
      reason: `must be within ${skew} ms of now (${now}): between ${now - skew} and ${now + skew}`,
    });
  }
}

function checkSequence(
  symbol: string,
  seq: number,
  lastSeq: (symbol: string) => number | undefined,
  options: ValidateTradeOptions,
  issues: TradeIssue[],
): void {
  const last = lastSeq(symbol);
  if (last === undefined) return;
  const gap = options.maxSeqGap ?? TRADE_VALIDATION_DEFAULTS.maxSeqGap;
  if (!(seq > last && seq - last <= gap)) {
    issues.push({
      field: 'seq',
      reason: `must continue ${symbol}'s sequence: greater than ${last} and at most ${last + gap}`,
    });
  }
}

function isPositive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function isPositiveInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

function isOnTheCent(price: number): boolean {
  // Binary floating point cannot hold most cent values exactly; allow for its rounding error.
  return Math.abs(price * 100 - Math.round(price * 100)) < 1e-6;
}
