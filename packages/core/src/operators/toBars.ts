import { Observable, type OperatorFunction } from 'rxjs';
import type { Trade } from '../trade.js';

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
 * const options: ToBarsOptions = { onLate: (trade) => console.warn('late', trade) };
 * ```
 */
export interface ToBarsOptions {
  /**
   * Called with a trade that belongs to an interval already emitted for its symbol; such a
   * trade is not counted in any bar.
   * @default undefined (late trades are dropped silently)
   */
  onLate?: (trade: Trade) => void;
}

/**
 * Aggregates trades into OHLCV bars per symbol, with VWAP and trade count, on interval
 * boundaries aligned to the epoch (a 1-minute bar starts on the minute).
 *
 * Intervals close in event time: the stream's watermark is the newest `timestamp` seen across
 * all symbols, and every open bar whose interval ends at or before it is emitted (ordered by
 * start, then symbol). So bars close as the market moves, also for a symbol that went quiet,
 * and replays at any speed give the same bars. On completion every open bar is flushed. Memory
 * is one open bar per symbol.
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
  return (source) =>
    new Observable<Bar>((subscriber) => {
      const open = new Map<string, OpenBar>();
      const closedUntil = new Map<string, number>();
      let watermark = Number.NEGATIVE_INFINITY;

      const closeThrough = (time: number) => {
        const closing: OpenBar[] = [];
        for (const bar of open.values()) if (bar.end <= time) closing.push(bar);
        if (closing.length === 0) return;
        closing.sort((a, b) => a.start - b.start || (a.symbol < b.symbol ? -1 : 1));
        for (const bar of closing) {
          open.delete(bar.symbol);
          closedUntil.set(bar.symbol, bar.end);
          subscriber.next(finish(bar));
        }
      };

      return source.subscribe({
        next(trade) {
          const start = Math.floor(trade.timestamp / intervalMs) * intervalMs;
          if (start < (closedUntil.get(trade.symbol) ?? Number.NEGATIVE_INFINITY)) {
            options.onLate?.(trade);
            return;
          }
          const current = open.get(trade.symbol);
          if (current !== undefined && current.start !== start) {
            if (start < current.start) {
              options.onLate?.(trade);
              return;
            }
            open.delete(trade.symbol);
            closedUntil.set(trade.symbol, current.end);
            subscriber.next(finish(current));
          }
          const bar = open.get(trade.symbol);
          if (bar === undefined) {
            open.set(trade.symbol, startBar(trade, start, intervalMs));
          } else {
            addTrade(bar, trade);
          }
          if (trade.timestamp > watermark) {
            watermark = trade.timestamp;
            closeThrough(watermark);
          }
        },
        error: (error) => subscriber.error(error),
        complete() {
          closeThrough(Number.POSITIVE_INFINITY);
          subscriber.complete();
        },
      });
    });
}

interface OpenBar {
  symbol: string;
  start: number;
  end: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  notional: number;
  trades: number;
}

function startBar(trade: Trade, start: number, intervalMs: number): OpenBar {
  return {
    symbol: trade.symbol,
    start,
    end: start + intervalMs,
    open: trade.price,
    high: trade.price,
    low: trade.price,
    close: trade.price,
    volume: trade.size,
    notional: trade.price * trade.size,
    trades: 1,
  };
}

function addTrade(bar: OpenBar, trade: Trade): void {
  if (trade.price > bar.high) bar.high = trade.price;
  if (trade.price < bar.low) bar.low = trade.price;
  bar.close = trade.price;
  bar.volume += trade.size;
  bar.notional += trade.price * trade.size;
  bar.trades += 1;
}

function finish(bar: OpenBar): Bar {
  return {
    symbol: bar.symbol,
    start: bar.start,
    end: bar.end,
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
    vwap: Math.round((bar.notional / bar.volume) * 10_000) / 10_000,
    trades: bar.trades,
  };
}
