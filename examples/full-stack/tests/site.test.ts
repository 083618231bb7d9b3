import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TICKERS } from '@market-stream/simulator';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../tests/helpers/chromium.js';
import { tradeFactory } from '../../../tests/helpers/factories.js';
import { buildSite } from '../src/page/buildSite.js';
import { startTickerSystem, type TickerSystem } from '../src/startTickerSystem.js';

const artifacts = join(dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts');
const TICKERS = DEFAULT_TICKERS.slice(0, 20).map((t) => t.symbol);
/** Only this test's trades move this symbol: its history is the test's own. */
const SEEDED = 'SEED';

/**
 * The built site as CloudFront serves it: the bucket's files, the `config.json` TickerWebsite
 * writes, `/api/*` from the history API on the same origin, and 404 for anything else
 * (there is no `/healthz` on AWS).
 */
async function serveSite(directory: string, system: TickerSystem): Promise<Server> {
  const config = { webSocketUrl: system.wsUrl, historyApiUrl: '/api', tickers: TICKERS };
  const files: Record<string, [string, string]> = {
    '/': ['index.html', 'text/html; charset=utf-8'],
    '/index.html': ['index.html', 'text/html; charset=utf-8'],
    '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  };
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const file = files[url.pathname];
    if (file) {
      response.writeHead(200, { 'content-type': file[1] });
      response.end(readFileSync(join(directory, file[0])));
    } else if (url.pathname === '/config.json') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(config));
    } else if (url.pathname.startsWith('/api/')) {
      const answer = await fetch(`${system.url}${url.pathname}${url.search}`);
      response.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? '',
      });
      response.end(await answer.text());
    } else {
      response.writeHead(404, { 'content-type': 'text/html' });
      response.end('<h1>Not found</h1>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('the built site (buildSite) reading config.json', () => {
  let system: TickerSystem;
  let site: Server;
  let siteUrl: string;
  let browser: Browser;
  let directory: string;

  const cell = (page: Page, symbol: string) =>
    page.locator(`ticker-grid .cell[data-symbol="${symbol}"]`);

  /** Ingests SEED trade `seq` at `price`, stamped now. */
  async function ingest(seq: number, price: number): Promise<void> {
    const trade = tradeFactory({ symbol: SEEDED, price, seq, timestamp: Date.now() });
    const response = await fetch(`${system.url}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(trade),
    });
    expect(response.status).toBe(202);
  }

  /** How many closed 5 s bars of SEED the history API has. */
  async function seedBars(): Promise<number> {
    const response = await fetch(`${system.url}/api/bars?symbol=${SEEDED}&interval=5s`);
    return ((await response.json()) as unknown[]).length;
  }

  beforeAll(async () => {
    system = await startTickerSystem({
      port: 0,
      host: '127.0.0.1',
      tickers: TICKERS,
      tradesPerSecond: 5,
      model: 'momentum',
      mode: 'latest',
      inMemory: true,
      seed: 11,
      ingestToken: undefined,
    });
    directory = buildSite(mkdtempSync(join(tmpdir(), 'ticker-site-'))).directory;
    site = await serveSite(directory, system);
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await system?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('moves the grid and shows the bars of ?symbol=AAPL&interval=1m; hides the live panel without /healthz', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${siteUrl}/?symbol=AAPL&interval=1m`);

    await expect.poll(() => page.locator('ticker-grid .cell').count()).toBe(20);
    const price = cell(page, 'MSFT').locator('.price');
    await expect.poll(() => price.textContent(), { timeout: 10_000 }).toMatch(/\d/);
    const first = await price.textContent();
    await expect.poll(() => price.textContent(), { timeout: 10_000 }).not.toBe(first);
    const chart = page.locator('ticker-chart');
    await expect
      .poll(() => chart.evaluate((node) => (node as unknown as { bars: unknown[] }).bars.length), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);
    expect(await chart.getAttribute('history-url')).toBe('/api/bars');
    await expect.poll(() => page.locator('#tps').isHidden()).toBe(true);
    expect(await page.locator('#status').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('seeds each sparkline from the history API: one bounded request per symbol', async () => {
    // Two closed 5 s bars of SEED, in event time (bars close as the other symbols trade past them).
    await ingest(1, 100);
    await expect.poll(() => seedBars(), { timeout: 15_000 }).toBe(1);
    await ingest(2, 104);
    await expect.poll(() => seedBars(), { timeout: 15_000 }).toBe(2);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const seeds: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/bars')) seeds.push(new URL(request.url()).search);
    });

    await page.goto(`${siteUrl}/?symbols=${SEEDED},AAPL`);

    // No SEED trade follows the snapshot (one point): a line needs the seeded bar before it.
    await expect
      .poll(() =>
        cell(page, SEEDED)
          .locator('canvas')
          .evaluate((canvas: HTMLCanvasElement) => {
            const { data } = canvas
              .getContext('2d')
              ?.getImageData(0, 0, canvas.width, canvas.height) ?? { data: [] };
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) painted += 1;
            return painted;
          }),
      )
      .toBeGreaterThan(10);
    expect(seeds.sort()).toEqual([
      `?symbol=AAPL&interval=5s&limit=60`,
      `?symbol=${SEEDED}&interval=5s&limit=60`,
    ]);
    await page.close();
  });

  it('at 390 × 844 (a phone) shows a watchlist of at least 10 of 20 rows, no horizontal overflow, the chart below the selected row', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await page.goto(siteUrl);
    await expect.poll(() => page.locator('ticker-grid .cell').count()).toBe(20);
    await expect.poll(() => page.locator('#tps').isHidden()).toBe(true);

    const inView = () =>
      page.locator('ticker-grid .cell').evaluateAll(
        (cells) =>
          cells.filter((c) => {
            const r = c.getBoundingClientRect();
            return r.top >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
          }).length,
      );
    const scrollWidth = () => page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0);
    expect(await inView()).toBeGreaterThanOrEqual(10);
    expect(await scrollWidth()).toBeLessThanOrEqual(390);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'full-stack-phone.png') });

    await cell(page, 'MSFT').click();
    const chart = page.locator('ticker-chart');
    await expect.poll(() => chart.getAttribute('symbol')).toBe('MSFT');
    await expect.poll(() => chart.locator('canvas').count()).toBeGreaterThan(0);
    const row = await cell(page, 'MSFT').boundingBox();
    const box = await chart.boundingBox();
    expect(box && row && box.y >= row.y + row.height).toBe(true);
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    expect(await scrollWidth()).toBeLessThanOrEqual(390);
    await chart.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifacts, 'full-stack-phone-chart.png') });
    await page.close();
  });
});
