/**
 * One quote as a polled API reports it, before {@link pollQuotes} turns it into a trade.
 *
 * @example
 * ```ts
 * import type { PolledQuote } from '@market-stream/simulator';
 *
 * const quote: PolledQuote = { symbol: 'IBM', price: 167.93, volume: 1_834_211, day: '2024-05-17' };
 * ```
 */
export interface PolledQuote {
  /** The symbol the quote is for. */
  symbol: string;
  /** Last trade price, > 0. */
  price: number;
  /** Cumulative volume of the trading day, when the API reports it. */
  volume?: number;
  /** Identifies the trading day `volume` counts (e.g. `"2024-05-17"`); a new day restarts it. */
  day?: string;
  /** Best bid, when the API reports one. */
  bid?: number;
  /** Best ask, when the API reports one. */
  ask?: number;
}

/**
 * Teaches {@link pollQuotes} one HTTP quote API: which URL to GET for a symbol, and how to read
 * the JSON it answers. {@link alphaVantage} is the built-in one.
 *
 * @example
 * ```ts
 * import { type QuoteAdapter, QuoteError, pollQuotes } from '@market-stream/simulator';
 *
 * const myApi: QuoteAdapter = {
 *   url: (symbol) => `https://quotes.example.com/v1/last?symbol=${symbol}`,
 *   parse(symbol, body) {
 *     const price = Number((body as { last?: unknown }).last);
 *     if (!(price > 0)) throw new QuoteError('BAD_RESPONSE', symbol, 'no last price');
 *     return { symbol, price };
 *   },
 * };
 * pollQuotes({ symbols: ['IBM'], adapter: myApi, requestsPerMinute: 60 }).subscribe(console.log);
 * ```
 */
export interface QuoteAdapter {
  /**
   * The URL to GET for one symbol's quote.
   *
   * @param symbol - The symbol.
   */
  url(symbol: string): string;
  /**
   * Reads a parsed JSON body. Throws a `QuoteError` for an API error or limit answer (anything else
   * thrown is reported as `BAD_RESPONSE`).
   *
   * @param symbol - The symbol that was asked for.
   * @param body - The parsed JSON body of a 2xx answer.
   */
  parse(symbol: string, body: unknown): PolledQuote;
}
