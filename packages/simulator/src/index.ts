/**
 * Trade sources for market-stream: simulated trades (two price models or your own), polled quote
 * APIs, and — from `@market-stream/simulator/node` — replayed and recorded NDJSON files.
 * Everything exported here is browser-safe.
 *
 * @packageDocumentation
 * @module @market-stream/simulator
 */
export {
  MOMENTUM_DEFAULTS,
  POLL_DEFAULTS,
  REPLAY_DEFAULTS,
  SIMULATE_DEFAULTS,
  STOCHASTIC_VOLATILITY_DEFAULTS,
} from './defaults.js';
export type { QuoteErrorCode } from './errors.js';
export {
  InvalidLineError,
  InvalidOptionsError,
  ModelOutputError,
  QuoteError,
  TradeFileError,
} from './errors.js';
export type { MomentumModelOptions } from './models/momentum.js';
export { momentumModel } from './models/momentum.js';
export type {
  PriceModel,
  PriceModelContext,
  PriceModelRun,
  RandomSource,
  TradeQuote,
} from './models/PriceModel.js';
export type {
  StochasticVolatilityOptions,
  VolatilityComponent,
} from './models/StochasticVolatilityOptions.js';
export { stochasticVolatilityModel } from './models/stochasticVolatility.js';
export type { AlphaVantageOptions } from './quotes/alphaVantage.js';
export { alphaVantage } from './quotes/alphaVantage.js';
export type { PollQuotesOptions } from './quotes/pollQuotes.js';
export { pollQuotes } from './quotes/pollQuotes.js';
export type { PolledQuote, QuoteAdapter } from './quotes/QuoteAdapter.js';
export type { SimulateTradesOptions } from './simulateTrades.js';
export { simulateTrades } from './simulateTrades.js';
export type { Ticker } from './tickers.js';
export { DEFAULT_TICKERS } from './tickers.js';
