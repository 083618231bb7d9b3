import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Trade } from '@market-stream/core';
import {
  type AppSyncEventsEmulator,
  startAppSyncEventsEmulator,
} from '@market-stream/fanout/local';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../../tests/helpers/chromium.js';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import {
  type HistoryServer,
  publishTrades,
  serveAppSyncPage,
  startHistoryServer,
} from '../helpers/appsyncStack.js';
import type { PageServer } from '../helpers/servePage.js';
import { TWENTY_SYMBOLS } from '../helpers/tradeDriver.js';

const artifacts = join(dirname(fileURLToPath(import.meta.url)), '../../../../test-artifacts');

/** What the AppSync test page exposes on `globalThis.ticker`. */
interface PageHooks {
  statuses: string[];
  gaps: unknown[];
  received(): number;
}
declare const ticker: PageHooks;

describe('<ticker-grid> over AppSync Events in Chromium', () => {
  let emulator: AppSyncEventsEmulator;
  let history: HistoryServer;
  let page: PageServer;
  let browser: Browser;
  const seq = new Map<string, number>();

  /** One trade per symbol, the next seq of each, at a price that tells the seq. */
  const round = (): Trade[] =>
    TWENTY_SYMBOLS.map((symbol, i) => {
      const next = (seq.get(symbol) ?? 0) + 1;
      seq.set(symbol, next);
      return tradeFactory({ symbol, seq: next, price: 10 * (i + 1) + next / 100 });
    });

  /** The text of every price in the grid, by symbol. */
  const prices = (tab: Page) =>
    tab.evaluate(() => {
      const grid = document.getElementById('grid') as HTMLElement;
      const cells = [...(grid.shadowRoot?.querySelectorAll('.cell') ?? [])] as HTMLElement[];
      return Object.fromEntries(
        cells.map((cell) => [cell.dataset.symbol, cell.querySelector('.price')?.textContent ?? '']),
      );
    });

  beforeAll(async () => {
    emulator = await startAppSyncEventsEmulator();
    history = await startHistoryServer();
    page = await serveAppSyncPage();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await page?.close();
    await history?.close();
    await emulator?.close();
  });

  it('shows the history snapshot at once, then live prices from the channels, the newest last', async () => {
    // Only the history knows these: the grid must show them without a live trade.
    history.store(round());
    const tab = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    const query = new URLSearchParams({
      realtime: emulator.realtimeEndpoint,
      apiKey: emulator.apiKey,
      history: history.url,
      symbols: TWENTY_SYMBOLS.join(','),
    });
    await tab.goto(`${page.url}?${query}`);
    await tab.waitForFunction(() => ticker.statuses.includes('open'), undefined, {
      timeout: 10_000,
    });
    await tab.waitForFunction((count) => ticker.received() >= count, TWENTY_SYMBOLS.length, {
      timeout: 10_000,
    });
    const snapshot = await prices(tab);

    let last: Trade[] = [];
    for (let i = 0; i < 10; i++) {
      last = round();
      await publishTrades(emulator.httpEndpoint, emulator.apiKey, history, last);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await tab.waitForFunction((count) => ticker.received() >= count, 11 * TWENTY_SYMBOLS.length, {
      timeout: 10_000,
    });
    await tab.waitForTimeout(400); // the price easing settles on the newest value
    const live = await prices(tab);

    expect(Object.keys(snapshot)).toEqual([...TWENTY_SYMBOLS]);
    for (const text of Object.values(snapshot)) expect(text).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
    const format = (price: number) =>
      price.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(live).toEqual(
      Object.fromEntries(last.map((trade) => [trade.symbol, format(trade.price)])),
    );
    expect(await tab.evaluate(() => ticker.gaps.length)).toBe(0);
    mkdirSync(artifacts, { recursive: true });
    await tab.screenshot({ path: join(artifacts, 'ticker-grid-appsync.png') });
    await tab.close();
  });
});
