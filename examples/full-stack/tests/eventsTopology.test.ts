import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../tests/helpers/chromium.js';
import { readConfig } from '../src/config.js';
import { startTickerSystem, type TickerSystem } from '../src/startTickerSystem.js';

describe('pnpm start -- --fanout events: the page through a local AppSync Events emulator', () => {
  let system: TickerSystem;
  let browser: Browser;

  beforeAll(async () => {
    const config = readConfig(
      ['--fanout', 'events', '--port', '0', '--in-memory', '--tickers', 'AAPL,MSFT,BRK.B'],
      {},
    );
    if (config === undefined) throw new Error('no config');
    system = await startTickerSystem(config);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('reads --fanout and FANOUT_TOPOLOGY, and refuses anything else', () => {
    expect(readConfig([], { FANOUT_TOPOLOGY: 'events' })?.fanout).toBe('events');
    expect(readConfig([], {})?.fanout).toBe('engine');
    expect(() => readConfig(['--fanout', 'lambda'], {})).toThrow(/engine or events/);
  });

  it('shows every ticker moving, delivered by AppSync Events channels, not /ws', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(system.url);
      const price = (symbol: string) =>
        page.locator(`ticker-grid .cell[data-symbol="${symbol}"] .price`).textContent();
      const first = new Map<string, string | null>();
      for (const symbol of ['AAPL', 'MSFT', 'BRK.B']) {
        await expect.poll(() => price(symbol), { timeout: 15_000 }).toMatch(/\d/);
        first.set(symbol, await price(symbol));
      }
      // Prices keep moving: live events arrive, not only the history snapshot.
      for (const symbol of first.keys()) {
        await expect.poll(() => price(symbol), { timeout: 15_000 }).not.toBe(first.get(symbol));
      }
      await expect.poll(() => page.locator('#status').getAttribute('data-status')).toBe('open');

      const health = (await (await fetch(`${system.url}/healthz`)).json()) as {
        clients: number;
        events: { published: number; deliveries: number; subscriptions: number; failed: number };
      };
      expect(health.events.subscriptions).toBe(3);
      expect(health.events.deliveries).toBeGreaterThan(0);
      expect(health.events.failed).toBe(0);
      // The page is not a client of the engine's /ws.
      expect(health.clients).toBe(0);
    } finally {
      await page.close();
    }
  }, 60_000);
});
