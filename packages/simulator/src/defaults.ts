import type { MomentumModelOptions } from './models/momentum.js';
import type { StochasticVolatilityOptions } from './models/StochasticVolatilityOptions.js';

/**
 * Defaults of {@link simulateTrades}: 5 trades per second per symbol, and a real-time run that
 * falls more than 1 s behind skips the missed time instead of bursting it.
 *
 * @example
 * ```ts
 * import { SIMULATE_DEFAULTS } from '@market-stream/simulator';
 *
 * SIMULATE_DEFAULTS.tradesPerSecond; // 5
 * ```
 */
export const SIMULATE_DEFAULTS = Object.freeze({
  tradesPerSecond: 5,
  model: 'momentum',
  maxLagMs: 1_000,
  /** Shortest wait between two emission ticks: trades due within it are emitted as one batch. */
  minTickMs: 1,
} as const);

/**
 * Parameters of the `'momentum'` model, those of the original ticker system.
 *
 * @example
 * ```ts
 * import { MOMENTUM_DEFAULTS, momentumModel } from '@market-stream/simulator';
 *
 * const calmer = momentumModel({ volatility: MOMENTUM_DEFAULTS.volatility / 2 });
 * ```
 */
export const MOMENTUM_DEFAULTS: Readonly<Required<MomentumModelOptions>> = Object.freeze({
  volatility: 0.001,
  momentumDecay: 0.05,
  momentumVolatility: 0.0005,
  spread: 0.0002,
  sizeBase: 1_000,
  sizeRange: Object.freeze([0.5, 2] as const),
  largeTradeProbability: 0.05,
  largeTradeRange: Object.freeze([5, 20] as const),
  minPrice: 1,
});

/**
 * Parameters of the `'stochastic-volatility'` model; see {@link stochasticVolatilityModel} for
 * what each one does.
 *
 * @example
 * ```ts
 * import { STOCHASTIC_VOLATILITY_DEFAULTS } from '@market-stream/simulator';
 *
 * STOCHASTIC_VOLATILITY_DEFAULTS.marketCorrelation; // 0.4
 * ```
 */
export const STOCHASTIC_VOLATILITY_DEFAULTS: Readonly<Required<StochasticVolatilityOptions>> =
  Object.freeze({
    annualVolatility: 0.3,
    marketCorrelation: 0.4,
    fastVolatility: Object.freeze({ halfLifeMs: 5 * 60_000, stdev: 0.3 }),
    slowVolatility: Object.freeze({ halfLifeMs: 60 * 60_000, stdev: 0.4 }),
    symbolVolatility: Object.freeze({ halfLifeMs: 30 * 60_000, stdev: 0.2 }),
    volatilityStepMs: 1_000,
    tailDegreesOfFreedom: 4,
    jumpsPerHour: 0.2,
    jumpStdev: 0.004,
    spread: 0.0002,
    sizeScale: 100,
    sizeTailIndex: 1.5,
    roundLotProbability: 0.7,
    maxSize: 1_000_000,
    sessionMs: 23_400_000,
    intradayStrength: 3,
  });

/**
 * Defaults of `replayTrades` and `recordTrades` (`@market-stream/simulator/node`): replay at
 * recorded speed with the recorded timestamps; lines longer than 1 Mi characters are rejected; a
 * recording buffers at most 8 MiB of NDJSON waiting for the disk before it fails rather than
 * growing.
 *
 * @example
 * ```ts
 * import { REPLAY_DEFAULTS } from '@market-stream/simulator';
 *
 * REPLAY_DEFAULTS.speed; // 1
 * ```
 */
export const REPLAY_DEFAULTS = Object.freeze({
  speed: 1,
  /** Timestamps are replayed as recorded. */
  retime: false,
  maxLineLength: 1 << 20,
  maxBufferBytes: 8 << 20,
  /** A recording hands the file a chunk once this many bytes are waiting (or at the next turn of the event loop). */
  chunkBytes: 64 << 10,
} as const);

/**
 * Defaults of {@link pollQuotes}: 5 requests per minute (Alpha Vantage's free tier), a minute of
 * back-off after an API-limit answer, a 2 bp synthetic spread around polled prices, and a 10 s
 * request timeout.
 *
 * @example
 * ```ts
 * import { POLL_DEFAULTS } from '@market-stream/simulator';
 *
 * POLL_DEFAULTS.requestsPerMinute; // 5
 * ```
 */
export const POLL_DEFAULTS = Object.freeze({
  requestsPerMinute: 5,
  limitBackoffMs: 60_000,
  spread: 0.0002,
  timeoutMs: 10_000,
  alphaVantageUrl: 'https://www.alphavantage.co/query',
  apiKeyEnv: 'ALPHAVANTAGE_API_KEY',
} as const);

/**
 * Defaults of `market-stream-simulate --post`: batches of 100 trades (the ingest endpoint takes
 * up to 1000 and 1 MiB), a partial batch posted after 200 ms, at most 4 requests in flight and
 * 16 full batches waiting (then the simulation waits: nothing is dropped), and up to 6 attempts
 * per request with full-jitter backoff between 100 ms and 5 s on 429, 5xx and network errors.
 *
 * @example
 * ```sh
 * # 100 trades per request (POST_DEFAULTS.batchSize) unless --batch says otherwise
 * market-stream-simulate --symbols 10 --rate 20 --duration 1m --post http://localhost:3000/api/ingest
 * ```
 */
export const POST_DEFAULTS = Object.freeze({
  batchSize: 100,
  maxWaitMs: 200,
  maxInFlight: 4,
  maxQueuedBatches: 16,
  maxAttempts: 6,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  requestTimeoutMs: 10_000,
  /** The most trades `--batch` may ask for (`INGEST_DEFAULTS.maxTrades` of the ingest endpoint). */
  maxBatchSize: 1_000,
} as const);
