/**
 * A ticker the simulator knows: its symbol, company name and the price it starts at.
 *
 * @example
 * ```ts
 * import type { Ticker } from '@market-stream/simulator';
 *
 * const acme: Ticker = { symbol: 'ACME', name: 'Acme Corp.', startPrice: 42 };
 * ```
 */
export interface Ticker {
  /** Ticker symbol, matching the Trade contract's symbol pattern. */
  readonly symbol: string;
  /** Company name, for display. */
  readonly name?: string;
  /** Price of the first simulated trade's starting point, in dollars. */
  readonly startPrice: number;
}

/**
 * The twenty tickers of the original ticker system, each with a distinct start price between
 * $15 and $550. `simulateTrades()` runs all of them by default; `symbols: N` runs the first N.
 * The array and its entries are frozen.
 *
 * @example
 * ```ts
 * import { DEFAULT_TICKERS } from '@market-stream/simulator';
 *
 * DEFAULT_TICKERS.map((ticker) => ticker.symbol); // ['AAPL', 'TSLA', 'GOOGL', …]
 * ```
 */
export const DEFAULT_TICKERS: readonly Ticker[] = Object.freeze(
  [
    { symbol: 'AAPL', name: 'Apple Inc.', startPrice: 189.5 },
    { symbol: 'TSLA', name: 'Tesla, Inc.', startPrice: 242.8 },
    { symbol: 'GOOGL', name: 'Alphabet Inc.', startPrice: 141.2 },
    { symbol: 'MSFT', name: 'Microsoft Corporation', startPrice: 378.9 },
    { symbol: 'AMZN', name: 'Amazon.com, Inc.', startPrice: 152.3 },
    { symbol: 'META', name: 'Meta Platforms, Inc.', startPrice: 334.7 },
    { symbol: 'NVDA', name: 'NVIDIA Corporation', startPrice: 495.2 },
    { symbol: 'AMD', name: 'Advanced Micro Devices, Inc.', startPrice: 121.4 },
    { symbol: 'NFLX', name: 'Netflix, Inc.', startPrice: 478.6 },
    { symbol: 'DIS', name: 'The Walt Disney Company', startPrice: 91.3 },
    { symbol: 'PYPL', name: 'PayPal Holdings, Inc.', startPrice: 61.8 },
    { symbol: 'INTC', name: 'Intel Corporation', startPrice: 43.6 },
    { symbol: 'CSCO', name: 'Cisco Systems, Inc.', startPrice: 50.4 },
    { symbol: 'ADBE', name: 'Adobe Inc.', startPrice: 545.1 },
    { symbol: 'CRM', name: 'Salesforce, Inc.', startPrice: 227.9 },
    { symbol: 'ORCL', name: 'Oracle Corporation', startPrice: 116.2 },
    { symbol: 'IBM', name: 'International Business Machines Corporation', startPrice: 157.3 },
    { symbol: 'UBER', name: 'Uber Technologies, Inc.', startPrice: 62.5 },
    { symbol: 'LYFT', name: 'Lyft, Inc.', startPrice: 15.9 },
    { symbol: 'SPOT', name: 'Spotify Technology S.A.', startPrice: 188.4 },
  ].map((ticker) => Object.freeze(ticker)),
);
