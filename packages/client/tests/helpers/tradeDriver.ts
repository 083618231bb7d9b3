import { DEFAULT_SYMBOLS, type Trade } from '@market-stream/core';
import type { Subject } from 'rxjs';
import { tradeFactory } from '../../../../tests/helpers/factories.js';

/** The default ticker universe (core's `DEFAULT_SYMBOLS`): the twenty tickers of the page. */
export const TWENTY_SYMBOLS = DEFAULT_SYMBOLS;

/** A running {@link startTicking} driver. */
export interface TradeTicker {
  stop(): void;
  /** The last trade pushed of `symbol`. */
  last(symbol: string): Trade | undefined;
}

/**
 * Every `intervalMs`, pushes a random-walk trade into `target` for each symbol with probability
 * `share` (seq 1, 2, 3 … per symbol), so a page sees up-ticks and down-ticks. The first round
 * covers every symbol.
 */
export function startTicking(
  target: Subject<Trade>,
  symbols: readonly string[],
  intervalMs = 100,
  share = 1,
): TradeTicker {
  const state = symbols.map((symbol, i) => ({ symbol, price: 40 + i * 23.17, seq: 0 }));
  const last = new Map<string, Trade>();
  let round = 0;
  const tick = () => {
    for (const entry of state) {
      if (round > 0 && Math.random() >= share) continue;
      const step = (Math.random() < 0.5 ? -1 : 1) * (0.05 + Math.random() * 0.004 * entry.price);
      entry.price = Math.max(1, Math.round((entry.price + step) * 100) / 100);
      entry.seq++;
      const trade = tradeFactory({
        symbol: entry.symbol,
        price: entry.price,
        seq: entry.seq,
        timestamp: Date.now(),
      });
      last.set(entry.symbol, trade);
      target.next(trade);
    }
    round++;
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return { stop: () => clearInterval(timer), last: (symbol) => last.get(symbol) };
}

/** {@link startTicking}, returning only its stop function. */
export function driveTrades(
  target: Subject<Trade>,
  symbols: readonly string[],
  intervalMs = 100,
  share = 1,
): () => void {
  return startTicking(target, symbols, intervalMs, share).stop;
}
