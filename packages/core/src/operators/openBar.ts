import type { Trade } from '../trade.js';
import type { Bar } from './toBars.js';

/**
 * A bar still taking trades: a {@link Bar} without its VWAP, with the running notional the VWAP
 * is computed from when it closes. {@link toBars} and `<ticker-chart>`'s live bars both build
 * bars with {@link openBar}, {@link addTradeToBar} and {@link closeBar}, so the two give the same
 * OHLCV from the same trades.
 *
 * @example
 * ```ts
 * import { type OpenBar, openBar } from '@market-stream/core';
 *
 * const bar: OpenBar = openBar(trade, 1_700_000_040_000, 60_000);
 * bar.notional; // trade.price × trade.size
 * ```
 */
export interface OpenBar extends Omit<Bar, 'vwap'> {
  /** Σ price × size of the bar's trades. */
  notional: number;
}

/**
 * Opens a bar of `intervalMs` starting at `start` with its first trade.
 *
 * @param trade - The bar's first trade.
 * @param start - The interval's start, a multiple of `intervalMs`.
 * @param intervalMs - The bar's length.
 * @returns The open bar.
 *
 * @example
 * ```ts
 * import { openBar } from '@market-stream/core';
 *
 * const start = Math.floor(trade.timestamp / 60_000) * 60_000;
 * const bar = openBar(trade, start, 60_000);
 * ```
 */
export function openBar(trade: Trade, start: number, intervalMs: number): OpenBar {
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

/**
 * Adds a trade of the bar's symbol and interval to an open bar, in place.
 *
 * @param bar - The open bar.
 * @param trade - A later trade in the bar's interval.
 *
 * @example
 * ```ts
 * import { addTradeToBar, openBar } from '@market-stream/core';
 *
 * const bar = openBar(first, start, 60_000);
 * addTradeToBar(bar, second);
 * ```
 */
export function addTradeToBar(bar: OpenBar, trade: Trade): void {
  if (trade.price > bar.high) bar.high = trade.price;
  if (trade.price < bar.low) bar.low = trade.price;
  bar.close = trade.price;
  bar.volume += trade.size;
  bar.notional += trade.price * trade.size;
  bar.trades += 1;
}

/**
 * The {@link Bar} an open bar stands for now: its fields and the VWAP, rounded to 1/10,000.
 * The open bar is left as it is and may take more trades.
 *
 * @param bar - The open bar.
 * @returns The bar.
 *
 * @example
 * ```ts
 * import { closeBar, openBar } from '@market-stream/core';
 *
 * closeBar(openBar(trade, start, 60_000)).vwap; // trade.price
 * ```
 */
export function closeBar(bar: OpenBar): Bar {
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
