import { detectGaps } from '@market-stream/core';
import { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';

describe('detectGaps()', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const aapl = (seq: number) => tradeFactory({ symbol: 'AAPL', seq });
  const tsla = (seq: number) => tradeFactory({ symbol: 'TSLA', seq });

  it('emits nothing for in-order trades, per symbol', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('abcd|', { a: aapl(1), b: tsla(7), c: aapl(2), d: tsla(8) });

      expectObservable(source.pipe(detectGaps())).toBe('----|');
    });
  });

  it('reports a gap with the count of missing trades, then resumes from the new seq', () => {
    const jump = aapl(5);
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('ab-c|', { a: aapl(1), b: jump, c: aapl(6) });

      expectObservable(source.pipe(detectGaps())).toBe('-x--|', {
        x: { kind: 'gap', symbol: 'AAPL', expected: 2, seq: 5, missing: 3, trade: jump },
      });
    });
  });

  it('reports duplicates and late trades', () => {
    const again = aapl(2);
    const late = aapl(1);
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('abcd|', { a: aapl(1), b: aapl(2), c: again, d: late });

      expectObservable(source.pipe(detectGaps())).toBe('--xy|', {
        x: { kind: 'duplicate', symbol: 'AAPL', expected: 3, seq: 2, trade: again },
        y: { kind: 'duplicate', symbol: 'AAPL', expected: 3, seq: 1, trade: late },
      });
    });
  });

  it('takes the first trade as the baseline unless firstSeq is given', () => {
    const first = aapl(10);
    scheduler.run(({ hot, expectObservable }) => {
      expectObservable(hot('a|', { a: first }).pipe(detectGaps())).toBe('-|');
      expectObservable(hot('a|', { a: first }).pipe(detectGaps({ firstSeq: 1 }))).toBe('x|', {
        x: { kind: 'gap', symbol: 'AAPL', expected: 1, seq: 10, missing: 9, trade: first },
      });
    });
  });
});
