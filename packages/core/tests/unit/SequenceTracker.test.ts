import { SequenceTracker, validateTrade } from '@market-stream/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('SequenceTracker', () => {
  it('remembers the highest seq observed per symbol', () => {
    const tracker = new SequenceTracker();

    tracker.observe(tradeFactory({ symbol: 'AAPL', seq: 7 }));
    tracker.observe(tradeFactory({ symbol: 'AAPL', seq: 3 }));
    tracker.observe(tradeFactory({ symbol: 'MSFT', seq: 1 }));

    expect(tracker.last('AAPL')).toBe(7);
    expect(tracker.last('MSFT')).toBe(1);
    expect(tracker.last('TSLA')).toBeUndefined();
    expect(tracker.size).toBe(2);
  });

  it('holds an ingested trade to its symbol’s sequence through validateTrade', () => {
    const tracker = new SequenceTracker();
    tracker.observe(tradeFactory({ symbol: 'SPOT', seq: 1041 }));
    const lastSeq = (symbol: string) => tracker.last(symbol);

    const poison = validateTrade(tradeFactory({ symbol: 'SPOT', seq: 2 ** 53 - 1 }), { lastSeq });
    const next = validateTrade(tradeFactory({ symbol: 'SPOT', seq: 1042 }), { lastSeq });

    expect(poison.ok).toBe(false);
    expect(next.ok).toBe(true);
  });

  it('refuses a new symbol when full and no symbol has been idle for idleMs', () => {
    const time = clock();
    const tracker = new SequenceTracker({ maxSymbols: 2, idleMs: 1_000, now: time.now });
    tracker.observe(tradeFactory({ symbol: 'A', seq: 1 }));
    tracker.observe(tradeFactory({ symbol: 'B', seq: 1 }));
    time.advance(999);

    const admitted = tracker.observe(tradeFactory({ symbol: 'C', seq: 1 }));

    expect(admitted).toBe(false);
    expect(tracker.canObserve('C')).toBe(false);
    expect(tracker.canObserve('A')).toBe(true);
    expect(tracker.last('C')).toBeUndefined();
    expect(tracker.size).toBe(2);
  });

  it('makes room by forgetting the least recently seen symbol once it is idle', () => {
    const time = clock();
    const tracker = new SequenceTracker({ maxSymbols: 2, idleMs: 1_000, now: time.now });
    tracker.observe(tradeFactory({ symbol: 'A', seq: 1 }));
    tracker.observe(tradeFactory({ symbol: 'B', seq: 1 }));
    time.advance(500);
    tracker.observe(tradeFactory({ symbol: 'A', seq: 2 }));
    time.advance(500);

    const admitted = tracker.observe(tradeFactory({ symbol: 'C', seq: 1 }));

    expect(admitted).toBe(true);
    expect(tracker.last('B')).toBeUndefined();
    expect(tracker.last('A')).toBe(2);
    expect(tracker.last('C')).toBe(1);
  });

  it('never forgets with idleMs Infinity', () => {
    const time = clock();
    const tracker = new SequenceTracker({ maxSymbols: 1, idleMs: Infinity, now: time.now });
    tracker.observe(tradeFactory({ symbol: 'A', seq: 1 }));
    time.advance(1e12);

    expect(tracker.observe(tradeFactory({ symbol: 'B', seq: 1 }))).toBe(false);
    expect(tracker.last('A')).toBe(1);
  });

  it('rejects a bound that is not a positive integer', () => {
    expect(() => new SequenceTracker({ maxSymbols: 0 })).toThrow(RangeError);
    expect(() => new SequenceTracker({ idleMs: -1 })).toThrow(RangeError);
  });

  it('stays within maxSymbols and agrees with a model of least-recently-seen eviction', () => {
    const op = fc.record({
      symbol: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'),
      seq: fc.integer({ min: 1, max: 100 }),
      wait: fc.integer({ min: 0, max: 400 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 60 }), (max, ops) => {
        const time = clock();
        const tracker = new SequenceTracker({ maxSymbols: max, idleMs: 1_000, now: time.now });
        const model = new Map<string, { seq: number; seenAt: number }>();

        for (const { symbol, seq, wait } of ops) {
          const now = time.advance(wait);
          const known = model.get(symbol);
          const oldest = [...model.entries()][0];
          let admitted = true;
          if (known !== undefined) {
            model.delete(symbol);
            model.set(symbol, { seq: Math.max(known.seq, seq), seenAt: now });
          } else if (model.size < max) {
            model.set(symbol, { seq, seenAt: now });
          } else if (oldest !== undefined && now - oldest[1].seenAt >= 1_000) {
            model.delete(oldest[0]);
            model.set(symbol, { seq, seenAt: now });
          } else {
            admitted = false;
          }

          expect(tracker.observe({ symbol, seq })).toBe(admitted);
          expect(tracker.size).toBeLessThanOrEqual(max);
          for (const name of ['A', 'B', 'C', 'D', 'E', 'F']) {
            expect(tracker.last(name)).toBe(model.get(name)?.seq);
          }
        }
      }),
    );
  });
});
