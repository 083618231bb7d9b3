import type { Trade } from '@market-stream/core';
import { VirtualTimeScheduler } from 'rxjs';
import { type SimulateTradesOptions, simulateTrades } from '../../src/index.js';

/** Runs `simulateTrades` on a VirtualTimeScheduler to completion and returns every trade. */
export function simulateVirtual(options: SimulateTradesOptions): Trade[] {
  const scheduler = new VirtualTimeScheduler();
  const trades: Trade[] = [];
  let completed = false;
  simulateTrades({ ...options, scheduler }).subscribe({
    next: (trade) => trades.push(trade),
    complete: () => {
      completed = true;
    },
  });
  scheduler.flush();
  if (!completed) throw new Error('simulation did not complete; give it a duration or a count');
  return trades;
}

/** Prices of one symbol, in trade order. */
export function pricesOf(trades: readonly Trade[], symbol: string): number[] {
  return trades.filter((trade) => trade.symbol === symbol).map((trade) => trade.price);
}

/**
 * Log-returns over consecutive windows of `windowMs`, from the last price in each window (windows
 * without a trade carry the previous price).
 */
export function windowReturns(
  trades: readonly Trade[],
  symbol: string,
  windowMs: number,
): number[] {
  const closes: number[] = [];
  let window = 0;
  let last = Number.NaN;
  for (const trade of trades) {
    if (trade.symbol !== symbol) continue;
    const w = Math.floor(trade.timestamp / windowMs);
    while (window < w) {
      closes.push(last);
      window++;
    }
    last = trade.price;
  }
  closes.push(last);
  const returns: number[] = [];
  for (let i = 1; i < closes.length; i++) {
    if (Number.isFinite(closes[i - 1]!)) returns.push(Math.log(closes[i]! / closes[i - 1]!));
  }
  return returns;
}
