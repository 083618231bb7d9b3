import type { Trade } from '../trade.js';

/**
 * The newest trade of each symbol among the trades offered to it: the highest `seq`, the later
 * one on a tie (by the Trade contract, two trades with one `symbol#seq` are the same trade).
 * Symbols keep the order in which they were first offered. Memory is one trade per symbol.
 * The one "newest trade per symbol" rule of market-stream: {@link conflateLatest}'s windows,
 * the serverless fan-out's `latest` broadcasts and its latest-trade store use it.
 *
 * @example
 * ```ts
 * import { NewestTrades } from '@market-stream/core';
 *
 * const newest = new NewestTrades();
 * for (const trade of batch) newest.offer(trade);
 * newest.trades(); // one trade per symbol, the highest seq of each
 * ```
 */
export class NewestTrades {
  private readonly bySymbol = new Map<string, Trade>();

  /** Symbols held. */
  get size(): number {
    return this.bySymbol.size;
  }

  /**
   * Keeps `trade` when it is its symbol's first, or not older than the one held.
   *
   * @param trade - Any trade.
   */
  offer(trade: Trade): void {
    const held = this.bySymbol.get(trade.symbol);
    if (held === undefined || trade.seq >= held.seq) this.bySymbol.set(trade.symbol, trade);
  }

  /**
   * The newest trade of each symbol offered.
   *
   * @returns One trade per symbol, in the order the symbols were first offered.
   */
  trades(): Trade[] {
    return [...this.bySymbol.values()];
  }
}

/**
 * The newest trade of each symbol in `trades` (see {@link NewestTrades}): highest `seq`, the
 * later one on a tie, symbols in order of first appearance.
 *
 * @param trades - Any trades, any order.
 * @returns One trade per symbol.
 *
 * @example
 * ```ts
 * import { newestPerSymbol } from '@market-stream/core';
 *
 * newestPerSymbol([aapl1, tsla1, aapl2]); // [aapl2, tsla1]
 * ```
 */
export function newestPerSymbol(trades: Iterable<Trade>): Trade[] {
  const newest = new NewestTrades();
  for (const trade of trades) newest.offer(trade);
  return newest.trades();
}
