import { type Bar, type ToBarsOptions, type Trade, toBars } from '@market-stream/core';
import fc from 'fast-check';
import { from, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';

const MINUTE = 60_000;
const T0 = 1_700_000_040_000; // a minute boundary

function trade(symbol: string, seq: number, offsetMs: number, price: number, size: number): Trade {
  return tradeFactory({ symbol, seq, timestamp: T0 + offsetMs, price, size });
}

/** Pipes trades one by one through toBars and collects the bars closed so far, without completing. */
function liveBars(intervalMs: number, options?: ToBarsOptions) {
  const source = new Subject<Trade>();
  const bars: Bar[] = [];
  source.pipe(toBars(intervalMs, options)).subscribe((bar) => bars.push(bar));
  return { bars, push: (t: Trade) => source.next(t), complete: () => source.complete() };
}

/** Steps taken by Map and Set iterators while `action` runs: a count of entries visited. */
function iteratorSteps(action: () => void): number {
  const prototypes = [new Map().values(), new Set().values()].map(
    (iterator) => Object.getPrototypeOf(iterator) as { next: () => unknown },
  );
  const originals = prototypes.map((prototype) => prototype.next);
  let steps = 0;
  prototypes.forEach((prototype, i) => {
    prototype.next = function (this: unknown) {
      steps++;
      return originals[i]!.call(this);
    };
  });
  try {
    action();
  } finally {
    prototypes.forEach((prototype, i) => {
      prototype.next = originals[i]!;
    });
  }
  return steps;
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

  describe('with one symbol’s clock far ahead', () => {
    const SECONDS_5 = 5_000;
    const YEAR = 365 * 24 * 3_600_000;

    it('keeps the other symbols’ bars whole and closing, quiet symbols included', () => {
      const { bars, push } = liveBars(SECONDS_5);
      let seq = 0;

      for (let i = 0; i < 150; i++) {
        push(trade('AAPL', ++seq, i * 200, 100, 1));
        if (i === 1) push(trade('IBM', 1, 1_000, 150, 1));
        if (i === 2) push(trade('FAKE', 1, YEAR, 1, 1));
        if (i === 3) push(trade('FAKE', 2, 1e15 - T0, 1, 1));
        if (i === 30) push(trade('IBM', 2, 6_000, 151, 1));
        push(trade('MSFT', seq, i * 200 + 100, 300, 1));
      }

      const of = (symbol: string) =>
        bars.filter((bar) => bar.symbol === symbol).map((bar) => [bar.start - T0, bar.trades]);
      const whole = [0, 1, 2, 3, 4].map((n) => [n * SECONDS_5, 25]);
      expect(of('AAPL')).toEqual(whole);
      expect(of('MSFT')).toEqual(whole);
      expect(of('IBM')).toEqual([
        [0, 1],
        [SECONDS_5, 1],
      ]);
      expect(of('FAKE')).toEqual([[YEAR, 1]]);
    });

    it('lets one clock close everyone’s bars with watermarkQuorum 1', () => {
      const { bars, push } = liveBars(SECONDS_5, { watermarkQuorum: 1 });

      push(trade('AAPL', 1, 0, 100, 1));
      push(trade('MSFT', 1, 100, 300, 1));
      push(trade('FAKE', 1, YEAR, 1, 1));

      expect(bars.map((bar) => bar.symbol)).toEqual(['AAPL', 'MSFT']);
    });

    it('closes a quiet symbol’s bar once two other symbols traded past its end', () => {
      const { bars, push } = liveBars(MINUTE);
      push(trade('IBM', 1, 1_000, 150, 1));
      push(trade('AAPL', 1, 2_000, 100, 1));
      push(trade('MSFT', 1, 3_000, 300, 1));

      push(trade('AAPL', 2, MINUTE + 1, 100, 1));
      const afterOne = bars.map((bar) => bar.symbol);
      push(trade('MSFT', 2, MINUTE + 2, 300, 1));

      expect(afterOne).toEqual(['AAPL']);
      expect(bars.map((bar) => `${bar.symbol}@${bar.start - T0}`)).toEqual([
        'AAPL@0',
        'MSFT@0',
        'IBM@0',
      ]);
    });

    it('rejects a watermarkQuorum that is not a positive integer', () => {
      expect(() => toBars(MINUTE, { watermarkQuorum: 0 })).toThrow(RangeError);
      expect(() => toBars(MINUTE, { watermarkQuorum: 1.5 })).toThrow(RangeError);
    });
  });

  it('treats a trade in an interval the watermark has passed as late, for a new symbol too', () => {
    const late: Trade[] = [];
    const { bars, push, complete } = liveBars(MINUTE, { onLate: (t) => late.push(t) });
    for (const symbol of ['AAPL', 'MSFT', 'TSLA']) push(trade(symbol, 1, 2 * MINUTE, 100, 1));
    const behind = trade('IBM', 1, 1_000, 150, 1);

    push(behind);
    complete();

    expect(late).toEqual([behind]);
    expect(bars.map((bar) => bar.symbol)).toEqual(['AAPL', 'MSFT', 'TSLA']);
  });

  it('does not visit idle symbols’ open bars when the watermark moves without closing them', () => {
    const { bars, push, complete } = liveBars(MINUTE);
    const idle = 100_000;
    for (let i = 0; i < idle; i++) {
      push(trade(`I${String(i).padStart(6, '0')}`, 1, 1_000, 10, 1));
    }

    const steps = iteratorSteps(() => {
      for (let seq = 1; seq <= 100; seq++) {
        push(trade('AAPL', seq, 2_000 + seq * 10, 100, 1));
        push(trade('MSFT', seq, 2_000 + seq * 10 + 5, 300, 1));
      }
    });
    const closedBefore = bars.length;
    push(trade('AAPL', 101, MINUTE, 100, 1));
    push(trade('MSFT', 101, MINUTE, 300, 1));
    complete();

    expect(steps).toBeLessThan(200); // under one per trade, however many bars stay open
    expect(closedBefore).toBe(0);
    expect(bars.filter((bar) => bar.start === T0)).toHaveLength(idle + 2);
    expect(bars[0]).toEqual(expect.objectContaining({ symbol: 'AAPL', start: T0, trades: 100 }));
    expect(bars[2]).toEqual(expect.objectContaining({ symbol: 'I000000', trades: 1 }));
  });

  it('gives the same bars whatever the quorum when one symbol trades alone', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10 * MINUTE }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        (offsets, watermarkQuorum) => {
          const trades = offsets
            .sort((a, b) => a - b)
            .map((offset, i) => trade('AAPL', i + 1, offset, 100, 1));
          const run = (options?: ToBarsOptions) => {
            const { bars, push, complete } = liveBars(MINUTE, options);
            for (const t of trades) push(t);
            complete();
            return bars;
          };

          expect(run({ watermarkQuorum })).toEqual(run());
        },
      ),
    );
  });
});
