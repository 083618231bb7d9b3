import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Trade } from '@market-stream/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alphaVantage, pollQuotes, type QuoteError } from '../../src/index.js';
import { fixture } from '../helpers/fixtures.js';

// A local stand-in for Alpha Vantage on 127.0.0.1 serving recorded GLOBAL_QUOTE answers, routed
// by symbol; the real global fetch talks to it over loopback.
const served: URL[] = [];
let ibmCalls = 0;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    served.push(url);
    const json = (name: string) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(fixture(`alpha-vantage/${name}.json`));
    };
    switch (url.searchParams.get('symbol')) {
      case 'IBM':
        return json(++ibmCalls === 1 ? 'global-quote-IBM-1' : 'global-quote-IBM-2');
      case 'LIMIT':
        return json('note-rate-limit');
      case 'DAILY':
        return json('information-daily-limit');
      case 'BAD':
        return json('error-message');
      case 'NOPE':
        return json('global-quote-empty');
      case 'DOWN':
        response.writeHead(503, { 'content-type': 'text/plain' });
        return response.end('Service Unavailable');
      case 'HTML':
        response.writeHead(200, { 'content-type': 'text/html' });
        return response.end('<html>maintenance</html>');
      case 'SLOW':
        return; // never answers
      default:
        response.writeHead(404);
        return response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/query`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('pollQuotes() against an HTTP fixture server', () => {
  it('turns GLOBAL_QUOTE answers into trades and reports every kind of failure without stopping', async () => {
    const trades: Trade[] = [];
    const errors: QuoteError[] = [];
    const symbols = ['IBM', 'LIMIT', 'DAILY', 'BAD', 'NOPE', 'DOWN', 'HTML', 'SLOW'];

    await new Promise<void>((resolve, reject) => {
      const subscription = pollQuotes({
        symbols,
        adapter: alphaVantage({ apiKey: 'fixture-key', baseUrl }),
        requestsPerMinute: 6_000,
        limitBackoffMs: 0,
        timeoutMs: 300,
        onError: (error) => {
          errors.push(error);
          check();
        },
      }).subscribe({
        next: (trade) => {
          trades.push(trade);
          check();
        },
        error: reject,
      });
      function check() {
        if (trades.length >= 2 && errors.length >= 2 * (symbols.length - 1)) {
          subscription.unsubscribe();
          resolve();
        }
      }
    });

    expect(trades.slice(0, 2).map(({ symbol, price, seq }) => ({ symbol, price, seq }))).toEqual([
      { symbol: 'IBM', price: 167.93, seq: 1 },
      { symbol: 'IBM', price: 168.12, seq: 2 },
    ]);
    const bySymbol = new Map(errors.map((error) => [error.symbol, error]));
    expect(bySymbol.get('LIMIT')).toMatchObject({ code: 'API_LIMIT' });
    expect(bySymbol.get('DAILY')).toMatchObject({ code: 'API_LIMIT' });
    expect(bySymbol.get('BAD')).toMatchObject({ code: 'API_ERROR' });
    expect(bySymbol.get('NOPE')).toMatchObject({ code: 'API_ERROR' });
    expect(bySymbol.get('DOWN')).toMatchObject({ code: 'HTTP_ERROR', status: 503 });
    expect(bySymbol.get('HTML')).toMatchObject({ code: 'BAD_RESPONSE' });
    expect(bySymbol.get('SLOW')).toMatchObject({ code: 'NETWORK_ERROR' });
    expect(bySymbol.get('SLOW')!.message).toMatch(/300 ms/);
    expect(served[0]!.searchParams.get('function')).toBe('GLOBAL_QUOTE');
    expect(served[0]!.searchParams.get('apikey')).toBe('fixture-key');
  });

  it('reports a refused connection as NETWORK_ERROR', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const error = await new Promise<QuoteError>((resolve) => {
      const subscription = pollQuotes({
        symbols: ['IBM'],
        adapter: alphaVantage({ apiKey: 'k', baseUrl: `http://127.0.0.1:${port}/query` }),
        onError: (e) => {
          subscription.unsubscribe();
          resolve(e);
        },
      }).subscribe();
    });

    expect(error).toMatchObject({ code: 'NETWORK_ERROR', symbol: 'IBM' });
  });
});
