import { type Trade, validateTrade } from '@market-stream/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TICKERS, type PriceModel, type SimulateTradesOptions } from '../../src/index.js';
import { simulateVirtual } from '../helpers/simulate.js';

/** Every broken invariant, as readable strings (checked without `expect` per field, for speed). */
function violations(trades: readonly Trade[]): string[] {
  const found: string[] = [];
  const onTheCent = (value: number) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6;
  const lastSeq = new Map<string, number>();
  let lastTimestamp = Number.NEGATIVE_INFINITY;
  for (const trade of trades) {
    const where = `${trade.symbol}#${trade.seq} ${JSON.stringify(trade)}`;
    if (!validateTrade(trade).ok) found.push(`${where}: rejected by validateTrade`);
    if (!(trade.price > 0) || !onTheCent(trade.price)) found.push(`${where}: price`);
    if (!onTheCent(trade.bid) || !onTheCent(trade.ask)) found.push(`${where}: quote off the cent`);
    if (!(trade.bid < trade.ask)) found.push(`${where}: bid ≥ ask`);
    if (!(trade.bid <= trade.price && trade.price <= trade.ask))
      found.push(`${where}: outside quote`);
    if (!Number.isInteger(trade.size) || trade.size <= 0) found.push(`${where}: size`);
    if (trade.seq !== (lastSeq.get(trade.symbol) ?? 0) + 1) found.push(`${where}: seq gap`);
    lastSeq.set(trade.symbol, trade.seq);
    if (trade.timestamp < lastTimestamp) found.push(`${where}: timestamp went back`);
    lastTimestamp = trade.timestamp;
  }
  return found;
}

/** A model that writes arbitrary floating-point quotes, even inverted or negative bids. */
function arbitraryModel(
  price: number,
  bidOffset: number,
  askOffset: number,
  size: number,
): PriceModel {
  return {
    start: ({ random }) => {
      const rng = random('arbitrary');
      return {
        next(_index, _time, quote) {
          const p = price * (0.5 + rng.next());
          quote.price = p;
          quote.bid = p - bidOffset * p;
          quote.ask = p + askOffset * p;
          quote.size = size * rng.next() + 1e-9;
        },
      };
    },
  };
}

const common = {
  seed: fc.oneof(fc.integer(), fc.string()),
  symbols: fc.oneof(
    fc.integer({ min: 1, max: DEFAULT_TICKERS.length }),
    fc.uniqueArray(fc.stringMatching(/^[A-Z][A-Z0-9.-]{0,5}$/), { minLength: 1, maxLength: 6 }),
  ),
  tradesPerSecond: fc.double({ min: 0.5, max: 20_000, noNaN: true }),
  count: fc.integer({ min: 1, max: 3_000 }),
  startPrice: fc.double({ min: 0.01, max: 100_000, noNaN: true }),
};

function optionsFrom(values: {
  seed: number | string;
  symbols: number | string[];
  tradesPerSecond: number;
  count: number;
  startPrice: number;
}): SimulateTradesOptions {
  const names = typeof values.symbols === 'number' ? [] : values.symbols;
  return {
    seed: values.seed,
    symbols: values.symbols,
    tradesPerSecond: values.tradesPerSecond,
    count: values.count,
    startPrices: Object.fromEntries(names.map((name) => [name, values.startPrice])),
  };
}

describe('simulateTrades() invariants', () => {
  for (const model of ['momentum', 'stochastic-volatility'] as const) {
    it(`holds for every trade of the '${model}' model`, () => {
      fc.assert(
        fc.property(fc.record(common), (values) => {
          expect(violations(simulateVirtual({ ...optionsFrom(values), model }))).toEqual([]);
        }),
        { numRuns: 60 },
      );
    }, 30_000);
  }

  it('holds for a custom model writing arbitrary floating-point quotes', () => {
    fc.assert(
      fc.property(
        fc.record({
          ...common,
          price: fc.double({ min: 0.0001, max: 1e7, noNaN: true }),
          bidOffset: fc.double({ min: -1, max: 2, noNaN: true }),
          askOffset: fc.double({ min: -1, max: 2, noNaN: true }),
          size: fc.double({ min: 0, max: 1e6, noNaN: true }),
        }),
        (values) => {
          const model = arbitraryModel(
            values.price,
            values.bidOffset,
            values.askOffset,
            values.size,
          );
          expect(violations(simulateVirtual({ ...optionsFrom(values), model }))).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  }, 30_000);
});
