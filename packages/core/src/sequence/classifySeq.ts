import type { Trade } from '../trade.js';

/**
 * A break in one symbol's `seq` sequence, reported by {@link detectGaps} and told apart by
 * {@link classifySeq}.
 *
 * - `gap`: `seq` jumped past `expected`; `missing` trades (`expected` … `seq - 1`) never came.
 * - `duplicate`: `seq` is not above the highest seen for the symbol — a repeat, or a late trade
 *   arriving after a newer one.
 *
 * @example
 * ```ts
 * import type { SeqAnomaly } from '@market-stream/core';
 *
 * const anomaly: SeqAnomaly = { kind: 'gap', symbol: 'AAPL', expected: 7, seq: 10, missing: 3, trade };
 * ```
 */
export type SeqAnomaly =
  | { kind: 'gap'; symbol: string; expected: number; seq: number; missing: number; trade: Trade }
  | { kind: 'duplicate'; symbol: string; expected: number; seq: number; trade: Trade };

/**
 * Classifies a trade's `seq` against the highest `seq` seen for its symbol: the one rule of
 * {@link detectGaps} and the browser client's gap and duplicate reports. Pure.
 *
 * - no `lastSeq` (the symbol's first trade) or `seq === lastSeq + 1`: in order, `undefined`;
 * - `seq > lastSeq + 1`: a `gap` of `seq - lastSeq - 1` missing trades (the trade still counts:
 *   the caller moves its highest `seq` to it);
 * - `seq <= lastSeq`: a `duplicate` (a repeat or a late trade; the caller keeps its highest).
 *
 * @param lastSeq - The highest `seq` seen for the trade's symbol, `undefined` when none.
 * @param trade - The trade that arrived.
 * @returns The anomaly, or `undefined` when the trade is in order.
 *
 * @example
 * ```ts
 * import { classifySeq } from '@market-stream/core';
 *
 * classifySeq(6, trade); // trade.seq 7: undefined; 10: { kind: 'gap', expected: 7, missing: 3, … }
 * classifySeq(6, { ...trade, seq: 5 })?.kind; // 'duplicate'
 * ```
 */
export function classifySeq(lastSeq: number | undefined, trade: Trade): SeqAnomaly | undefined {
  const { symbol, seq } = trade;
  if (lastSeq === undefined || seq === lastSeq + 1) return undefined;
  const expected = lastSeq + 1;
  if (seq > expected) {
    return { kind: 'gap', symbol, expected, seq, missing: seq - expected, trade };
  }
  return { kind: 'duplicate', symbol, expected, seq, trade };
}
