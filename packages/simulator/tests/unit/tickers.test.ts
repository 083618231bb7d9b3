import { DEFAULT_SYMBOLS } from '@market-stream/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TICKERS } from '../../src/index.js';

describe('DEFAULT_TICKERS', () => {
  it("is core's default ticker universe, in its order", () => {
    // Arrange
    const expected = [...DEFAULT_SYMBOLS];

    // Act
    const symbols = DEFAULT_TICKERS.map((ticker) => ticker.symbol);

    // Assert
    expect(symbols).toEqual(expected);
  });

  it('gives every default symbol a name and a distinct positive start price, frozen', () => {
    // Arrange
    const prices = DEFAULT_TICKERS.map((ticker) => ticker.startPrice);

    // Act
    const distinct = new Set(prices);

    // Assert
    expect(distinct.size).toBe(DEFAULT_SYMBOLS.length);
    expect(prices.every((price) => price > 0)).toBe(true);
    expect(DEFAULT_TICKERS.every((ticker) => ticker.name !== undefined)).toBe(true);
    expect(Object.isFrozen(DEFAULT_TICKERS)).toBe(true);
    expect(DEFAULT_TICKERS.every((ticker) => Object.isFrozen(ticker))).toBe(true);
  });
});
