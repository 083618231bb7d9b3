import type { RandomSource } from '../models/PriceModel.js';
import type { VolatilityComponent } from '../models/StochasticVolatilityOptions.js';

/** A stationary Ornstein–Uhlenbeck log-volatility component, stepped on a fixed grid. */
export interface OuComponent {
  stdev: number;
  variance: number;
  advance(x: number, steps: number, rng: RandomSource): number;
}

/**
 * Exact discretisation of a stationary Ornstein–Uhlenbeck process on a grid of `step` ms: after
 * `steps` grid steps, x decays by φ^steps (φ = 2^(−step/halfLife)) and gains Gaussian noise
 * that keeps its variance at `stdev²`.
 *
 * @internal
 * @param component - Half-life and stationary standard deviation.
 * @param step - Grid step, ms.
 * @returns The component's stepper.
 *
 * @example
 * ```ts
 * const fast = ouComponent({ halfLifeMs: 300_000, stdev: 0.3 }, 1_000);
 * x = fast.advance(x, 1, rng);
 * ```
 */
export function ouComponent({ halfLifeMs, stdev }: VolatilityComponent, step: number): OuComponent {
  const phi = Math.exp((-Math.LN2 * step) / halfLifeMs);
  return {
    stdev,
    variance: stdev * stdev,
    advance(x, steps, rng) {
      if (steps <= 0 || stdev === 0) return x;
      const decay = steps === 1 ? phi : phi ** steps;
      return x * decay + stdev * Math.sqrt(1 - decay * decay) * rng.normal();
    },
  };
}
