import { classifySeq } from '@market-stream/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';

describe('classifySeq()', () => {
  const aapl = (seq: number) => tradeFactory({ symbol: 'AAPL', seq });

  it("takes a symbol's first trade as in order, whatever its seq", () => {
    const first = aapl(41);

    const anomaly = classifySeq(undefined, first);

    expect(anomaly).toBeUndefined();
  });

  it('takes the next seq as in order', () => {
    const next = aapl(7);

    const anomaly = classifySeq(6, next);

    expect(anomaly).toBeUndefined();
  });

  it('reports a jump as a gap with the count of missing trades', () => {
    const jump = aapl(10);

    const anomaly = classifySeq(6, jump);

    expect(anomaly).toEqual({
      kind: 'gap',
      symbol: 'AAPL',
      expected: 7,
      seq: 10,
      missing: 3,
      trade: jump,
    });
  });

  it('reports a repeat and a late trade as duplicates', () => {
    const again = aapl(6);
    const late = aapl(2);

    const anomalies = [classifySeq(6, again), classifySeq(6, late)];

    expect(anomalies).toEqual([
      { kind: 'duplicate', symbol: 'AAPL', expected: 7, seq: 6, trade: again },
      { kind: 'duplicate', symbol: 'AAPL', expected: 7, seq: 2, trade: late },
    ]);
  });

  it('is in order exactly for lastSeq + 1, a gap above it and a duplicate below it', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.nat(1_000_000), (last, seq) => {
        const kind = classifySeq(last, aapl(seq))?.kind;

        expect(kind).toBe(seq === last + 1 ? undefined : seq > last + 1 ? 'gap' : 'duplicate');
      }),
    );
  });
});
