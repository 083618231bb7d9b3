import type { RandomSource } from '../models/PriceModel.js';

/**
 * Marsaglia–Tsang sampler of Gamma(shape, 1) for shape ≥ 1.
 *
 * @internal
 * @param shape - The shape, ≥ 1.
 * @returns A sampler drawing from `rng`.
 *
 * @example
 * ```ts
 * const gamma = gammaSampler(2);
 * const draw = gamma(rng);
 * ```
 */
export function gammaSampler(shape: number): (rng: RandomSource) => number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  return (rng) => {
    for (;;) {
      const x = rng.normal();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = rng.next();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  };
}
