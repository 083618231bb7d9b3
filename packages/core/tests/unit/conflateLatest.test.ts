import { conflateLatest } from '@market-stream/core';
import { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';

describe('conflateLatest()', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const a1 = tradeFactory({ symbol: 'AAPL', seq: 1, price: 100 });
  const a2 = tradeFactory({ symbol: 'AAPL', seq: 2, price: 101 });
  const a3 = tradeFactory({ symbol: 'AAPL', seq: 3, price: 102 });
  const t1 = tradeFactory({ symbol: 'TSLA', seq: 1, price: 200 });
  const t2 = tradeFactory({ symbol: 'TSLA', seq: 2, price: 201 });

  it('emits the newest trade per symbol once per window, in order of first appearance', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('a-t-b-u------c---|', { a: a1, t: t1, b: a2, u: t2, c: a3 });
      const expected = '   ----------x------(y|)';

      expectObservable(source.pipe(conflateLatest(10))).toBe(expected, { x: [a2, t2], y: [a3] });
    });
  });

  it('opens a window only when a trade arrives, so quiet periods emit nothing', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('a 99ms b 99ms |', { a: a1, b: a2 });

      expectObservable(source.pipe(conflateLatest(5))).toBe('5ms x 99ms y 94ms |', {
        x: [a1],
        y: [a2],
      });
    });
  });

  it('keeps the highest seq when trades of a symbol arrive out of order', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('ba--|', { a: a1, b: a2 });

      expectObservable(source.pipe(conflateLatest(10))).toBe('----(x|)', { x: [a2] });
    });
  });

  it('passes errors through, dropping the open window', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('a-#', { a: a1 });

      expectObservable(source.pipe(conflateLatest(10))).toBe('--#');
    });
  });

  it('cancels its timer on unsubscribe', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('a----------', { a: a1 });

      expectObservable(source.pipe(conflateLatest(10)), '^--!').toBe('---');
    });
  });
});
