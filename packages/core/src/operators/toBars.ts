import { Observable, type OperatorFunction } from 'rxjs';
import { TO_BARS_DEFAULTS } from '../defaults.js';
import { OpenBars } from '../internal/OpenBars.js';
import { SymbolClocks } from '../internal/SymbolClocks.js';
import type { Trade } from '../trade.js';
import { addTradeToBar, closeBar, type OpenBar, openBar } from './openBar.js';

/**
 * One OHLCV bar: what one symbol traded over one interval.
 *
 * @example
 * ```ts
 * import type { Bar } from '@market-stream/core';
 *
 * const bar: Bar = {
 *   symbol: 'AAPL', start: 1_700_000_040_000, end: 1_700_000_100_000,
 *   open: 189.1, high: 189.6, low: 188.9, close: 189.4,
 *   volume: 12_000, vwap: 189.31, trades: 9,
 * };
 * ```
 */
export interface Bar {
  symbol: string;
  /** Start of the interval (inclusive), ms since the epoch, a multiple of the interval. */
  start: number;
  /** End of the interval (exclusive). */
  end: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Shares traded. */
  volume: number;
  /** Volume-weighted average price, rounded to 1/10,000 of a dollar. */
  vwap: number;
  /** Number of trades. */
  trades: number;
}

/**
 * Options of {@link toBars}.
 *
 * @example
 * ```ts
 * import type { ToBarsOptions } from '@market-stream/core';
 *
 * const options: ToBarsOptions = { onLate: (trade) => console.warn('late', trade), watermarkQuorum: 3 };
 * ```
 */
export interface ToBarsOptions {
  /**
   * Called with a late trade: one whose interval has already closed, for its symbol (its bar
   * of that interval or a later one was emitted or is open) or for the stream (the interval ends
   * at or before the watermark, once more than `watermarkQuorum` symbols have traded). Such a
   * trade is not counted in any bar.
   * @default undefined (late trades are dropped silently)
   */
  onLate?: (trade: Trade) => void;
  /**
   * How many symbols' clocks must have passed a time for the watermark to reach it (see
   * {@link toBars}), a positive integer. 1 is the newest timestamp of the stream (any one symbol
   * moves it); higher makes it take that many symbols to close another symbol's bar.
   * @default 2 (`TO_BARS_DEFAULTS.watermarkQuorum`)
   */
  watermarkQuorum?: number;
}

/**
 * Aggregates trades into OHLCV bars per symbol, with VWAP and trade count, on interval
 * boundaries aligned to the epoch (a 1-minute bar starts on the minute).
 *
 * Intervals close in event time. A symbol's bar closes on its own next trade in a later
 * interval, or when the stream's watermark reaches its end. Each symbol has a clock, the newest
 * `timestamp` it traded; the watermark is the `watermarkQuorum`-th newest clock (the 2nd, by
 * default). So a quiet symbol's bar closes once two other symbols have traded past its end, also
 * for a symbol that went quiet, and one symbol's clock alone (timestamps a year ahead, or
 * ≥ 1e15) never closes another symbol's bar. While no more than `watermarkQuorum` symbols have
 * traded, the watermark is the newest clock but one (the newest, with one or two symbols), so in
 * a two-symbol stream the other symbol's clock closes a quiet one's bar. Bars that close
 * together are emitted ordered by start, then symbol. A trade whose interval has already closed
 * is late (see `onLate`). The bars depend only on the order of the trades, so replays at any
 * speed give the same bars. On completion every open bar is flushed.
 *
 * Memory is the open bars (one per symbol that traded in an interval the watermark has not
 * passed) and `watermarkQuorum + 1` clocks. Each trade costs O(log of distinct open bar ends),
 * plus the bars it closes, however many bars stay open.
 *
 * @param intervalMs - Bar length in ms, e.g. `60_000`.
 * @param options - See {@link ToBarsOptions}.
 * @returns An operator from trades to closed bars.
 *
 * @example
 * ```ts
 * import { toBars } from '@market-stream/core';
 *
 * trades$.pipe(toBars(60_000)).subscribe((bar) => console.log(bar.symbol, bar.close, bar.vwap));
 * ```
 */
export function toBars(
  intervalMs: number,
  options: ToBarsOptions = {},
): OperatorFunction<Trade, Bar> {
  if (!(intervalMs > 0)) throw new RangeError('toBars: intervalMs must be greater than 0');
  const quorum = options.watermarkQuorum ?? TO_BARS_DEFAULTS.watermarkQuorum;
  if (!Number.isInteger(quorum) || quorum < 1) {
    throw new RangeError(`toBars: watermarkQuorum must be a positive integer, got ${quorum}`);
  }
  return (source) =>
    new Observable<Bar>((subscriber) => {
      const open = new OpenBars<OpenBar>();
      const clocks = new SymbolClocks(quorum);
      let closeMark = Number.NEGATIVE_INFINITY;
      let settled = Number.NEGATIVE_INFINITY;
      // Ends of bars the watermark closed before it settled (at most `quorum` symbols traded
      // then), kept until the settled watermark passes them.
      const closedUntil = new Map<string, number>();

      return source.subscribe({
        next(trade) {
          const start = Math.floor(trade.timestamp / intervalMs) * intervalMs;
          const current = open.get(trade.symbol);
          if (
            start + intervalMs <= settled ||
            (current !== undefined && start < current.start) ||
            start < (closedUntil.get(trade.symbol) ?? Number.NEGATIVE_INFINITY)
          ) {
            options.onLate?.(trade);
            return;
          }
          if (current === undefined || current.start !== start) {
            if (current !== undefined) {
              open.remove(current);
              subscriber.next(closeBar(current));
            }
            open.add(openBar(trade, start, intervalMs));
          } else {
            addTradeToBar(current, trade);
          }

          clocks.observe(trade.symbol, trade.timestamp);
          const mark = clocks.watermark();
          const nextSettled = clocks.settled();
          if (mark > closeMark) {
            for (const bar of open.closeThrough(mark)) {
              if (bar.end > nextSettled) closedUntil.set(bar.symbol, bar.end);
              subscriber.next(closeBar(bar));
            }
          }
          closeMark = mark;
          if (nextSettled > settled) {
            settled = nextSettled;
            if (closedUntil.size > 0) {
              for (const [symbol, end] of closedUntil) {
                if (end <= settled) closedUntil.delete(symbol);
              }
            }
          }
        },
        error: (error) => subscriber.error(error),
        complete() {
          for (const bar of open.closeThrough(Number.POSITIVE_INFINITY)) {
            subscriber.next(closeBar(bar));
          }
          subscriber.complete();
        },
      });
    });
}
