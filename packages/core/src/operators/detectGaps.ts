import { Observable, type OperatorFunction } from 'rxjs';
import { classifySeq, type SeqAnomaly } from '../sequence/classifySeq.js';
import type { Trade } from '../trade.js';

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
          const last =
            highest.get(trade.symbol) ??
            (options.firstSeq === undefined ? undefined : options.firstSeq - 1);
          const anomaly = classifySeq(last, trade);
          if (anomaly?.kind !== 'duplicate') highest.set(trade.symbol, trade.seq);
          if (anomaly !== undefined) subscriber.next(anomaly);
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
