import { Observable, type OperatorFunction } from 'rxjs';
import type { Trade } from '../trade.js';

/**
 * A break in one symbol's `seq` sequence, reported by {@link detectGaps}.
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
 * Options of {@link detectGaps}.
 *
 * @example
 * ```ts
 * import type { DetectGapsOptions } from '@market-stream/core';
 *
 * const options: DetectGapsOptions = { firstSeq: 1 };
 * ```
 */
export interface DetectGapsOptions {
  /**
   * The `seq` each symbol is expected to start at. Leave unset when joining a live stream
   * midway: then a symbol's first trade sets its baseline.
   * @default undefined
   */
  firstSeq?: number;
}

/**
 * Watches `seq` per symbol and emits a {@link SeqAnomaly} for every gap and every duplicate or
 * reordered trade; in-order trades emit nothing. Memory is one number per symbol.
 *
 * @param options - See {@link DetectGapsOptions}.
 * @returns An operator from trades to anomalies.
 *
 * @example
 * ```ts
 * import { detectGaps } from '@market-stream/core';
 *
 * trades$.pipe(detectGaps()).subscribe((anomaly) => {
 *   if (anomaly.kind === 'gap') console.warn(`${anomaly.symbol}: ${anomaly.missing} trades missing`);
 * });
 * ```
 */
export function detectGaps(options: DetectGapsOptions = {}): OperatorFunction<Trade, SeqAnomaly> {
  return (source) =>
    new Observable<SeqAnomaly>((subscriber) => {
      const highest = new Map<string, number>();
      return source.subscribe({
        next(trade) {
          const { symbol, seq } = trade;
          const last =
            highest.get(symbol) ??
            (options.firstSeq === undefined ? undefined : options.firstSeq - 1);
          if (last === undefined || seq === last + 1) {
            highest.set(symbol, seq);
          } else if (seq > last + 1) {
            highest.set(symbol, seq);
            subscriber.next({
              kind: 'gap',
              symbol,
              expected: last + 1,
              seq,
              missing: seq - last - 1,
              trade,
            });
          } else {
            subscriber.next({ kind: 'duplicate', symbol, expected: last + 1, seq, trade });
          }
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
