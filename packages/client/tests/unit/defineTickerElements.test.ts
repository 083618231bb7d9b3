import { MarketStreamError } from '@market-stream/core';
import { describe, expect, it } from 'vitest';

describe('defineTickerElements()', () => {
  it('can be imported in Node without a DOM, and registering there fails with a typed error', async () => {
    const elements = await import('../../src/elements.js');

    expect(() => elements.defineTickerElements()).toThrow(MarketStreamError);
    expect(() => elements.defineTickerElements()).toThrow(/custom elements need a browser/);
  });
});
