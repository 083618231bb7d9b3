import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bar, Trade } from '@market-stream/core';

/** A stand-in for the history API's bars and trades routes, on 127.0.0.1. */
export interface ChartHistoryServer {
  /** The bars route, e.g. `http://127.0.0.1:PORT/api/bars`. */
  url: string;
  /** The trades route, e.g. `http://127.0.0.1:PORT/api/trades`. */
  tradesUrl: string;
  /** Every request, in order. */
  requests: URL[];
  close(): Promise<void>;
}

/**
 * Serves `GET /api/bars?symbol=&interval=&limit=` and `GET /api/trades?symbol=&from=&limit=` as
 * the local server and `HistoryApi` do: the newest `limit` first, from `bars(symbol, interval)`
 * and `trades(symbol)` (oldest first); with CORS, since the test page is served from another port.
 */
export async function serveChartHistory(
  bars: (symbol: string, interval: string) => readonly Bar[],
  trades: (symbol: string) => readonly Trade[] = () => [],
): Promise<ChartHistoryServer> {
  const requests: URL[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    response.setHeader('access-control-allow-origin', '*');
    const query = url.searchParams;
    const symbol = query.get('symbol') ?? '';
    const from = Number(query.get('from') ?? 0);
    let all: readonly (Bar | Trade)[];
    if (url.pathname === '/api/bars') all = bars(symbol, query.get('interval') ?? '');
    else if (url.pathname === '/api/trades') {
      all = trades(symbol).filter((trade) => trade.timestamp >= from);
    } else return void response.writeHead(404).end();
    requests.push(url);
    const body = [...all].reverse().slice(0, Number(query.get('limit') ?? 60));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/bars`,
    tradesUrl: `http://127.0.0.1:${port}/api/trades`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
