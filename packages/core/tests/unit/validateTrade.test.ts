import { InvalidTradeError, TRADE_VALIDATION_DEFAULTS, validateTrade } from '@market-stream/core';
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

  describe('with ingest rules', () => {
    const NOW = 1_700_000_000_000;

    it('applies no rule without options, so any value validates as without them', () => {
      fc.assert(
        fc.property(fc.anything(), (value) => {
          expect(validateTrade(value, {})).toEqual(validateTrade(value));
        }),
      );
    });

    it('refuses a seq that jumps past the symbol’s sequence, naming the bounds', () => {
      const lastSeq = (symbol: string) => (symbol === 'SPOT' ? 1041 : undefined);

      const jump = validateTrade(tradeFactory({ symbol: 'SPOT', seq: 2 ** 53 - 1 }), { lastSeq });
      const next = validateTrade(tradeFactory({ symbol: 'SPOT', seq: 1042 }), { lastSeq });
      const unknown = validateTrade(tradeFactory({ symbol: 'NEW', seq: 2 ** 53 - 1 }), { lastSeq });

      expect(jump).toEqual({
        ok: false,
        issues: [
          {
            field: 'seq',
            reason: "must continue SPOT's sequence: greater than 1041 and at most 2041",
          },
        ],
      });
      expect(next.ok).toBe(true);
      expect(unknown.ok).toBe(true);
    });

    it('accepts a seq iff it is above the last and at most maxSeqGap past it', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 2 ** 40 }),
          fc.integer({ min: 1, max: 10_000 }),
          fc.integer({ min: 1, max: 2 ** 40 + 20_000 }),
          (last, maxSeqGap, seq) => {
            const result = validateTrade(tradeFactory({ seq }), { lastSeq: () => last, maxSeqGap });

            expect(result.ok).toBe(seq > last && seq <= last + maxSeqGap);
          },
        ),
      );
    });

    it('bounds seq to 1,000 past the last by default', () => {
      const lastSeq = () => 10;

      const atBound = validateTrade(tradeFactory({ seq: 1_010 }), { lastSeq });
      const past = validateTrade(tradeFactory({ seq: 1_011 }), { lastSeq });

      expect(TRADE_VALIDATION_DEFAULTS.maxSeqGap).toBe(1_000);
      expect(atBound.ok).toBe(true);
      expect(past.ok).toBe(false);
    });

    it('accepts a timestamp iff it is within now ± maxClockSkewMs', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 3_600_000 }),
          fc.integer({ min: -7_200_000, max: 7_200_000 }),
          (maxClockSkewMs, offset) => {
            const trade = tradeFactory({ timestamp: NOW + offset });

            const result = validateTrade(trade, { now: NOW, maxClockSkewMs });

            expect(result.ok).toBe(Math.abs(offset) <= maxClockSkewMs);
          },
        ),
      );
    });

    it('refuses a trade a year ahead or far in the past with the default skew of a minute', () => {
      const year = 365 * 24 * 3_600_000;

      const ahead = validateTrade(tradeFactory({ timestamp: NOW + year }), { now: NOW });
      const huge = validateTrade(tradeFactory({ timestamp: 1e15 }), { now: NOW });
      const behind = validateTrade(tradeFactory({ timestamp: NOW - 60_001 }), { now: NOW });
      const edge = validateTrade(tradeFactory({ timestamp: NOW + 60_000 }), { now: NOW });

      expect(ahead).toEqual({
        ok: false,
        issues: [
          {
            field: 'timestamp',
            reason: `must be within 60000 ms of now (${NOW}): between ${NOW - 60_000} and ${NOW + 60_000}`,
          },
        ],
      });
      expect(huge.ok).toBe(false);
      expect(behind.ok).toBe(false);
      expect(edge.ok).toBe(true);
    });

    it('reports the rules with the other bad fields, and only for fields valid otherwise', () => {
      const options = { now: NOW, lastSeq: () => 5 };

      const result = validateTrade(
        { ...tradeFactory({ timestamp: NOW + 86_400_000, seq: 9_999 }), price: -1 },
        options,
      );
      const badSeq = validateTrade({ ...tradeFactory({ timestamp: NOW }), seq: 0 }, options);

      expect(result.ok || result.issues.map((issue) => issue.field).sort()).toEqual([
        'price',
        'seq',
        'timestamp',
      ]);
      expect(badSeq.ok || badSeq.issues).toEqual([
        { field: 'seq', reason: 'must be a positive integer' },
      ]);
    });
  });
});
