import type { Trade } from '@market-stream/core';
import { asyncScheduler, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { SIMULATE_DEFAULTS } from './defaults.js';
import { checkPositive, checkPositiveInteger } from './internal/checkOptions.js';
import { quoteToTrade } from './internal/quoteToTrade.js';
import { createRandom, randomSeed } from './internal/random.js';
import { resolveModel } from './internal/resolveModel.js';
import { resolveSymbols } from './internal/resolveSymbols.js';
import type { PriceModel, TradeQuote } from './models/PriceModel.js';

/**
 * Options of {@link simulateTrades}.
 *
 * @example
 * ```ts
 * import type { SimulateTradesOptions } from '@market-stream/simulator';
 *
 * const options: SimulateTradesOptions = { symbols: ['AAPL', 'TSLA'], tradesPerSecond: 50, seed: 42 };
 * ```
 */
export interface SimulateTradesOptions {
  /**
   * Symbols to simulate: a list of symbols, or a count N for the first N of
   * {@link DEFAULT_TICKERS}. Symbols outside the defaults need no registration: without a
   * `startPrices` entry they start at a price between $20 and $500 drawn from the seed.
   * @default all 20 DEFAULT_TICKERS
   */
  symbols?: readonly string[] | number;
  /**
   * Trades per second per symbol. Any rate works; at high rates trades are emitted in batches,
   * one batch per scheduler tick (at most one tick per ms).
   * @default 5
   */
  tradesPerSecond?: number;
  /**
   * Seed of every random draw: the same seed with the same options gives the same prices and
   * sizes. A number or a string.
   * @default a fresh random seed per call
   */
  seed?: number | string;
  /**
   * Where trades are timed; `timestamp` follows `scheduler.now()`. With a
   * `VirtualTimeScheduler`, `flush()` simulates any span of time at full CPU speed.
   * @default asyncScheduler
   */
  scheduler?: SchedulerLike;
  /**
   * The price model: `'momentum'` (the original ticker's random walk with momentum),
   * `'stochastic-volatility'` (stylized facts of real returns), or any {@link PriceModel}.
   * @default 'momentum'
   */
  model?: 'momentum' | 'stochastic-volatility' | PriceModel;
  /**
   * Start prices by symbol, overriding {@link DEFAULT_TICKERS}' own.
   * @default each default ticker's startPrice
   */
  startPrices?: Readonly<Record<string, number>>;
  /**
   * Completes the stream after this much scheduler time, in ms (trades due at exactly the end are
   * included).
   * @default unbounded
   */
  duration?: number;
  /**
   * Completes the stream after this many trades in total, across all symbols.
   * @default unbounded
   */
  count?: number;
  /**
   * When the scheduler falls further behind than this (a suspended laptop, a blocked event loop),
   * the simulation skips the missed time instead of emitting it all at once. Sequence numbers do
   * not skip; the skipped time simply has no trades.
   * @default 1000
   */
  maxLagMs?: number;
}

/**
 * Simulated trades of one or more symbols as a cold Observable: each subscription runs its own
 * simulation from the start prices.
 *
 * Guarantees: per symbol `seq` is 1, 2, 3 … without gaps; timestamps (integer ms,
 * `Math.floor` of the trade's scheduler time) never decrease across the whole stream; price is
 * > 0 and on the cent; bid < ask and bid ≤ price ≤ ask, all on the cent; size is a positive
 * integer. Trades of all symbols interleave, each round of trades visiting every symbol once in
 * a seeded random order, evenly spaced at `1000 / (tradesPerSecond × symbols)` ms.
 *
 * Trades are produced in batches: every scheduler tick emits every trade due by
 * `scheduler.now()`, then schedules the next tick when the next trade is due (at least
 * 1 ms later), so high rates cost no timer per trade. Unsubscribing stops it at once.
 *
 * @param options - See {@link SimulateTradesOptions}.
 * @returns An Observable of trades that runs until `duration` or `count` ends it, or forever.
 * @throws InvalidOptionsError synchronously, for an option out of range.
 *
 * @example
 * ```ts
 * import { simulateTrades } from '@market-stream/simulator';
 *
 * // Twenty tickers, five trades a second each, in real time.
 * simulateTrades().subscribe((trade) => console.log(trade.symbol, trade.price));
 *
 * // One simulated hour of AAPL at 100 trades/s, produced at full CPU speed.
 * import { VirtualTimeScheduler } from 'rxjs';
 * const scheduler = new VirtualTimeScheduler();
 * const trades: unknown[] = [];
 * simulateTrades({ symbols: ['AAPL'], tradesPerSecond: 100, duration: 3_600_000, scheduler, seed: 1 })
 *   .subscribe((trade) => trades.push(trade));
 * scheduler.flush(); // trades.length === 360_000
 * ```
 */
export function simulateTrades(options: SimulateTradesOptions = {}): Observable<Trade> {
  const seed = options.seed === undefined ? randomSeed() : String(options.seed);
  const { symbols, startPrices } = resolveSymbols(options.symbols, options.startPrices, seed);
  const model = resolveModel(options.model);
  const rate = checkPositive(
    'tradesPerSecond',
    options.tradesPerSecond ?? SIMULATE_DEFAULTS.tradesPerSecond,
  );
  const scheduler = options.scheduler ?? asyncScheduler;
  const duration =
    options.duration === undefined
      ? Number.POSITIVE_INFINITY
      : checkPositive('duration', options.duration, true);
  const count =
    options.count === undefined
      ? Number.POSITIVE_INFINITY
      : checkPositiveInteger('count', options.count);
  const maxLag = checkPositive('maxLagMs', options.maxLagMs ?? SIMULATE_DEFAULTS.maxLagMs);
  const minTick = SIMULATE_DEFAULTS.minTickMs;
  const n = symbols.length;
  const spacing = 1000 / (rate * n);

  return new Observable<Trade>((subscriber) => {
    const start = scheduler.now();
    const end = start + duration;
    const run = model.start({
      symbols,
      startPrices,
      tradesPerSecond: rate,
      startTime: start,
      random: (key) => createRandom(seed, key),
    });
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const shuffler = createRandom(seed, 'simulate:order');
    const seqs = new Float64Array(n);
    const quote: TradeQuote = { price: 0, bid: 0, ask: 0, size: 0 };
    let slot = n;
    let index = 0;
    let time = start + spacing;
    let emitted = 0;
    let pending: Subscription | undefined;

    const tick = () => {
      pending = undefined;
      const now = scheduler.now();
      if (now - time > maxLag) {
        index += Math.floor((now - time) / spacing);
        time = start + (index + 1) * spacing;
      }
      // A tolerance keeps a trade due at exactly `now` from losing to floating-point rounding.
      const limit = Math.min(now, end) + 1e-9;
      try {
        while (time <= limit) {
          if (slot === n) {
            for (let i = n - 1; i > 0; i--) {
              const j = Math.floor(shuffler.next() * (i + 1));
              const swap = order[i]!;
              order[i] = order[j]!;
              order[j] = swap;
            }
            slot = 0;
          }
          const symbol = order[slot++]!;
          run.next(symbol, time, quote);
          const seq = seqs[symbol]! + 1;
          seqs[symbol] = seq;
          subscriber.next(quoteToTrade(symbols[symbol]!, quote, Math.floor(time), seq));
          index++;
          time = start + (index + 1) * spacing;
          if (++emitted >= count) {
            subscriber.complete();
            return;
          }
          if (subscriber.closed) return;
        }
      } catch (error) {
        subscriber.error(error);
        return;
      }
      if (time > end + 1e-9) {
        subscriber.complete();
        return;
      }
      // A fresh action per tick rather than `this.schedule()`: a VirtualAction that reschedules
      // itself chains a new action onto the old one, which would grow memory with simulated time.
      pending = scheduler.schedule(tick, Math.max(minTick, time - now));
    };

    pending = scheduler.schedule(tick, Math.max(minTick, time - start));
    return () => pending?.unsubscribe();
  });
}
