import { MOMENTUM_DEFAULTS } from '../defaults.js';
import {
  checkFraction,
  checkPositive,
  checkRange,
  withDefaults,
} from '../internal/checkOptions.js';
import type { PriceModel, PriceModelRun, RandomSource, TradeQuote } from './PriceModel.js';

/**
 * Parameters of {@link momentumModel}; every one is optional and defaults to
 * {@link MOMENTUM_DEFAULTS}, the original ticker system's values.
 *
 * @example
 * ```ts
 * import type { MomentumModelOptions } from '@market-stream/simulator';
 *
 * const options: MomentumModelOptions = { volatility: 0.002, largeTradeProbability: 0.1 };
 * ```
 */
export interface MomentumModelOptions {
  /**
   * Standard deviation of the per-trade return around the momentum, as a fraction of price.
   * @default 0.001
   */
  volatility?: number;
  /**
   * Fraction of the momentum lost on every trade (it mean-reverts to 0).
   * @default 0.05
   */
  momentumDecay?: number;
  /**
   * Standard deviation of the per-trade shock to the momentum.
   * @default 0.0005
   */
  momentumVolatility?: number;
  /**
   * Bid/ask spread as a fraction of price, centred on the price.
   * @default 0.0002
   */
  spread?: number;
  /**
   * Base trade size in shares.
   * @default 1000
   */
  sizeBase?: number;
  /**
   * Uniform range of the size multiplier of an ordinary trade.
   * @default [0.5, 2]
   */
  sizeRange?: readonly [number, number];
  /**
   * Probability that a trade is a large one.
   * @default 0.05
   */
  largeTradeProbability?: number;
  /**
   * Uniform range of the size multiplier of a large trade.
   * @default [5, 20]
   */
  largeTradeRange?: readonly [number, number];
  /**
   * Floor under the price, in dollars.
   * @default 1
   */
  minPrice?: number;
}

/**
 * The original ticker system's price model: a random walk whose drift is a momentum that itself
 * mean-reverts to zero. On every trade of a symbol:
 *
 * ```
 * momentum ← momentum × (1 − momentumDecay) + N(0, momentumVolatility²)
 * price    ← max(minPrice, price × (1 + momentum + N(0, volatility²)))
 * bid, ask = price ∓ price × spread / 2
 * size     = sizeBase × U(sizeRange), or with probability largeTradeProbability
 *            sizeBase × U(largeTradeRange)
 * ```
 *
 * With the defaults, the momentum has a stationary standard deviation of about 0.16 % per trade
 * and per-trade returns are strongly autocorrelated (lag-1 ≈ 0.68, decaying by 0.95 per lag):
 * prices trend for dozens of trades, then turn. The model runs per trade, not per unit of time,
 * so its paths do not depend on `tradesPerSecond`. Each symbol has its own random stream keyed
 * by symbol, so a symbol's path does not depend on which other symbols are simulated.
 *
 * Differences from the original: bid and ask are floored and ceiled to the cent (the original
 * rounded both, so a cheap stock could show bid = ask), and timestamps follow the scheduler.
 *
 * @param options - Parameters; see {@link MomentumModelOptions}.
 * @returns A {@link PriceModel} for `simulateTrades({ model })`; `'momentum'` is this with the
 * defaults.
 *
 * @example
 * ```ts
 * import { momentumModel, simulateTrades } from '@market-stream/simulator';
 *
 * simulateTrades({ model: momentumModel({ volatility: 0.0005 }) }).subscribe(console.log);
 * ```
 */
export function momentumModel(options: MomentumModelOptions = {}): PriceModel {
  const o = withDefaults<Required<MomentumModelOptions>>(MOMENTUM_DEFAULTS, options);
  checkPositive('volatility', o.volatility, true);
  checkFraction('momentumDecay', o.momentumDecay);
  checkPositive('momentumVolatility', o.momentumVolatility, true);
  checkPositive('spread', o.spread, true);
  checkPositive('sizeBase', o.sizeBase);
  checkRange('sizeRange', o.sizeRange);
  checkFraction('largeTradeProbability', o.largeTradeProbability);
  checkRange('largeTradeRange', o.largeTradeRange);
  checkPositive('minPrice', o.minPrice);

  const keep = 1 - o.momentumDecay;
  const { volatility, momentumVolatility, sizeBase, largeTradeProbability, minPrice } = o;
  const halfSpread = o.spread / 2;
  const [sizeLow, sizeHigh] = o.sizeRange;
  const [largeLow, largeHigh] = o.largeTradeRange;

  return {
    start({ symbols, startPrices, random }): PriceModelRun {
      const prices = Float64Array.from(startPrices);
      const momenta = new Float64Array(symbols.length);
      const rngs: RandomSource[] = symbols.map((symbol) => random(`momentum:${symbol}`));
      return {
        next(index: number, _time: number, quote: TradeQuote): void {
          const rng = rngs[index]!;
          const momentum = momenta[index]! * keep + momentumVolatility * rng.normal();
          momenta[index] = momentum;
          let price = prices[index]! * (1 + momentum + volatility * rng.normal());
          if (price < minPrice) price = minPrice;
          prices[index] = price;
          const half = price * halfSpread;
          quote.price = price;
          quote.bid = price - half;
          quote.ask = price + half;
          quote.size =
            rng.next() < largeTradeProbability
              ? Math.floor(sizeBase * (largeLow + (largeHigh - largeLow) * rng.next()))
              : Math.floor(sizeBase * (sizeLow + (sizeHigh - sizeLow) * rng.next()));
        },
      };
    },
  };
}
