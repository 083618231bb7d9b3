import {
  asyncScheduler,
  Observable,
  type OperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { NewestTrades } from '../sequence/NewestTrades.js';
import type { Trade } from '../trade.js';

/**
 * Conflates a trade stream to the newest trade per symbol per window: the first trade after a
 * quiet spell opens a window of `windowMs`; when it closes, one array is emitted holding the
 * newest trade (highest `seq`, the later one on a tie: {@link NewestTrades}) of each symbol seen
 * in it, in the order the symbols first appeared. Windows with no trades emit nothing and cost
 * no timer.
 *
 * Memory is bounded by the number of distinct symbols. On completion the open window is emitted
 * at once; on error it is dropped and the error passes through.
 *
 * @param windowMs - Length of a window in ms.
 * @param scheduler - Where windows are timed.
 * @default scheduler asyncScheduler
 * @returns An operator from trades to arrays of the newest trade per symbol.
 *
 * @example
 * ```ts
 * import { conflateLatest } from '@market-stream/core';
 *
 * trades$.pipe(conflateLatest(100)).subscribe((latest) => render(latest));
 * ```
 */
export function conflateLatest(
  windowMs: number,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<Trade, Trade[]> {
  return (source) =>
    new Observable<Trade[]>((subscriber) => {
      let pending = new NewestTrades();
      let timer: Subscription | undefined;

      const emit = () => {
        timer = undefined;
        const batch = pending.trades();
        pending = new NewestTrades();
        if (batch.length > 0) subscriber.next(batch);
      };

      const subscription = source.subscribe({
        next(trade) {
          pending.offer(trade);
          timer ??= scheduler.schedule(emit, windowMs);
        },
        error(error) {
          timer?.unsubscribe();
          subscriber.error(error);
        },
        complete() {
          timer?.unsubscribe();
          emit();
          subscriber.complete();
        },
      });

      return () => {
        timer?.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
