import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bar } from '@market-stream/core';

/** A stand-in for the history API's bars route, on 127.0.0.1. */
export interface ChartHistoryServer {
  /** The bars route, e.g. `http://127.0.0.1:PORT/api/bars`. */
  url: string;
  /** Every request's query, in order. */
  requests: URLSearchParams[];
  close(): Promise<void>;
}

/**
 * Serves `GET /api/bars?symbol=&interval=&limit=` as the local server and `HistoryApi` do: the
 * newest `limit` bars first, from `bars(symbol, interval)` (oldest first); with CORS, since the
 * test page is served from another port.
 */
export async function serveChartHistory(
  bars: (symbol: string, interval: string) => readonly Bar[],
): Promise<ChartHistoryServer> {
  const requests: URLSearchParams[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    response.setHeader('access-control-allow-origin', '*');
    if (url.pathname !== '/api/bars') return void response.writeHead(404).end();
    requests.push(url.searchParams);
    const limit = Number(url.searchParams.get('limit') ?? 60);
    const all = bars(url.searchParams.get('symbol') ?? '', url.searchParams.get('interval') ?? '');
    const body = [...all].reverse().slice(0, limit);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/bars`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
