import type { Trade } from '@market-stream/core';
import { VirtualTimeScheduler } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  alphaVantage,
  InvalidOptionsError,
  type PollQuotesOptions,
  pollQuotes,
  QuoteError,
} from '../../src/index.js';
import { fixture } from '../helpers/fixtures.js';

/**
 * Polls on a VirtualTimeScheduler with a `fetch` that answers from recorded fixtures (the HTTP
 * path itself is covered by the integration test against a real server), recording the virtual
 * time of every request.
 */
async function pollVirtually(
  answers: (url: URL) => string,
  options: Partial<PollQuotesOptions>,
  requests: number,
): Promise<{ trades: Trade[]; errors: QuoteError[]; at: number[]; urls: URL[] }> {
  const scheduler = new VirtualTimeScheduler();
  const trades: Trade[] = [];
  const errors: QuoteError[] = [];
  const at: number[] = [];
  const urls: URL[] = [];
  const fakeFetch = (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    urls.push(url);
    at.push(scheduler.now());
    return new Response(answers(url), { headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const subscription = pollQuotes({
    symbols: ['IBM'],
    apiKey: 'test-key',
    fetch: fakeFetch,
    scheduler,
    onError: (error) => errors.push(error),
    ...options,
  }).subscribe((trade) => trades.push(trade));
  for (let turn = 0; turn < 1_000 && urls.length < requests; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    scheduler.flush();
  }
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
  subscription.unsubscribe();
  return { trades, errors, at, urls };
}

describe('pollQuotes()', () => {
  afterEach(() => {
    delete process.env.ALPHAVANTAGE_API_KEY;
  });

  it('spaces requests evenly at requestsPerMinute, symbols in turn', async () => {
    const { at, urls } = await pollVirtually(
      () => fixture('alpha-vantage/global-quote-IBM-1.json'),
      {
        symbols: ['IBM', 'MSFT', 'AAPL'],
        requestsPerMinute: 6,
      },
      5,
    );

    expect(at.slice(0, 5)).toEqual([0, 10_000, 20_000, 30_000, 40_000]);
    expect(urls.slice(0, 4).map((url) => url.searchParams.get('symbol'))).toEqual([
      'IBM',
      'MSFT',
      'AAPL',
      'IBM',
    ]);
  });

  it('backs off after an API-limit note and goes on polling', async () => {
    let calls = 0;
    const { at, errors, trades } = await pollVirtually(
      () =>
        fixture(
          ++calls === 2
            ? 'alpha-vantage/note-rate-limit.json'
            : 'alpha-vantage/global-quote-IBM-1.json',
        ),
      { requestsPerMinute: 60, limitBackoffMs: 30_000 },
      4,
    );

    expect(at.slice(0, 4)).toEqual([0, 1_000, 31_000, 32_000]);
    expect(errors.map((error) => error.code)).toEqual(['API_LIMIT']);
    expect(trades).toHaveLength(1);
  });

  it('emits a trade only when the quote changed, sized by the volume since the last poll', async () => {
    const answers = ['IBM-1', 'IBM-1', 'IBM-2', 'IBM-3'];
    let calls = 0;
    const { trades } = await pollVirtually(
      () =>
        fixture(
          `alpha-vantage/global-quote-${answers[Math.min(calls++, answers.length - 1)]}.json`,
        ),
      { requestsPerMinute: 60 },
      4,
    );

    expect(
      trades.map(({ price, size, seq, timestamp }) => ({ price, size, seq, timestamp })),
    ).toEqual([
      { price: 167.93, size: 1_834_211, seq: 1, timestamp: 0 },
      { price: 168.12, size: 1_851_011 - 1_834_211, seq: 2, timestamp: 2_000 },
      { price: 167.6, size: 20_480, seq: 3, timestamp: 3_000 },
    ]);
    for (const trade of trades) {
      expect(trade.bid).toBeLessThan(trade.ask);
      expect(trade.bid).toBeLessThanOrEqual(trade.price);
      expect(trade.ask).toBeGreaterThanOrEqual(trade.price);
    }
  });

  it('reads the API key from the options or ALPHAVANTAGE_API_KEY, and refuses to start without one', () => {
    process.env.ALPHAVANTAGE_API_KEY = 'from-env';

    expect(new URL(alphaVantage().url('IBM')).searchParams.get('apikey')).toBe('from-env');
    expect(new URL(alphaVantage({ apiKey: 'given' }).url('IBM')).searchParams.get('apikey')).toBe(
      'given',
    );
    delete process.env.ALPHAVANTAGE_API_KEY;
    expect(() => alphaVantage()).toThrow(InvalidOptionsError);
    expect(() => pollQuotes({ symbols: ['IBM'] })).toThrow(/ALPHAVANTAGE_API_KEY/);
  });

  it('classifies every recorded Alpha Vantage answer', () => {
    const adapter = alphaVantage({ apiKey: 'k' });
    const codeOf = (name: string) => {
      try {
        adapter.parse('IBM', JSON.parse(fixture(`alpha-vantage/${name}.json`)));
        return 'ok';
      } catch (error) {
        return error instanceof QuoteError ? error.code : 'thrown';
      }
    };

    expect(codeOf('global-quote-IBM-1')).toBe('ok');
    expect(codeOf('note-rate-limit')).toBe('API_LIMIT');
    expect(codeOf('information-daily-limit')).toBe('API_LIMIT');
    expect(codeOf('error-message')).toBe('API_ERROR');
    expect(codeOf('global-quote-empty')).toBe('API_ERROR');
    expect(
      adapter.parse('IBM', JSON.parse(fixture('alpha-vantage/global-quote-IBM-1.json'))),
    ).toEqual({
      symbol: 'IBM',
      price: 167.93,
      volume: 1_834_211,
      day: '2024-05-17',
    });
  });
});
