import { POLL_DEFAULTS } from '../defaults.js';
import { InvalidOptionsError, QuoteError } from '../errors.js';
import type { PolledQuote, QuoteAdapter } from './QuoteAdapter.js';

/**
 * Options of {@link alphaVantage}.
 *
 * @example
 * ```ts
 * import type { AlphaVantageOptions } from '@market-stream/simulator';
 *
 * const options: AlphaVantageOptions = { apiKey: 'demo' };
 * ```
 */
export interface AlphaVantageOptions {
  /**
   * The API key.
   * @default the ALPHAVANTAGE_API_KEY environment variable
   */
  apiKey?: string;
  /**
   * The query endpoint (tests point it at a local fixture server).
   * @default 'https://www.alphavantage.co/query'
   */
  baseUrl?: string;
}

/**
 * A {@link QuoteAdapter} for Alpha Vantage's `GLOBAL_QUOTE` endpoint (the original ticker
 * pipeline's data source). It reads `"05. price"`, `"06. volume"` (the day's cumulative volume)
 * and `"07. latest trading day"`; the endpoint reports no bid or ask, so `pollQuotes` derives them
 * from its `spread` option.
 *
 * Answers it turns into a `QuoteError`: `"Error Message"` (an invalid call or key) and an empty
 * `"Global Quote"` (an unknown symbol) as `API_ERROR`; `"Note"` and `"Information"` (per-minute
 * and per-day limits) as `API_LIMIT`, on which `pollQuotes` backs off; anything else as
 * `BAD_RESPONSE`.
 *
 * @param options - API key and endpoint; see {@link AlphaVantageOptions}.
 * @returns The adapter.
 * @throws InvalidOptionsError when there is no API key in the options or the environment.
 *
 * @example
 * ```ts
 * import { alphaVantage, pollQuotes } from '@market-stream/simulator';
 *
 * pollQuotes({ symbols: ['IBM', 'MSFT'], adapter: alphaVantage({ apiKey: process.env.AV_KEY }) })
 *   .subscribe((trade) => console.log(trade.symbol, trade.price));
 * ```
 */
export function alphaVantage(options: AlphaVantageOptions = {}): QuoteAdapter {
  const apiKey = options.apiKey ?? readEnv(POLL_DEFAULTS.apiKeyEnv);
  if (!apiKey) {
    throw new InvalidOptionsError(
      'apiKey',
      `no Alpha Vantage API key: pass apiKey or set ${POLL_DEFAULTS.apiKeyEnv}`,
    );
  }
  const baseUrl = options.baseUrl ?? POLL_DEFAULTS.alphaVantageUrl;
  return {
    url: (symbol) =>
      `${baseUrl}?function=GLOBAL_QUOTE&symbol=${encodeURIComponent(symbol)}&apikey=${encodeURIComponent(apiKey)}`,
    parse: parseGlobalQuote,
  };
}

function parseGlobalQuote(symbol: string, body: unknown): PolledQuote {
  if (typeof body !== 'object' || body === null) {
    throw new QuoteError('BAD_RESPONSE', symbol, 'the answer is not a JSON object');
  }
  const answer = body as Record<string, unknown>;
  if (typeof answer['Error Message'] === 'string') {
    throw new QuoteError('API_ERROR', symbol, answer['Error Message']);
  }
  for (const key of ['Note', 'Information']) {
    if (typeof answer[key] === 'string') throw new QuoteError('API_LIMIT', symbol, answer[key]);
  }
  const quote = answer['Global Quote'];
  if (typeof quote !== 'object' || quote === null) {
    throw new QuoteError('BAD_RESPONSE', symbol, 'no "Global Quote" in the answer');
  }
  const fields = quote as Record<string, unknown>;
  if (Object.keys(fields).length === 0) {
    throw new QuoteError('API_ERROR', symbol, 'empty quote: the symbol is not known to the API');
  }
  const price = Number(fields['05. price']);
  if (!(price > 0 && Number.isFinite(price))) {
    throw new QuoteError('BAD_RESPONSE', symbol, `bad "05. price": ${String(fields['05. price'])}`);
  }
  const volume = Number(fields['06. volume']);
  const day = fields['07. latest trading day'];
  return {
    symbol,
    price,
    ...(Number.isSafeInteger(volume) && volume >= 0 ? { volume } : {}),
    ...(typeof day === 'string' ? { day } : {}),
  };
}

/** An environment variable where there is a `process` (Node), undefined in a browser. */
function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  return env?.[name];
}
