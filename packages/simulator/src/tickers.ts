import { DEFAULT_SYMBOLS } from '@market-stream/core';

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

/** Company names and start prices of the simulator's tickers, keyed by symbol. */
const TICKER_DETAILS: Readonly<Record<string, Omit<Ticker, 'symbol'>>> = {
  AAPL: { name: 'Apple Inc.', startPrice: 189.5 },
  TSLA: { name: 'Tesla, Inc.', startPrice: 242.8 },
  GOOGL: { name: 'Alphabet Inc.', startPrice: 141.2 },
  MSFT: { name: 'Microsoft Corporation', startPrice: 378.9 },
  AMZN: { name: 'Amazon.com, Inc.', startPrice: 152.3 },
  META: { name: 'Meta Platforms, Inc.', startPrice: 334.7 },
  NVDA: { name: 'NVIDIA Corporation', startPrice: 495.2 },
  AMD: { name: 'Advanced Micro Devices, Inc.', startPrice: 121.4 },
  NFLX: { name: 'Netflix, Inc.', startPrice: 478.6 },
  DIS: { name: 'The Walt Disney Company', startPrice: 91.3 },
  PYPL: { name: 'PayPal Holdings, Inc.', startPrice: 61.8 },
  INTC: { name: 'Intel Corporation', startPrice: 43.6 },
  CSCO: { name: 'Cisco Systems, Inc.', startPrice: 50.4 },
  ADBE: { name: 'Adobe Inc.', startPrice: 545.1 },
  CRM: { name: 'Salesforce, Inc.', startPrice: 227.9 },
  ORCL: { name: 'Oracle Corporation', startPrice: 116.2 },
  IBM: { name: 'International Business Machines Corporation', startPrice: 157.3 },
  UBER: { name: 'Uber Technologies, Inc.', startPrice: 62.5 },
  LYFT: { name: 'Lyft, Inc.', startPrice: 15.9 },
  SPOT: { name: 'Spotify Technology S.A.', startPrice: 188.4 },
};

/**
 * The default ticker universe (`DEFAULT_SYMBOLS` of `@market-stream/core`, in its order), each
 * with its company name and a distinct start price between $15 and $550. `simulateTrades()` runs
 * all of them by default; `symbols: N` runs the first N. The array and its entries are frozen.
 *
 * @example
 * ```ts
 * import { DEFAULT_TICKERS } from '@market-stream/simulator';
 *
 * DEFAULT_TICKERS.map((ticker) => ticker.symbol); // ['AAPL', 'TSLA', 'GOOGL', …]
 * ```
 */
export const DEFAULT_TICKERS: readonly Ticker[] = Object.freeze(
  DEFAULT_SYMBOLS.map((symbol) => {
    const details = TICKER_DETAILS[symbol];
    if (details === undefined) throw new Error(`no start price for default symbol ${symbol}`);
    return Object.freeze({ symbol, ...details });
  }),
);
