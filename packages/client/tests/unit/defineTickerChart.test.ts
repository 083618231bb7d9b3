import { MarketStreamError } from '@market-stream/core';
import { describe, expect, it } from 'vitest';

describe('defineTickerChart()', () => {
  it('can be imported in Node without a DOM (lightweight-charts included), and registering there fails with a typed error', async () => {
    const chart = await import('../../src/chart.js');

    expect(() => chart.defineTickerChart()).toThrow(MarketStreamError);
    expect(() => chart.defineTickerChart()).toThrow(/custom elements need a browser/);
    expect(chart.CHART_INTERVALS.get('1m')).toBe(60_000);
  });
});
