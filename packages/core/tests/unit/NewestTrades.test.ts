import { NewestTrades, newestPerSymbol } from '@market-stream/core';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';

describe('NewestTrades', () => {
  const aapl = (seq: number, price = 100) => tradeFactory({ symbol: 'AAPL', seq, price });
  const tsla = (seq: number) => tradeFactory({ symbol: 'TSLA', seq });

  it('holds the highest seq of each symbol, in order of first appearance', () => {
    const newest = new NewestTrades();
    const [a1, t1, a3, a2] = [aapl(1), tsla(1), aapl(3), aapl(2)];

    for (const trade of [a1, t1, a3, a2]) newest.offer(trade);

    expect(newest.trades()).toEqual([a3, t1]);
    expect(newest.size).toBe(2);
  });

  it('keeps the later trade on a tie', () => {
    const newest = new NewestTrades();
    const first = aapl(5, 100);
    const later = aapl(5, 101);

    newest.offer(first);
    newest.offer(later);

    expect(newest.trades()).toEqual([later]);
  });

  it('is empty before any trade', () => {
    const newest = new NewestTrades();

    const trades = newest.trades();

    expect(trades).toEqual([]);
    expect(newest.size).toBe(0);
  });
});

describe('newestPerSymbol()', () => {
  it('reduces any trades to the newest of each symbol', () => {
    const a1 = tradeFactory({ symbol: 'AAPL', seq: 1 });
    const a2 = tradeFactory({ symbol: 'AAPL', seq: 2 });
    const t7 = tradeFactory({ symbol: 'TSLA', seq: 7 });

    const newest = newestPerSymbol([a2, t7, a1]);

    expect(newest).toEqual([a2, t7]);
  });
});
