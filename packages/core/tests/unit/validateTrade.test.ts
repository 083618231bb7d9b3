import { InvalidTradeError, validateTrade } from '@market-stream/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';

describe('validateTrade()', () => {
  it('accepts a valid trade and returns only the contract fields', () => {
    const input = { ...tradeFactory({ symbol: 'BRK.B', price: 412.07 }), venue: 'XNAS' };

    const result = validateTrade(input);

    expect(result).toEqual({ ok: true, trade: tradeFactory({ symbol: 'BRK.B', price: 412.07 }) });
    expect(result.ok && 'venue' in result.trade).toBe(false);
  });

  it('names every bad field with its reason at once', () => {
    const result = validateTrade({
      symbol: 'aapl',
      price: 0,
      size: 1.5,
      bid: 10,
      ask: 9,
      timestamp: 'yesterday',
      seq: 0,
    });

    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((issue) => issue.field).sort()).toEqual(
        ['ask', 'price', 'seq', 'size', 'symbol', 'timestamp'].sort(),
      );
      for (const issue of result.issues) expect(issue.reason).not.toBe('');
    }
  });

  it('rejects prices off the cent but tolerates floating-point representation', () => {
    expect(validateTrade(tradeFactory({ price: 100.005 })).ok).toBe(false);
    expect(validateTrade(tradeFactory({ price: 0.1 + 0.2 })).ok).toBe(true); // 0.30000000000000004
  });

  it.each([null, undefined, 42, 'trade', [], true])('rejects the non-object %j', (value) => {
    expect(validateTrade(value)).toEqual({
      ok: false,
      issues: [{ field: 'trade', reason: 'must be a JSON object' }],
    });
  });

  it('rejects NaN and infinities', () => {
    for (const field of ['price', 'bid', 'ask', 'timestamp', 'size', 'seq'] as const) {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
        const result = validateTrade({ ...tradeFactory(), [field]: bad });
        expect(result.ok, `${field}=${bad}`).toBe(false);
      }
    }
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const result = validateTrade(value);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });

  it('feeds InvalidTradeError, which lists the issues in its message', () => {
    const result = validateTrade({ ...tradeFactory(), size: -1 });
    if (result.ok) throw new Error('expected a failure');

    const error = new InvalidTradeError(result.issues);

    expect(error.code).toBe('INVALID_TRADE');
    expect(error.message).toContain('size');
    expect(error.issues).toEqual(result.issues);
  });
});
