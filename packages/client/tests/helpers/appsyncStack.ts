import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  APPSYNC_EVENTS_PROTOCOL,
  encodeTradeEvents,
  type Trade,
  tradesChannel,
} from '@market-stream/core';
import { type PageServer, servePage } from './servePage.js';

/**
 * The history API of a test, `GET /api/trades?symbol=X&limit=N` (newest first, as the local
 * server and the deployed HistoryApi answer), over the trades a test published. Real HTTP on
 * 127.0.0.1.
 */
export interface HistoryServer {
  /** `http://127.0.0.1:PORT/api/trades`. */
  url: string;
  /** Requests served, e.g. `AAPL:1`. */
  readonly requests: string[];
  store(trades: readonly Trade[]): void;
  close(): Promise<void>;
}

export async function startHistoryServer(): Promise<HistoryServer> {
  const bySymbol = new Map<string, Trade[]>();
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const symbol = url.searchParams.get('symbol') ?? '';
    const limit = Number(url.searchParams.get('limit') ?? 50);
    if (url.pathname !== '/api/trades' || !(limit >= 1 && limit <= 1_000)) {
      response.writeHead(400).end();
      return;
    }
    requests.push(`${symbol}:${limit}`);
    const newest = (bySymbol.get(symbol) ?? []).slice(-limit).reverse();
    response.writeHead(200, {
      'content-type': 'application/json',
      'access-control-allow-origin': '*',
    });
    response.end(JSON.stringify(newest));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/trades`,
    requests,
    store(trades) {
      for (const trade of trades) {
        const list = bySymbol.get(trade.symbol) ?? [];
        list.push(trade);
        bySymbol.set(trade.symbol, list);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Publishes trades as the events processor does: the history first (the processor's DynamoDB
 * write), then one HTTP publish per symbol channel with the trades in `seq` order, split by
 * core's `encodeTradeEvents`, at most 5 events per request. Throws on any refused event.
 */
export async function publishTrades(
  httpEndpoint: string,
  apiKey: string,
  history: HistoryServer | undefined,
  trades: readonly Trade[],
): Promise<void> {
  history?.store(trades);
  const bySymbol = new Map<string, Trade[]>();
  for (const trade of trades) {
    const list = bySymbol.get(trade.symbol) ?? [];
    list.push(trade);
    bySymbol.set(trade.symbol, list);
  }
  for (const [symbol, list] of bySymbol) {
    const events = encodeTradeEvents(list);
    for (let i = 0; i < events.length; i += APPSYNC_EVENTS_PROTOCOL.maxEventsPerPublish) {
      const response = await fetch(httpEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: JSON.stringify({
          channel: tradesChannel(symbol),
          events: events.slice(i, i + APPSYNC_EVENTS_PROTOCOL.maxEventsPerPublish),
        }),
      });
      const body = (await response.json()) as { failed?: unknown[] };
      if (response.status !== 200 || (body.failed?.length ?? 0) > 0) {
        throw new Error(`publish refused: ${response.status} ${JSON.stringify(body)}`);
      }
    }
  }
}

/** The AppSync test page (`tests/browser/page/appsyncPage.ts`), bundled and served on 127.0.0.1. */
/**
 * Bundles `tests/browser/page/appsyncPage.ts` (client, elements and the AppSync adapter from
 * the TypeScript sources, with RxJS) for the browser and serves it as `page.js` under the
 * shared `index.html`: `servePage` with another entry.
 */
export function serveAppSyncPage(): Promise<PageServer> {
  return servePage('appsyncPage.ts');
}
