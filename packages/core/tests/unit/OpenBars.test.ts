import { describe, expect, it } from 'vitest';
import { type Keyed, OpenBars } from '../../src/internal/OpenBars.js';

const bar = (symbol: string, start: number, length = 10): Keyed => ({
  symbol,
  start,
  end: start + length,
});

describe('OpenBars', () => {
  it('closes through a time in order of start, then symbol, keeping later bars open', () => {
    const bars = new OpenBars<Keyed>();
    for (const b of [bar('MSFT', 10), bar('AAPL', 10), bar('TSLA', 0), bar('IBM', 20)]) {
      bars.add(b);
    }

    const closed = bars.closeThrough(20);

    expect(closed.map((b) => `${b.symbol}@${b.start}`)).toEqual(['TSLA@0', 'AAPL@10', 'MSFT@10']);
    expect(bars.size).toBe(1);
    expect(bars.get('IBM')).toEqual(bar('IBM', 20));
    expect(bars.get('AAPL')).toBeUndefined();
  });

  it('reads no bar that stays open when it closes others', () => {
    let reads = 0;
    const counted = (symbol: string, end: number): Keyed => ({
      symbol,
      start: end - 10,
      get end() {
        reads++;
        return end;
      },
    });
    const bars = new OpenBars<Keyed>();
    for (let i = 0; i < 10_000; i++) bars.add(counted(`S${i}`, 1_000));
    bars.add(counted('NEAR', 10));
    reads = 0;

    const closed = bars.closeThrough(999);

    expect(closed.map((b) => b.symbol)).toEqual(['NEAR']);
    expect(reads).toBeLessThanOrEqual(1);
    expect(bars.size).toBe(10_000);
  });

  it('keeps its index of ends proportional to the open bars while a symbol moves on', () => {
    const bars = new OpenBars<Keyed>();
    let current = bar('FAKE', 0);
    bars.add(current);

    for (let interval = 1; interval <= 10_000; interval++) {
      bars.remove(current);
      current = bar('FAKE', interval * 10);
      bars.add(current);
    }

    expect(bars.size).toBe(1);
    expect(bars.indexedEnds).toBeLessThanOrEqual(2 * 1 + 16 + 1);
    expect(bars.closeThrough(Number.POSITIVE_INFINITY)).toEqual([current]);
  });
});
