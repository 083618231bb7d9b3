import type { Trade } from '@market-stream/core';

/**
 * A valid trade with sensible defaults; override any field.
 * `tradeFactory({ symbol: 'TSLA', seq: 3 })`.
 */
export function tradeFactory(overrides: Partial<Trade> = {}): Trade {
  const price = overrides.price ?? 100;
  return {
    symbol: 'AAPL',
    price,
    size: 100,
    bid: Math.round((price - 0.01) * 100) / 100,
    ask: Math.round((price + 0.01) * 100) / 100,
    timestamp: 1_700_000_000_000,
    seq: 1,
    ...overrides,
  };
}

/**
 * `count` trades per symbol with seq 1…count, interleaved round-robin across symbols,
 * timestamps `stepMs` apart — the shape of a live source.
 */
export function tradeSequence(
  symbols: readonly string[],
  count: number,
  {
    start = 1_700_000_000_000,
    stepMs = 1,
    price = 100,
  }: { start?: number; stepMs?: number; price?: number } = {},
): Trade[] {
  const trades: Trade[] = [];
  let time = start;
  for (let seq = 1; seq <= count; seq++) {
    for (const symbol of symbols) {
      const p = Math.round((price + ((seq % 7) - 3) * 0.05) * 100) / 100;
      trades.push(tradeFactory({ symbol, seq, price: p, timestamp: time }));
      time += stepMs;
    }
  }
  return trades;
}
