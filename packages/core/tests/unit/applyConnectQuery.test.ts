import { applyConnectQuery, DEFAULT_PROTOCOL_LIMITS } from '@market-stream/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('applyConnectQuery()', () => {
  it('trims, upper-cases, deduplicates and drops empty entries; replies the set sorted', () => {
    const outcome = applyConnectQuery(' tsla,,AAPL,tsla,');

    expect(outcome).toEqual({
      symbols: ['AAPL', 'TSLA'],
      added: ['TSLA', 'AAPL'],
      removed: [],
      replies: [{ type: 'subscribed', symbols: ['AAPL', 'TSLA'] }],
      snapshotOf: ['TSLA', 'AAPL'],
    });
  });

  it.each([[undefined], [''], [','], [' , '], [[]]])(
    'starts with no symbols and no replies for %j',
    (query) => {
      expect(applyConnectQuery(query)).toEqual({
        symbols: [],
        added: [],
        removed: [],
        replies: [],
        snapshotOf: [],
      });
    },
  );

  it('takes the symbols as a list too', () => {
    expect(applyConnectQuery(['msft', '', 'AAPL']).symbols).toEqual(['AAPL', 'MSFT']);
  });

  it('refuses an entry that is not a symbol with INVALID_SYMBOL', () => {
    const outcome = applyConnectQuery('AAPL,no way');

    expect(outcome.refused?.code).toBe('INVALID_SYMBOL');
    expect(outcome.replies).toEqual([
      expect.objectContaining({ type: 'error', code: 'INVALID_SYMBOL' }),
    ]);
    expect(outcome.symbols).toEqual([]);
  });

  it('refuses more entries than maxSymbols with TOO_MANY_SYMBOLS', () => {
    expect(applyConnectQuery('A,B,C', { maxSymbols: 2 }).refused?.code).toBe('TOO_MANY_SYMBOLS');
    expect(applyConnectQuery('A,B,', { maxSymbols: 2 }).refused).toBeUndefined();
  });

  it('never throws, and accepts exactly what the symbol pattern and limit allow', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { maxLength: 60 }), (entries) => {
        const outcome = applyConnectQuery(entries.join(','));

        const named = entries
          .join(',')
          .split(',')
          .map((e) => e.trim().toUpperCase())
          .filter((e) => e !== '');
        const valid =
          named.length <= DEFAULT_PROTOCOL_LIMITS.maxSymbols &&
          named.every((e) => DEFAULT_PROTOCOL_LIMITS.symbolPattern.test(e));
        expect(outcome.refused === undefined).toBe(valid);
        if (valid) expect(outcome.symbols).toEqual([...new Set(named)].sort());
      }),
    );
  });
});
