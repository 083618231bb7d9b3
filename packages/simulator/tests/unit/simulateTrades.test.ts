import type { Trade } from '@market-stream/core';
import { asyncScheduler, firstValueFrom, take, toArray, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TICKERS,
  InvalidOptionsError,
  ModelOutputError,
  type PriceModel,
  simulateTrades,
} from '../../src/index.js';
import { pricesOf, simulateVirtual } from '../helpers/simulate.js';

function seqsBySymbol(trades: readonly Trade[]): Map<string, number[]> {
  const seqs = new Map<string, number[]>();
  for (const trade of trades) {
    const list = seqs.get(trade.symbol) ?? [];
    list.push(trade.seq);
    seqs.set(trade.symbol, list);
  }
  return seqs;
}

describe('simulateTrades()', () => {
  it('simulates the 20 default tickers at 5 trades per second each by default', () => {
    const trades = simulateVirtual({ duration: 10_000, seed: 1 });
    const seqs = seqsBySymbol(trades);

    expect([...seqs.keys()].sort()).toEqual(DEFAULT_TICKERS.map((t) => t.symbol).sort());
    expect(trades).toHaveLength(20 * 5 * 10);
    for (const list of seqs.values())
      expect(list).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('takes the first N default tickers for symbols: N, starting from their start prices', () => {
    const trades = simulateVirtual({ symbols: 3, count: 300, seed: 1 });
    const symbols = new Set(trades.map((trade) => trade.symbol));

    expect([...symbols].sort()).toEqual(['AAPL', 'GOOGL', 'TSLA']);
    const firstAapl = trades.find((trade) => trade.symbol === 'AAPL')!;
    expect(Math.abs(firstAapl.price / 189.5 - 1)).toBeLessThan(0.02);
  });

  it('gives the same trades for the same seed and different ones for another seed', () => {
    const options = { symbols: ['AAPL', 'NVDA'], count: 1_000 } as const;

    const a = simulateVirtual({ ...options, seed: 'same' });
    const b = simulateVirtual({ ...options, seed: 'same' });
    const c = simulateVirtual({ ...options, seed: 'other' });

    expect(b).toEqual(a);
    expect(pricesOf(c, 'AAPL')).not.toEqual(pricesOf(a, 'AAPL'));
  });

  it('stamps trades with the scheduler clock and never emits a trade ahead of it', () => {
    const scheduler = new VirtualTimeScheduler();
    scheduler.frame = 1_700_000_000_000;
    const seen: { trade: Trade; now: number }[] = [];

    simulateTrades({
      symbols: 2,
      tradesPerSecond: 3,
      duration: 60_000,
      scheduler,
      seed: 2,
    }).subscribe((trade) => seen.push({ trade, now: scheduler.now() }));
    scheduler.flush();

    expect(seen).toHaveLength(2 * 3 * 60);
    for (const { trade, now } of seen) {
      expect(trade.timestamp).toBeLessThanOrEqual(now);
      expect(now - trade.timestamp).toBeLessThan(2);
    }
    expect(seen[0]!.trade.timestamp).toBeGreaterThanOrEqual(1_700_000_000_000);
    expect(seen.at(-1)!.trade.timestamp).toBe(1_700_000_060_000);
  });

  it('reaches 10,000 trades per second per symbol in batches, not one timer per trade', () => {
    const scheduler = new VirtualTimeScheduler();
    const frames = new Set<number>();
    let count = 0;

    simulateTrades({
      symbols: ['AAPL'],
      tradesPerSecond: 10_000,
      duration: 1_000,
      scheduler,
      seed: 3,
    }).subscribe(() => {
      count++;
      frames.add(scheduler.now());
    });
    scheduler.flush();

    expect(count).toBe(10_000);
    expect(frames.size).toBeLessThanOrEqual(1_000);
  });

  it('completes after count trades in total', () => {
    const trades = simulateVirtual({ symbols: 4, tradesPerSecond: 1_000, count: 777, seed: 4 });

    expect(trades).toHaveLength(777);
  });

  it('stops at once when unsubscribed', () => {
    const scheduler = new VirtualTimeScheduler();
    const trades: Trade[] = [];

    simulateTrades({ tradesPerSecond: 10_000, scheduler, seed: 5 })
      .pipe(take(5))
      .subscribe((t) => trades.push(t));
    scheduler.flush();

    expect(trades).toHaveLength(5);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('starts unknown symbols at a seeded price between $20 and $500, and honours startPrices', () => {
    const a = simulateVirtual({
      symbols: ['ZZZZ', 'BRK.B'],
      startPrices: { 'BRK.B': 400_000 },
      count: 2,
      seed: 6,
    });
    const b = simulateVirtual({ symbols: ['ZZZZ'], count: 1, seed: 6 });

    const zzzz = a.find((trade) => trade.symbol === 'ZZZZ')!;
    expect(zzzz.price).toBeGreaterThan(19);
    expect(zzzz.price).toBeLessThan(510);
    expect(b[0]!.price).toBe(zzzz.price);
    expect(a.find((trade) => trade.symbol === 'BRK.B')!.price).toBeGreaterThan(390_000);
  });

  it('skips time it fell too far behind on, without a burst and without a seq gap', () => {
    const virtual = new VirtualTimeScheduler();
    let lag = 0;
    const laggy = { now: () => virtual.now() + lag, schedule: virtual.schedule.bind(virtual) };
    const trades: Trade[] = [];

    simulateTrades({
      symbols: ['AAPL'],
      tradesPerSecond: 100,
      scheduler: laggy,
      seed: 7,
      maxLagMs: 500,
    })
      .pipe(take(300))
      .subscribe((trade) => {
        trades.push(trade);
        if (trade.seq === 100) lag = 60_000;
      });
    virtual.flush();

    expect(trades.map((t) => t.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    const jump = trades[100]!.timestamp - trades[99]!.timestamp;
    expect(jump).toBeGreaterThan(59_000);
    // After the skip the trades are paced again, not emitted 60 s' worth at once.
    expect(trades[299]!.timestamp - trades[100]!.timestamp).toBeGreaterThan(1_900);
  });

  it('puts any custom model’s output on the cent grid with bid ≤ price ≤ ask', () => {
    const sloppy: PriceModel = {
      start: () => ({
        next(_index, _time, quote) {
          quote.price = 10.004_9;
          quote.bid = 10.5;
          quote.ask = 9.5;
          quote.size = 0.3;
        },
      }),
    };

    const [trade] = simulateVirtual({ symbols: ['AAPL'], model: sloppy, count: 1, seed: 8 });

    expect(trade).toMatchObject({ price: 10, bid: 10, ask: 10.01, size: 1, seq: 1 });
  });

  it('fails the stream with ModelOutputError when a model writes a non-finite price', () => {
    const broken: PriceModel = {
      start: () => ({
        next(_index, _time, quote) {
          quote.price = Number.NaN;
          quote.bid = 1;
          quote.ask = 2;
          quote.size = 1;
        },
      }),
    };
    const scheduler = new VirtualTimeScheduler();
    let failure: unknown;

    simulateTrades({ symbols: ['AAPL'], model: broken, scheduler, count: 3 }).subscribe({
      error: (error) => {
        failure = error;
      },
    });
    scheduler.flush();

    expect(failure).toBeInstanceOf(ModelOutputError);
    expect(failure).toMatchObject({ symbol: 'AAPL', field: 'price' });
  });

  it('rejects bad options synchronously with InvalidOptionsError', () => {
    const bad = [
      { symbols: 0 },
      { symbols: 21 },
      { symbols: [] },
      { symbols: ['aapl'] },
      { symbols: ['AAPL', 'AAPL'] },
      { tradesPerSecond: 0 },
      { tradesPerSecond: Number.NaN },
      { count: 1.5 },
      { duration: -1 },
      { startPrices: { AAPL: -5 } },
      { model: 'garch' as 'momentum' },
    ];

    for (const options of bad) expect(() => simulateTrades(options)).toThrow(InvalidOptionsError);
  });

  it('runs in real time on the default scheduler', async () => {
    const before = Date.now();

    const trades = await firstValueFrom(
      simulateTrades({ symbols: 2, tradesPerSecond: 500, scheduler: asyncScheduler }).pipe(
        take(20),
        toArray(),
      ),
    );

    expect(trades).toHaveLength(20);
    expect(trades[0]!.timestamp).toBeGreaterThanOrEqual(before);
    expect(trades.at(-1)!.timestamp).toBeLessThanOrEqual(Date.now());
  });
});
