import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HISTORY_INTERVALS,
  HISTORY_QUERY_DEFAULTS,
  InvalidHistoryQueryError,
  parseHistoryQuery,
} from '../../src/index.js';

/** The error `parseHistoryQuery` throws for `params`, or undefined when it accepts them. */
function refusal(route: 'trades' | 'bars', params: Record<string, string>) {
  try {
    parseHistoryQuery(route, params);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('parseHistoryQuery()', () => {
  it('reads every interval of the one set, 5s to 1d, with its length in ms', () => {
    // Arrange
    const names = [...HISTORY_INTERVALS.keys()];

    // Act
    const queries = names.map((interval) =>
      parseHistoryQuery('bars', { symbol: 'AAPL', interval }),
    );

    // Assert
    expect(names).toEqual(['5s', '1m', '5m', '15m', '1h', '1d']);
    expect(queries.map((query) => query.intervalMs)).toEqual([...HISTORY_INTERVALS.values()]);
  });

  it('fills the defaults and normalises the symbol', () => {
    // Act
    const bars = parseHistoryQuery('bars', { symbol: ' aapl ' });
    const trades = parseHistoryQuery('trades', { symbol: 'MSFT', from: '5', to: '9' });

    // Assert
    expect(bars).toEqual({
      route: 'bars',
      symbol: 'AAPL',
      limit: HISTORY_QUERY_DEFAULTS.barsLimit,
      intervalMs: 60_000,
    });
    expect(trades).toEqual({ route: 'trades', symbol: 'MSFT', limit: 50, from: 5, to: 9 });
  });

  it('refuses any interval outside the set, Object.prototype names included, with a 400', () => {
    // Arrange
    const unknown = fc
      .oneof(fc.string({ minLength: 1 }), fc.constantFrom('constructor', '__proto__', 'toString'))
      .filter((name) => !HISTORY_INTERVALS.has(name));

    // Act / Assert
    fc.assert(
      fc.property(unknown, (interval) => {
        const error = refusal('bars', { symbol: 'AAPL', interval });
        expect(error).toBeInstanceOf(InvalidHistoryQueryError);
        expect(error).toMatchObject({ code: 'INVALID_INTERVAL', status: 400 });
      }),
    );
  });

  it('accepts a limit exactly when it is a whole number from 1 to 1000', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 6 }).filter((text) => text !== ''),
        (limit) => {
          // Act
          const error = refusal('trades', { symbol: 'AAPL', limit });

          // Assert
          const valid = /^\d+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= 1_000;
          expect(error === undefined).toBe(valid);
          if (!valid) expect(error).toMatchObject({ code: 'INVALID_LIMIT', status: 400 });
        },
      ),
    );
  });

  it('refuses a bad symbol and a bad range with their codes', () => {
    // Act / Assert
    expect(refusal('trades', { symbol: 'not a ticker' })).toMatchObject({ code: 'INVALID_SYMBOL' });
    expect(refusal('trades', { symbol: 'AAPL', from: '-1' })).toMatchObject({
      code: 'INVALID_RANGE',
    });
  });
});
