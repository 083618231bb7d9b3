/**
 * One log-volatility component: a stationary Ornstein–Uhlenbeck process with the given
 * half-life and stationary standard deviation.
 *
 * @example
 * ```ts
 * import type { VolatilityComponent } from '@market-stream/simulator';
 *
 * const slow: VolatilityComponent = { halfLifeMs: 2 * 3_600_000, stdev: 0.5 };
 * ```
 */
export interface VolatilityComponent {
  /** Time for a volatility shock to decay by half, in ms. */
  halfLifeMs: number;
  /** Stationary standard deviation of the component (in log-volatility units); 0 switches it off. */
  stdev: number;
}

/**
 * Parameters of {@link stochasticVolatilityModel}; every one is optional and defaults to
 * {@link STOCHASTIC_VOLATILITY_DEFAULTS}.
 *
 * @example
 * ```ts
 * import type { StochasticVolatilityOptions } from '@market-stream/simulator';
 *
 * const options: StochasticVolatilityOptions = { marketCorrelation: 0.7, jumpsPerHour: 0 };
 * ```
 */
export interface StochasticVolatilityOptions {
  /**
   * Long-run volatility (square root of the mean variance), annualised over 252 sessions of
   * 6.5 h. 0.3 gives about 0.1 % per minute.
   * @default 0.3
   */
  annualVolatility?: number;
  /**
   * Share of each symbol's variance that comes from the common market factor, and so
   * (approximately) the correlation between any two symbols' returns. 0 makes symbols independent.
   * @default 0.4
   */
  marketCorrelation?: number;
  /**
   * Fast log-volatility component, shared by all symbols (market-wide volatility bursts).
   * @default { halfLifeMs: 300000, stdev: 0.3 }
   */
  fastVolatility?: VolatilityComponent;
  /**
   * Slow log-volatility component, shared by all symbols (calm and turbulent regimes).
   * @default { halfLifeMs: 3600000, stdev: 0.4 }
   */
  slowVolatility?: VolatilityComponent;
  /**
   * Each symbol's own log-volatility component.
   * @default { halfLifeMs: 1800000, stdev: 0.2 }
   */
  symbolVolatility?: VolatilityComponent;
  /**
   * Grid on which the volatility components and the intraday profile are updated, in ms. Between
   * grid points volatility is constant; returns still move on every trade.
   * @default 1000
   */
  volatilityStepMs?: number;
  /**
   * Degrees of freedom ν of the Student-t innovations of the per-trade idiosyncratic return
   * (scaled to unit variance); must be > 2. Smaller is heavier-tailed.
   * @default 4
   */
  tailDegreesOfFreedom?: number;
  /**
   * Expected number of price jumps per symbol per hour; 0 switches jumps off.
   * @default 0.2
   */
  jumpsPerHour?: number;
  /**
   * Standard deviation of a jump's log-return.
   * @default 0.004
   */
  jumpStdev?: number;
  /**
   * Bid/ask spread as a fraction of price at average volatility; it widens and narrows in
   * proportion to the symbol's current volatility (between ¼× and 10×).
   * @default 0.0002
   */
  spread?: number;
  /**
   * Scale (minimum) of the Pareto trade-size distribution, in shares, at average intraday volume.
   * @default 100
   */
  sizeScale?: number;
  /**
   * Tail index α of the Pareto trade-size distribution: P(size > x) ∝ x^−α. 1.5 matches the
   * heavy tail of real trade sizes (finite mean, infinite variance).
   * @default 1.5
   */
  sizeTailIndex?: number;
  /**
   * Probability that a trade of 100 shares or more is rounded to a multiple of 100 (round lots).
   * @default 0.7
   */
  roundLotProbability?: number;
  /**
   * Largest trade size, in shares.
   * @default 1000000
   */
  maxSize?: number;
  /**
   * Length of one simulated trading session, in ms; sessions repeat back to back from the start of
   * the simulation.
   * @default 23400000
   */
  sessionMs?: number;
  /**
   * Strength c of the U-shaped intraday profile `(1 + c·(2φ − 1)²) / (1 + c/3)` over the session
   * phase φ ∈ [0, 1): it scales trade sizes (volume) and, by its square root, volatility. With
   * c = 3, the open and close trade 4× the midday volume; 0 makes the day flat.
   * @default 3
   */
  intradayStrength?: number;
}
