import { STOCHASTIC_VOLATILITY_DEFAULTS } from '../defaults.js';
import { InvalidOptionsError } from '../errors.js';
import {
  checkFraction,
  checkPositive,
  checkPositiveInteger,
  withDefaults,
} from '../internal/checkOptions.js';
import { gammaSampler } from '../internal/gammaSampler.js';
import { ouComponent } from '../internal/ouComponent.js';
import type { PriceModel, PriceModelRun, RandomSource, TradeQuote } from './PriceModel.js';
import type { StochasticVolatilityOptions } from './StochasticVolatilityOptions.js';

const TRADING_YEAR_MS = 252 * 6.5 * 3_600_000;

/**
 * A stochastic-volatility model that reproduces the stylized facts of real intraday returns the
 * momentum walk lacks. It evolves in continuous time (not per trade), so its statistics over
 * seconds and minutes do not depend on `tradesPerSecond`.
 *
 * **Returns.** Log-price of symbol i between two of its trades at times s < t moves by
 *
 * ```
 * Δlog pᵢ = √ρ · (M(t) − M(s))  +  √(1−ρ) · σᵢ · √(t−s) · Tᵥ  +  J
 * dM      = σₘ dW                                   (one-factor market model)
 * σₘ      = σ̄ · exp(xᶠ + xˢ − vᶠ − vˢ) · √u(φ)
 * σᵢ      = σ̄ · exp(xᶠ + xˢ + xᵢ − vᶠ − vˢ − vᵢ) · √u(φ)
 * ```
 *
 * - ρ = `marketCorrelation`: the market factor M is a Brownian motion shared by all symbols, so
 *   two symbols' returns correlate by about ρ; ρ = 0 makes them independent.
 * - σ̄ = `annualVolatility` per √ms. xᶠ, xˢ (shared) and xᵢ (per symbol) are log-volatility
 *   components, each a stationary Ornstein–Uhlenbeck process (a continuous-time log-AR(1)) with
 *   its half-life and stationary variance v = stdev² (`fastVolatility`, `slowVolatility`,
 *   `symbolVolatility`); subtracting v keeps the mean variance at σ̄². A 5-minute and a 1-hour
 *   component together give volatility clustering whose autocorrelation decays slowly, like the
 *   near-long memory of real absolute returns, and a scale mixture that makes 20-second and
 *   1-minute returns heavy-tailed (excess kurtosis well above 1) without any linear
 *   autocorrelation.
 * - Tᵥ: Student-t innovations with ν = `tailDegreesOfFreedom`, scaled to unit variance.
 * - J: jumps, a Poisson process of `jumpsPerHour` per symbol with N(0, `jumpStdev`²) log-sizes.
 * - u(φ): the U-shaped intraday profile over the session phase φ (`sessionMs`,
 *   `intradayStrength`); it averages 1.
 *
 * **Quotes and sizes.** The trade prints at the (unrounded) price; the spread is
 * `spread × price`, scaled by the symbol's current volatility relative to σ̄. Sizes are Pareto
 * with tail index α = `sizeTailIndex` and scale `sizeScale × u(φ)` (so volume follows the
 * intraday profile: trades arrive at the configured rate, larger at the open and close), capped
 * at `maxSize`, and rounded to round lots with probability `roundLotProbability`.
 *
 * Randomness: the market factor and shared volatility use one seeded stream, each symbol its own,
 * all initialised from their stationary distributions.
 *
 * @param options - Parameters; see {@link StochasticVolatilityOptions}.
 * @returns A {@link PriceModel} for `simulateTrades({ model })`; `'stochastic-volatility'` is this
 * with the defaults.
 *
 * @example
 * ```ts
 * import { simulateTrades, stochasticVolatilityModel } from '@market-stream/simulator';
 *
 * const model = stochasticVolatilityModel({ marketCorrelation: 0.6, jumpsPerHour: 1 });
 * simulateTrades({ model, symbols: ['AAPL', 'MSFT'] }).subscribe(console.log);
 * ```
 */
export function stochasticVolatilityModel(options: StochasticVolatilityOptions = {}): PriceModel {
  const o = withDefaults<Required<StochasticVolatilityOptions>>(
    STOCHASTIC_VOLATILITY_DEFAULTS,
    options,
  );
  checkPositive('annualVolatility', o.annualVolatility);
  checkFraction('marketCorrelation', o.marketCorrelation);
  for (const name of ['fastVolatility', 'slowVolatility', 'symbolVolatility'] as const) {
    checkPositive(`${name}.halfLifeMs`, o[name]?.halfLifeMs);
    checkPositive(`${name}.stdev`, o[name]?.stdev, true);
  }
  checkPositive('volatilityStepMs', o.volatilityStepMs);
  if (!(o.tailDegreesOfFreedom > 2) || !Number.isFinite(o.tailDegreesOfFreedom)) {
    throw new InvalidOptionsError('tailDegreesOfFreedom', 'must be a finite number > 2');
  }
  checkPositive('jumpsPerHour', o.jumpsPerHour, true);
  checkPositive('jumpStdev', o.jumpStdev, true);
  checkPositive('spread', o.spread, true);
  checkPositive('sizeScale', o.sizeScale);
  checkPositive('sizeTailIndex', o.sizeTailIndex);
  checkFraction('roundLotProbability', o.roundLotProbability);
  checkPositiveInteger('maxSize', o.maxSize);
  checkPositive('sessionMs', o.sessionMs);
  checkPositive('intradayStrength', o.intradayStrength, true);

  const sigmaBar = o.annualVolatility / Math.sqrt(TRADING_YEAR_MS);
  const rho = o.marketCorrelation;
  const nu = o.tailDegreesOfFreedom;
  const tScale = Math.sqrt((nu - 2) / nu);
  const step = o.volatilityStepMs;
  const fast = ouComponent(o.fastVolatility, step);
  const slow = ouComponent(o.slowVolatility, step);
  const own = ouComponent(o.symbolVolatility, step);
  const jumpRate = o.jumpsPerHour / 3_600_000;
  const inverseTail = -1 / o.sizeTailIndex;
  const { spread, sizeScale, maxSize, roundLotProbability, jumpStdev, sessionMs } = o;
  const c = o.intradayStrength;
  const profile = (phase: number) => {
    const u = 2 * phase - 1;
    return (1 + c * u * u) / (1 + c / 3);
  };

  return {
    start({ symbols, startPrices, startTime, random }): PriceModelRun {
      const n = symbols.length;
      const market = random('stochastic-volatility:market');
      const rngs: RandomSource[] = symbols.map((s) => random(`stochastic-volatility:${s}`));
      const gamma = gammaSampler(nu / 2);

      let clock = startTime;
      let level = 0;
      let marketStep = -1;
      let xFast = fast.stdev * market.normal();
      let xSlow = slow.stdev * market.normal();
      let shared = 0;
      let marketSigma = 0;
      let sizeProfile = 1;

      const logPrices = Float64Array.from(startPrices, (p) => Math.log(p));
      const lastTimes = new Float64Array(n).fill(startTime);
      const lastLevels = new Float64Array(n);
      const xOwn = Float64Array.from(rngs, (rng) => own.stdev * rng.normal());
      const ownSteps = new Float64Array(n).fill(-1);
      const idioSigmas = new Float64Array(n);
      const volRatios = new Float64Array(n);
      const nextJumps = Float64Array.from(rngs, (rng) =>
        jumpRate > 0 ? startTime - Math.log(1 - rng.next()) / jumpRate : Number.POSITIVE_INFINITY,
      );

      const advanceMarket = (k: number) => {
        const steps = k - marketStep;
        xFast = fast.advance(xFast, steps, market);
        xSlow = slow.advance(xSlow, steps, market);
        marketStep = k;
        const u = profile((((k + 0.5) * step) % sessionMs) / sessionMs);
        sizeProfile = u;
        shared = xFast + xSlow - fast.variance - slow.variance;
        marketSigma = sigmaBar * Math.sqrt(rho * u) * Math.exp(shared);
      };

      return {
        next(index: number, time: number, quote: TradeQuote): void {
          const k = Math.floor((time - startTime) / step);
          if (k !== marketStep) advanceMarket(k);
          if (time > clock) {
            level += marketSigma * Math.sqrt(time - clock) * market.normal();
            clock = time;
          }
          const rng = rngs[index]!;
          if (ownSteps[index] !== marketStep) {
            const steps = ownSteps[index]! < 0 ? 0 : marketStep - ownSteps[index]!;
            const x = own.advance(xOwn[index]!, steps, rng);
            xOwn[index] = x;
            ownSteps[index] = marketStep;
            const ratio = Math.exp(shared + x - own.variance);
            volRatios[index] = ratio;
            idioSigmas[index] = sigmaBar * Math.sqrt((1 - rho) * sizeProfile) * ratio * tScale;
          }

          const dt = time - lastTimes[index]!;
          lastTimes[index] = time;
          let change = level - lastLevels[index]!;
          lastLevels[index] = level;
          if (dt > 0) {
            change +=
              (idioSigmas[index]! * Math.sqrt(dt) * rng.normal()) /
              Math.sqrt((2 * gamma(rng)) / nu);
          }
          if (time >= nextJumps[index]!) {
            change += jumpStdev * rng.normal();
            nextJumps[index] = time - Math.log(1 - rng.next()) / jumpRate;
          }
          const logPrice = logPrices[index]! + change;
          logPrices[index] = logPrice;
          const price = Math.exp(logPrice);

          let ratio = volRatios[index]!;
          if (ratio < 0.25) ratio = 0.25;
          else if (ratio > 10) ratio = 10;
          const half = 0.5 * spread * ratio * price;
          quote.price = price;
          quote.bid = price - half;
          quote.ask = price + half;

          let size = sizeScale * sizeProfile * (1 - rng.next()) ** inverseTail;
          if (size > maxSize) size = maxSize;
          if (size >= 100 && rng.next() < roundLotProbability) size = Math.round(size / 100) * 100;
          quote.size = size < 1 ? 1 : Math.round(size);
        },
      };
    },
  };
}
