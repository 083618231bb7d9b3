/**
 * A price process that {@link simulateTrades} drives: given a symbol and the time of its next
 * trade, it says at what price, spread and size that trade happens.
 *
 * `simulateTrades` owns timing, sequence numbers and the tick grid: it rounds `price` to the
 * cent, floors `bid` and ceils `ask` to the cent, keeps `bid ≤ price ≤ ask` with `bid < ask`, and
 * rounds `size` to a positive integer, so a model works in plain floating point. A model that
 * writes a non-finite or non-positive price makes the stream fail with a `ModelOutputError`.
 *
 * The built-in models are {@link momentumModel} (`'momentum'`) and
 * {@link stochasticVolatilityModel} (`'stochastic-volatility'`).
 *
 * @example
 * ```ts
 * import { type PriceModel, simulateTrades } from '@market-stream/simulator';
 *
 * // A driftless random walk of 1 bp per trade with a fixed 2-cent spread and 100-share lots.
 * const walk: PriceModel = {
 *   start({ startPrices, random }) {
 *     const prices = [...startPrices];
 *     const rngs = startPrices.map((_, i) => random(`walk:${i}`));
 *     return {
 *       next(index, _time, quote) {
 *         prices[index]! *= 1 + 0.0001 * rngs[index]!.normal();
 *         quote.price = prices[index]!;
 *         quote.bid = quote.price - 0.01;
 *         quote.ask = quote.price + 0.01;
 *         quote.size = 100;
 *       },
 *     };
 *   },
 * };
 *
 * simulateTrades({ model: walk, symbols: ['AAPL'] }).subscribe(console.log);
 * ```
 */
export interface PriceModel {
  /**
   * Starts one independent run; called once per subscription, so every subscriber of a cold
   * `simulateTrades()` observable gets its own paths.
   *
   * @param context - The symbols, their start prices and seeded randomness.
   * @returns The run that produces each trade.
   */
  start(context: PriceModelContext): PriceModelRun;
}

/**
 * What {@link PriceModel.start} is given.
 *
 * @example
 * ```ts
 * import type { PriceModelContext } from '@market-stream/simulator';
 *
 * function describe(context: PriceModelContext): string {
 *   return context.symbols.map((s, i) => `${s}@${context.startPrices[i]}`).join(', ');
 * }
 * ```
 */
export interface PriceModelContext {
  /** The simulated symbols; a run is addressed by index into this list. */
  readonly symbols: readonly string[];
  /** Start price of each symbol, same order as `symbols`. */
  readonly startPrices: readonly number[];
  /** Trades per second per symbol the simulation runs at. */
  readonly tradesPerSecond: number;
  /** Scheduler time (ms) at which the simulation started. */
  readonly startTime: number;
  /**
   * A seeded random stream. The same seed and key always give the same stream and different keys
   * give independent ones, so key by symbol to keep one symbol's path independent of the others.
   *
   * @param key - Any string naming the stream.
   */
  random(key: string): RandomSource;
}

/**
 * One running price process, see {@link PriceModel}.
 *
 * @example
 * ```ts
 * import type { PriceModelRun, TradeQuote } from '@market-stream/simulator';
 *
 * const flat: PriceModelRun = {
 *   next(_index, _time, quote: TradeQuote) {
 *     quote.price = 100; quote.bid = 99.99; quote.ask = 100.01; quote.size = 100;
 *   },
 * };
 * ```
 */
export interface PriceModelRun {
  /**
   * Produces the next trade of one symbol. Calls come in non-decreasing `time` order across all
   * symbols. Write every field of `quote`; it is reused between calls, so do not keep it.
   *
   * @param index - Index of the symbol in {@link PriceModelContext.symbols}.
   * @param time - Scheduler time of the trade in ms, not rounded (the trade's `timestamp` is
   * this, floored).
   * @param quote - Where to write the trade.
   */
  next(index: number, time: number, quote: TradeQuote): void;
}

/**
 * The mutable slot a {@link PriceModelRun} writes each trade into, in plain floating point.
 *
 * @example
 * ```ts
 * import type { TradeQuote } from '@market-stream/simulator';
 *
 * const quote: TradeQuote = { price: 100.004, bid: 99.994, ask: 100.014, size: 250.7 };
 * // simulateTrades turns this into price 100, bid 99.99, ask 100.02, size 251.
 * ```
 */
export interface TradeQuote {
  /** Trade price; rounded to the cent by the simulator. Must be finite and > 0. */
  price: number;
  /** Best bid; floored to the cent and capped at the price by the simulator. */
  bid: number;
  /** Best ask; ceiled to the cent and raised to the price (and above the bid) by the simulator. */
  ask: number;
  /** Shares; rounded to an integer of at least 1 by the simulator. */
  size: number;
}

/**
 * A seeded source of random numbers handed to models by {@link PriceModelContext.random}.
 *
 * @example
 * ```ts
 * import type { RandomSource } from '@market-stream/simulator';
 *
 * function coin(random: RandomSource): boolean {
 *   return random.next() < 0.5;
 * }
 * ```
 */
export interface RandomSource {
  /** A uniform number in [0, 1). */
  next(): number;
  /** A standard normal number (mean 0, variance 1). */
  normal(): number;
}
