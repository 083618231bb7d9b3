import { type Bar, type Trade, toBars } from '@market-stream/core';
import { from } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';

const MINUTE = 60_000;
const T0 = 1_700_000_040_000; // a minute boundary

function trade(symbol: string, seq: number, offsetMs: number, price: number, size: number): Trade {
  return tradeFactory({ symbol, seq, timestamp: T0 + offsetMs, price, size });
}

describe('toBars()', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('emits an OHLCV bar with VWAP and count when the interval closes, aligned to the interval', () => {
    const a = trade('AAPL', 1, 1_000, 100, 100);
    const b = trade('AAPL', 2, 20_000, 102, 300);
    const c = trade('AAPL', 3, 59_999, 99, 100);
    const d = trade('AAPL', 4, MINUTE + 5, 101, 50);
    const bar: Bar = {
      symbol: 'AAPL',
      start: T0,
      end: T0 + MINUTE,
      open: 100,
      high: 102,
      low: 99,
      close: 99,
      volume: 500,
      vwap: (100 * 100 + 102 * 300 + 99 * 100) / 500,
      trades: 3,
    };
    const last: Bar = {
      ...bar,
      start: T0 + MINUTE,
      end: T0 + 2 * MINUTE,
      open: 101,
      high: 101,
      low: 101,
      close: 101,
      volume: 50,
      vwap: 101,
      trades: 1,
    };

    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('a-b-c-d-|', { a, b, c, d });

      expectObservable(source.pipe(toBars(MINUTE))).toBe('------x-(y|)', { x: bar, y: last });
    });
  });

  it('closes a quiet symbol’s bar when another symbol moves the watermark past it', () => {
    const a = trade('AAPL', 1, 1_000, 100, 10);
    const t = trade('TSLA', 1, MINUTE + 1, 200, 10);

    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('a-t----', { a, t });

      expectObservable(source.pipe(toBars(MINUTE))).toBe('--x----', {
        x: expect.objectContaining({ symbol: 'AAPL', start: T0, close: 100, trades: 1 }),
      });
    });
  });

  it('emits bars that close together ordered by start, then symbol', async () => {
    const trades = [
      trade('TSLA', 1, 1_000, 200, 1),
      trade('AAPL', 1, 2_000, 100, 1),
      trade('MSFT', 1, 2 * MINUTE, 300, 1),
    ];

    const bars: Bar[] = [];
    await new Promise<void>((resolve) =>
      from(trades)
        .pipe(toBars(MINUTE))
        .subscribe({ next: (bar) => bars.push(bar), complete: resolve }),
    );

    expect(bars.map((bar) => `${bar.symbol}@${bar.start - T0}`)).toEqual([
      'AAPL@0',
      'TSLA@0',
      `MSFT@${2 * MINUTE}`,
    ]);
  });

  it('reports late trades for closed intervals instead of counting them', () => {
    const late: Trade[] = [];
    const a = trade('AAPL', 1, 1_000, 100, 10);
    const b = trade('AAPL', 2, MINUTE + 1, 101, 10);
    const stale = trade('AAPL', 3, 2_000, 50, 10);

    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('a-b-s-|', { a, b, s: stale });

      expectObservable(source.pipe(toBars(MINUTE, { onLate: (t) => late.push(t) }))).toBe(
        '--x---(y|)',
        {
          x: expect.objectContaining({ start: T0, low: 100, trades: 1 }),
          y: expect.objectContaining({ start: T0 + MINUTE, low: 101, trades: 1 }),
        },
      );
    });
    expect(late).toEqual([stale]);
  });

  it('rejects a non-positive interval', () => {
    expect(() => toBars(0)).toThrow(RangeError);
  });
});
