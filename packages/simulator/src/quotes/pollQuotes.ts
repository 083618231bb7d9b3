import type { Trade } from '@market-stream/core';
import { asyncScheduler, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { POLL_DEFAULTS } from '../defaults.js';
import { InvalidOptionsError, QuoteError } from '../errors.js';
import { checkPositive } from '../internal/checkOptions.js';
import { quoteToTrade } from '../internal/quoteToTrade.js';
import { alphaVantage } from './alphaVantage.js';
import type { PolledQuote, QuoteAdapter } from './QuoteAdapter.js';

/**
 * Options of {@link pollQuotes}.
 *
 * @example
 * ```ts
 * import type { PollQuotesOptions } from '@market-stream/simulator';
 *
 * const options: PollQuotesOptions = { symbols: ['IBM'], apiKey: 'demo', requestsPerMinute: 5 };
 * ```
 */
export interface PollQuotesOptions {
  /** Symbols to poll, in turn. */
  symbols: readonly string[];
  /**
   * The quote API.
   * @default alphaVantage({ apiKey })
   */
  adapter?: QuoteAdapter;
  /**
   * API key for the default Alpha Vantage adapter.
   * @default the ALPHAVANTAGE_API_KEY environment variable
   */
  apiKey?: string;
  /**
   * Requests per minute, across all symbols: requests are evenly spaced at `60 000 /
   * requestsPerMinute` ms, one at a time, symbols in turn.
   * @default 5 (Alpha Vantage's free tier)
   */
  requestsPerMinute?: number;
  /**
   * After an `API_LIMIT` answer, the next request waits at least this long, in ms.
   * @default 60000
   */
  limitBackoffMs?: number;
  /**
   * A request that has not answered after this long is aborted and reported as `NETWORK_ERROR`.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Synthetic spread, as a fraction of price, for APIs that report no bid and ask: bid and ask are
   * `price ∓ price × spread / 2`, floored and ceiled to the cent, at least a cent apart.
   * @default 0.0002
   */
  spread?: number;
  /**
   * Called with every failed poll; polling goes on. A callback that throws fails the stream.
   * @default reports with console.warn
   */
  onError?: (error: QuoteError) => void;
  /**
   * The `fetch` to use.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /**
   * Where requests are timed; trade timestamps follow `scheduler.now()`.
   * @default asyncScheduler
   */
  scheduler?: SchedulerLike;
}

/**
 * Turns a polled HTTP quote API into a stream of trades: it GETs one symbol's quote at a time,
 * symbols in turn, never more than `requestsPerMinute`, and emits a trade whenever a symbol's
 * quote has changed since its previous poll (a quote with the same price and volume is not a new
 * trade). The first request goes out at subscription.
 *
 * How a quote becomes a {@link Trade}: `price` is the quote's, rounded to the cent; `timestamp`
 * is the scheduler's clock when the answer arrived (quote APIs such as `GLOBAL_QUOTE` give only the
 * trading day); `seq` counts this stream's trades per symbol from 1; `size` is the volume traded
 * since the previous poll (the day's cumulative volume minus the last one seen; on the first poll
 * of a symbol or of a new trading day, the day's volume so far), at least 1 — so the sizes of a
 * day add up to its volume. APIs without bid and ask (Alpha Vantage) get a synthetic quote of
 * `spread` around the price.
 *
 * Errors never end the stream: every failed poll is reported to `onError` as a {@link QuoteError}
 * (network, HTTP status, bad body, API error) and the next symbol is polled on schedule; an
 * `API_LIMIT` answer also pushes the next request back by `limitBackoffMs`. Unsubscribing aborts
 * the request in flight.
 *
 * Browser-safe (uses `fetch`), but mind the API key: it travels in the request URL.
 *
 * @param options - See {@link PollQuotesOptions}.
 * @returns An endless Observable of trades.
 * @throws InvalidOptionsError synchronously, for bad options or a missing API key.
 *
 * @example
 * ```ts
 * import { pollQuotes } from '@market-stream/simulator';
 *
 * // ALPHAVANTAGE_API_KEY in the environment; 5 requests a minute.
 * pollQuotes({
 *   symbols: ['IBM', 'MSFT'],
 *   onError: (error) => console.warn(error.code, error.message),
 * }).subscribe((trade) => console.log(trade.symbol, trade.price, trade.size));
 * ```
 */
export function pollQuotes(options: PollQuotesOptions): Observable<Trade> {
  const symbols = [...(options.symbols ?? [])];
  if (symbols.length === 0) throw new InvalidOptionsError('symbols', 'must not be empty');
  const adapter =
    options.adapter ?? alphaVantage(options.apiKey === undefined ? {} : { apiKey: options.apiKey });
  const spacing =
    60_000 /
    checkPositive(
      'requestsPerMinute',
      options.requestsPerMinute ?? POLL_DEFAULTS.requestsPerMinute,
    );
  const backoff = checkPositive(
    'limitBackoffMs',
    options.limitBackoffMs ?? POLL_DEFAULTS.limitBackoffMs,
    true,
  );
  const timeoutMs = checkPositive('timeoutMs', options.timeoutMs ?? POLL_DEFAULTS.timeoutMs);
  const halfSpread = checkPositive('spread', options.spread ?? POLL_DEFAULTS.spread, true) / 2;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new InvalidOptionsError('fetch', 'no global fetch here; pass one');
  }
  const onError =
    options.onError ?? ((error: QuoteError) => console.warn(`pollQuotes: ${error.message}`));
  const scheduler = options.scheduler ?? asyncScheduler;

  return new Observable<Trade>((subscriber) => {
    const last = new Map<string, { seq: number; price: number; volume?: number; day?: string }>();
    const slot = { price: 0, bid: 0, ask: 0, size: 0 };
    let turn = 0;
    let lastTimestamp = 0;
    let closed = false;
    let timer: Subscription | undefined;
    let inFlight: AbortController | undefined;

    const toTrade = (quote: PolledQuote): Trade | undefined => {
      const previous = last.get(quote.symbol);
      const sameDay = previous !== undefined && previous.day === quote.day;
      if (sameDay && previous.price === quote.price && previous.volume === quote.volume) return;
      const traded =
        quote.volume === undefined
          ? 1
          : sameDay
            ? quote.volume - (previous.volume ?? 0)
            : quote.volume;
      const seq = (previous?.seq ?? 0) + 1;
      last.set(quote.symbol, { seq, price: quote.price, volume: quote.volume, day: quote.day });
      const hasQuote = quote.bid !== undefined && quote.ask !== undefined && quote.bid < quote.ask;
      slot.price = quote.price;
      slot.bid = hasQuote ? quote.bid! : quote.price * (1 - halfSpread);
      slot.ask = hasQuote ? quote.ask! : quote.price * (1 + halfSpread);
      slot.size = Math.max(1, traded);
      lastTimestamp = Math.max(lastTimestamp, Math.floor(scheduler.now()));
      return quoteToTrade(quote.symbol, slot, lastTimestamp, seq);
    };

    const request = async (symbol: string): Promise<PolledQuote> => {
      const controller = new AbortController();
      inFlight = controller;
      const timeout = setTimeout(() => controller.abort(), timeoutMs);
      try {
        let response: Response;
        try {
          response = await fetchImpl(adapter.url(symbol), {
            signal: controller.signal,
            headers: { accept: 'application/json' },
          });
        } catch (error) {
          const reason =
            controller.signal.aborted && !closed
              ? `no answer within ${timeoutMs} ms`
              : String((error as Error)?.message ?? error);
          throw new QuoteError('NETWORK_ERROR', symbol, reason, { cause: error });
        }
        if (!response.ok) {
          await response.body?.cancel().catch(() => {});
          throw new QuoteError('HTTP_ERROR', symbol, `HTTP ${response.status}`, {
            status: response.status,
          });
        }
        let body: unknown;
        try {
          body = await response.json();
        } catch (error) {
          throw new QuoteError('BAD_RESPONSE', symbol, 'the answer is not JSON', {
            status: response.status,
            cause: error,
          });
        }
        let quote: PolledQuote;
        try {
          quote = { ...adapter.parse(symbol, body), symbol };
        } catch (error) {
          if (error instanceof QuoteError) throw error;
          throw new QuoteError('BAD_RESPONSE', symbol, String((error as Error)?.message ?? error), {
            cause: error,
          });
        }
        if (!(quote.price > 0 && Number.isFinite(quote.price))) {
          throw new QuoteError('BAD_RESPONSE', symbol, `bad price ${String(quote.price)}`);
        }
        return quote;
      } finally {
        clearTimeout(timeout);
        inFlight = undefined;
      }
    };

    const poll = async () => {
      timer = undefined;
      const symbol = symbols[turn++ % symbols.length]!;
      const started = scheduler.now();
      let wait = spacing;
      try {
        const trade = toTrade(await request(symbol));
        if (closed) return;
        if (trade) subscriber.next(trade);
      } catch (error) {
        if (closed) return;
        if (!(error instanceof QuoteError)) throw error;
        if (error.code === 'API_LIMIT')
          wait = Math.max(wait, backoff + (scheduler.now() - started));
        onError(error);
      }
      if (closed) return;
      timer = scheduler.schedule(next, Math.max(0, started + wait - scheduler.now()));
    };

    const next = () => {
      poll().catch((error: unknown) => subscriber.error(error));
    };

    timer = scheduler.schedule(next, 0);
    return () => {
      closed = true;
      timer?.unsubscribe();
      inFlight?.abort();
    };
  });
}
