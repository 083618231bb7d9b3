import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Trade, tradesChannel } from '@market-stream/core';
import { type FanoutServer, serveFanout } from '@market-stream/fanout';
import {
  type AppSyncEventsEmulator,
  startAppSyncEventsEmulator,
} from '@market-stream/fanout/local';
import type { Browser } from 'playwright-core';
import { Subject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../../tests/helpers/chromium.js';

const page = readFileSync(join(fileURLToPath(import.meta.url), '../../../site/index.html'), 'utf8');

const trade = (symbol: string, seq: number, price: number): Trade => ({
  symbol,
  seq,
  price,
  size: 100,
  bid: price - 0.01,
  ask: price + 0.01,
  timestamp: Date.now(),
});

/** Serves the website's page, a `config.json`, and `/api/trades` answering `history`. */
async function serveSite(config: object, history: Record<string, Trade[]>): Promise<Server> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://site');
    if (url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(page);
    } else if (url.pathname === '/config.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(config));
    } else if (url.pathname === '/api/trades') {
      const trades = history[url.searchParams.get('symbol') ?? ''] ?? [];
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(trades));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe("the website's page (site/index.html), in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('events topology: newest prices from the history API, then live events of each symbol channel', async () => {
    const emulator: AppSyncEventsEmulator = await startAppSyncEventsEmulator();
    const site = await serveSite(
      {
        tickers: ['AAPL', 'BRK.B'],
        historyApiUrl: '/api',
        webSocketUrl: emulator.realtimeEndpoint,
        appSyncEvents: {
          realtimeUrl: emulator.realtimeEndpoint,
          host: emulator.host,
          apiKey: emulator.apiKey,
          channelNamespace: 'trades',
        },
      },
      { AAPL: [trade('AAPL', 7, 101)] },
    );
    const tab = await browser.newPage();
    try {
      await tab.goto(urlOf(site));
      const price = (symbol: string) =>
        tab.locator('.tile', { hasText: symbol }).locator('.price').textContent();
      await expect.poll(() => tab.locator('#status').textContent()).toBe('live');
      await expect.poll(() => price('AAPL')).toBe('101.00');
      // Both subscriptions stand before anything is published.
      await expect.poll(() => emulator.stats().subscriptions).toBe(2);

      const publish = async (t: Trade) => {
        const response = await fetch(emulator.httpEndpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': emulator.apiKey },
          body: JSON.stringify({
            channel: tradesChannel(t.symbol),
            events: [JSON.stringify({ type: 'trades', trades: [t] })],
          }),
        });
        expect(response.status).toBe(200);
      };
      await publish(trade('BRK.B', 3, 55.55));
      await publish(trade('AAPL', 8, 102.5));
      await expect.poll(() => price('BRK.B')).toBe('55.55');
      await expect.poll(() => price('AAPL')).toBe('102.50');
    } finally {
      await tab.close();
      await close(site);
      await emulator.close();
    }
  }, 60_000);

  it('WebSocket topologies: subscribes over the wire protocol and shows snapshot and live trades', async () => {
    const source = new Subject<Trade>();
    const fanout: FanoutServer = await serveFanout({ port: 0, source, mode: 'all' });
    source.next(trade('AAPL', 1, 99.5));
    const site = await serveSite(
      { tickers: ['AAPL'], historyApiUrl: null, webSocketUrl: fanout.url },
      {},
    );
    const tab = await browser.newPage();
    try {
      await tab.goto(urlOf(site));
      const price = () => tab.locator('.tile', { hasText: 'AAPL' }).locator('.price').textContent();
      await expect.poll(() => price()).toBe('99.50');
      source.next(trade('AAPL', 2, 100.25));
      await expect.poll(() => price()).toBe('100.25');
    } finally {
      await tab.close();
      await close(site);
      await fanout.close();
    }
  }, 60_000);
});
