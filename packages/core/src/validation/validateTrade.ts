import type { TradeIssue } from '../errors.js';
import { SYMBOL_PATTERN, type Trade } from '../trade.js';

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
 * @param value - Anything.
 * @returns `{ ok: true, trade }` or `{ ok: false, issues }`.
 *
 * @example
 * ```ts
 * import { validateTrade } from '@market-stream/core';
 *
 * const result = validateTrade(JSON.parse(body));
 * if (!result.ok) return reply(400, { errors: result.issues });
 * publish(result.trade);
 * ```
 */
export function validateTrade(value: unknown): TradeValidation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, issues: [{ field: 'trade', reason: 'must be a JSON object' }] };
  }
  const input = value as Record<string, unknown>;
  const issues: TradeIssue[] = [];
  const { symbol, price, size, bid, ask, timestamp, seq } = input;

  if (typeof symbol !== 'string' || !SYMBOL_PATTERN.test(symbol)) {
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
  }
  if (!isPositiveInteger(seq)) issues.push({ field: 'seq', reason: 'must be a positive integer' });

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
