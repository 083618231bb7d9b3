import { type Bar, type Trade, toBars } from '@market-stream/core';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { LiveBarBuilder } from '../../src/chart/LiveBarBuilder.js';

const MINUTE = 60_000;
const T0 = 1_700_000_040_000; // on a minute

function trade(seq: number, timestamp: number, price = 100, size = 10): Trade {
  return { symbol: 'AAPL', price, size, bid: price - 0.01, ask: price + 0.01, timestamp, seq };
}

const barsOf = (trades: Trade[], intervalMs = MINUTE): Promise<Bar[]> =>
  lastValueFrom(from(trades).pipe(toBars(intervalMs), toArray()));

/** In-order trades of one symbol: seq 1, 2, 3 … and non-decreasing timestamps. */
const inOrderTrades = fc
  .array(
    fc.record({
      step: fc.integer({ min: 0, max: 150_000 }),
      cents: fc.integer({ min: 1, max: 50_000 }),
      size: fc.integer({ min: 1, max: 5_000 }),
    }),
    { minLength: 1, maxLength: 200 },
  )
  .map((steps) => {
    let time = T0;
    return steps.map(({ step, cents, size }, index) => {
      time += step;
      return trade(index + 1, time, cents / 100, size);
    });
  });

describe('LiveBarBuilder', () => {
  it('builds the same OHLCV, VWAP and counts as toBars, with duplicates mixed in', async () => {
    await fc.assert(
      fc.asyncProperty(
        inOrderTrades,
        fc.array(fc.nat(), { maxLength: 60 }),
        fc.constantFrom(5_000, MINUTE, 300_000),
        async (trades, repeats, intervalMs) => {
          const fed: Trade[] = [];
          for (const [index, original] of trades.entries()) {
            fed.push(original);
            for (const pick of repeats.filter((value) => value % trades.length === index)) {
              fed.push(trades[pick % (index + 1)] as Trade);
            }
          }
          const builder = new LiveBarBuilder(intervalMs);

          for (const item of fed) builder.add(item);

          expect(builder.bars).toEqual(await barsOf(trades, intervalMs));
          expect(builder.duplicates).toBe(fed.length - trades.length);
          expect(builder.late).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('drops a late trade for an older interval, counts it and leaves every bar as it was', () => {
    const builder = new LiveBarBuilder(MINUTE);
    builder.add(trade(1, T0 + 1_000, 100));
    builder.add(trade(2, T0 + MINUTE + 1_000, 101));
    const before = structuredClone(builder.bars);

    const outcome = builder.add(trade(3, T0 + 30_000, 500, 9_999));

    expect(outcome).toBe('late');
    expect(builder.late).toBe(1);
    expect(builder.bars).toEqual(before);
  });

  it('ignores a trade whose seq was counted (duplicate or older), even with a new time', () => {
    const builder = new LiveBarBuilder(MINUTE);
    builder.add(trade(1, T0 + 1_000, 100));
    builder.add(trade(2, T0 + 2_000, 102));
    const before = structuredClone(builder.bars);

    const outcomes = [
      builder.add(trade(2, T0 + 2_000, 102)),
      builder.add(trade(1, T0 + 3 * MINUTE, 90)),
    ];

    expect(outcomes).toEqual(['duplicate', 'duplicate']);
    expect(builder.duplicates).toBe(2);
    expect(builder.bars).toEqual(before);
  });

  it('joins the history seed by time: trades before the newest seeded bar ends are not counted again', async () => {
    const history = [
      trade(1, T0 + 1_000, 100),
      trade(2, T0 + MINUTE + 5_000, 101),
      trade(3, T0 + MINUTE + 9_000, 99),
    ];
    const live = [trade(4, T0 + 2 * MINUTE + 1_000, 98), trade(5, T0 + 2 * MINUTE + 7_000, 103)];
    const builder = new LiveBarBuilder(MINUTE);
    builder.seed((await barsOf(history)).reverse()); // the API answers newest first

    // A reconnect's snapshot and recovered trades overlap the seed, then live trades follow.
    for (const item of [history[2] as Trade, ...live, live[0] as Trade]) builder.add(item);

    expect(builder.bars).toEqual(await barsOf([...history, ...live]));
    expect(builder.duplicates).toBe(2);
  });

  it('invents no bar for an interval without trades', () => {
    const builder = new LiveBarBuilder(MINUTE);

    builder.add(trade(1, T0 + 1_000));
    builder.add(trade(2, T0 + 5 * MINUTE));

    expect(builder.bars.map((bar) => bar.start)).toEqual([T0, T0 + 5 * MINUTE]);
  });

  it('keeps at most maxBars bars, dropping the oldest', () => {
    const builder = new LiveBarBuilder(MINUTE, 3);

    for (let seq = 1; seq <= 5; seq++) builder.add(trade(seq, T0 + seq * MINUTE));

    expect(builder.bars.map((bar) => bar.start)).toEqual(
      [2, 3, 4, 5].slice(1).map((n) => T0 + n * MINUTE),
    );
  });

  it('refuses an interval that is not positive', () => {
    expect(() => new LiveBarBuilder(0)).toThrow(RangeError);
  });
});
