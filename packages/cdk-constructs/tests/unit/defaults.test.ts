import { DEFAULT_SYMBOLS } from '@market-stream/core';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/index.js';

describe('DEFAULTS', () => {
  it("uses core's default ticker universe for the producer and the page", () => {
    // Arrange
    const expected = [...DEFAULT_SYMBOLS];

    // Act
    const tickers = [...DEFAULTS.tickers];

    // Assert
    expect(tickers).toEqual(expected);
  });
});
