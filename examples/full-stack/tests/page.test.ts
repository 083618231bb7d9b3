import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Trade } from '@market-stream/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../tests/helpers/chromium.js';
import { tradeFactory } from '../../../tests/helpers/factories.js';
import { startTickerSystem, type TickerSystem } from '../src/startTickerSystem.js';

const artifacts = join(dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts');
/** Only this test's trades move this symbol, so every crossing is the test's own. */
const SYMBOL = 'ALRT';

describe('the full-stack page: alerts and the chart', () => {
  let system: TickerSystem;
  let browser: Browser;
  let seq = 0;

  /** Ingests one ALRT trade at `price` (the next seq, stamped now). */
  async function trade(price: number): Promise<void> {
    seq += 1;
    const body: Trade = tradeFactory({ symbol: SYMBOL, price, seq, timestamp: Date.now() });
    const response = await fetch(`${system.url}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(202);
  }

  const card = (page: Page) => page.locator(`ticker-grid .cell[data-symbol="${SYMBOL}"]`);

  /** Waits until the card shows `price`, i.e. the page has taken that trade. */
  async function shows(page: Page, price: string): Promise<void> {
    await expect.poll(() => card(page).locator('.price').textContent()).toContain(price);
  }

  /** Every toast the page shows from now on (they leave after a while; this keeps count). */
  async function recordToasts(page: Page): Promise<() => Promise<string[]>> {
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { toasts: string[] }).toasts = seen;
      new MutationObserver((records) => {
        for (const record of records)
          for (const node of record.addedNodes) seen.push(node.textContent ?? '');
      }).observe(document.getElementById('toasts') as HTMLElement, { childList: true });
    });
    return () => page.evaluate(() => [...(window as unknown as { toasts: string[] }).toasts]);
  }

  beforeAll(async () => {
    system = await startTickerSystem({
      port: 0,
      host: '127.0.0.1',
      tickers: ['AAPL', 'MSFT'],
      tradesPerSecond: 5,
      model: 'momentum',
      mode: 'latest',
      inMemory: true,
      seed: 7,
      ingestToken: undefined,
    });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('adds a rule in the dialog, shows it in the card, keeps it over a reload, fires once per crossing', async () => {
    await trade(100);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${system.url}/?symbols=${SYMBOL},AAPL`);
    await shows(page, '100.00');

    // Keyboard only: open the dialog, fill the form, submit, close with Escape.
    await page.locator('#alerts-open').focus();
    await page.keyboard.press('Enter');
    await page.locator('#alert-symbol').selectOption(SYMBOL);
    await page.locator('#alert-kind').selectOption('above');
    await page.locator('#alert-value').fill('101');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#alert-list li').allTextContents())
      .toEqual([`${SYMBOL} above 101Remove`]);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#alerts-dialog').getAttribute('open')).toBeNull();
    await expect.poll(() => card(page).locator('.badge').textContent()).toContain('▲ 101');

    await page.reload();
    await shows(page, '100.00');
    await expect.poll(() => card(page).locator('.badge').textContent()).toContain('▲ 101');
    const toasts = await recordToasts(page);

    await trade(101.5); // crosses: fires
    await shows(page, '101.50');
    await trade(101.2); // still above: nothing
    await shows(page, '101.20');
    await trade(100.95); // back under 101, not past the 0.1 % margin (100.899): nothing
    await shows(page, '100.95');
    await trade(101.3); // no new crossing: nothing
    await shows(page, '101.30');
    expect(await toasts()).toEqual([`${SYMBOL} above 101: 101.5`]);

    await trade(100.5); // past the margin: re-armed
    await shows(page, '100.50');
    await trade(101.05); // crosses again: fires
    await shows(page, '101.05');
    await expect
      .poll(toasts)
      .toEqual([`${SYMBOL} above 101: 101.5`, `${SYMBOL} above 101: 101.05`]);
    await expect.poll(() => page.locator('#toasts').getAttribute('aria-live')).toBe('polite');

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'full-stack-alerts.png') });

    // Removed in the dialog: the badge goes, and stays gone after a reload.
    await page.locator('#alerts-open').click();
    await page.getByRole('button', { name: `Remove alert: ${SYMBOL} above 101` }).click();
    await expect.poll(() => page.locator('#alert-list li').count()).toBe(0);
    await expect.poll(() => card(page).locator('.badge').isHidden()).toBe(true);
    await page.reload();
    await shows(page, '101.05');
    expect(await page.evaluate(() => localStorage.getItem('market-stream.alerts.v1'))).toBe('[]');
    await page.close();
  });

  it('ignores stored rules that are not JSON', async () => {
    const page = await browser.newPage();
    await page.goto(`${system.url}/?symbols=${SYMBOL}`);
    await page.evaluate(() => localStorage.setItem('market-stream.alerts.v1', '{not json'));
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.reload();

    await expect.poll(() => card(page).count()).toBe(1);
    await page.locator('#alerts-open').click();
    expect(await page.locator('#alert-list li').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fires a move rule once while its window shows the move', async () => {
    const page = await browser.newPage();
    await page.goto(`${system.url}/?symbols=${SYMBOL}`);
    await trade(100);
    await shows(page, '100.00');
    await page.locator('#alerts-open').click();
    await page.locator('#alert-kind').selectOption('move');
    await page.locator('#alert-value').fill('1');
    await page.locator('#alert-window').fill('1');
    await page.getByRole('button', { name: 'Add alert' }).click();
    await expect.poll(() => card(page).locator('.badge').textContent()).toContain('± 1 % / 1 min');
    await page.keyboard.press('Escape');
    const toasts = await recordToasts(page);

    await trade(101.2); // +1.2 % within the minute: fires
    await shows(page, '101.20');
    await trade(101.5); // the window still shows the move: nothing
    await shows(page, '101.50');

    expect(await toasts()).toEqual([`${SYMBOL} moves 1 % within 1 min: 101.2 (+1.20 %)`]);
    await page.getByRole('button', { name: 'Alerts' }).first().click();
    await page.getByRole('button', { name: /^Remove alert: ALRT moves/ }).click();
    await expect.poll(() => page.locator('#alert-list li').count()).toBe(0);
    await page.close();
  });

  it('raises a browser notification, not a toast, when notifications are allowed', async () => {
    const context = await browser.newContext({ permissions: ['notifications'] });
    // Records what the page shows through the real Notification (a subclass that calls it).
    await context.addInitScript(() => {
      const Real = window.Notification;
      const shown: string[] = [];
      class Recorded extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          shown.push(`${title}: ${options?.body ?? ''}`);
        }
      }
      Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
      Object.assign(window, { Notification: Recorded, shownNotifications: shown });
    });
    const page = await context.newPage();
    await page.goto(`${system.url}/?symbols=${SYMBOL}`);
    await trade(100);
    await shows(page, '100.00');
    expect(await page.evaluate(() => Notification.permission)).toBe('granted');
    await page.locator('#alerts-open').click();
    await page.locator('#alert-kind').selectOption('above');
    await page.locator('#alert-value').fill('101');
    await page.getByRole('button', { name: 'Add alert' }).click();
    await page.keyboard.press('Escape');
    const toasts = await recordToasts(page);

    await trade(101.5); // crosses: fires
    await shows(page, '101.50');

    const shown = () =>
      page.evaluate(() => [
        ...(window as unknown as { shownNotifications: string[] }).shownNotifications,
      ]);
    await expect.poll(shown).toEqual([`market-stream alert: ${SYMBOL} above 101: 101.5`]);
    expect(await toasts()).toEqual([]);
    await page.evaluate(() => localStorage.removeItem('market-stream.alerts.v1'));
    await context.close();
  });

  it('opens the chart of ?symbol=AAPL&interval=1m from a link, with bars, beside the live grid', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${system.url}/?symbol=AAPL&interval=1m`);

    const chart = page.locator('ticker-chart');
    await expect.poll(() => chart.getAttribute('symbol')).toBe('AAPL');
    expect(await chart.getAttribute('interval')).toBe('1m');
    await expect
      .poll(() => chart.evaluate((node) => (node as unknown as { bars: unknown[] }).bars.length), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);
    await expect.poll(() => chart.locator('canvas').count()).toBeGreaterThan(0);
    expect(
      await page.locator('ticker-grid .cell[data-symbol="AAPL"]').getAttribute('aria-selected'),
    ).toBe('true');
    expect(await page.locator('ticker-grid .cell').count()).toBe(2);
    expect(
      await page.locator('#detail button[data-interval="1m"]').getAttribute('aria-pressed'),
    ).toBe('true');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'full-stack-chart.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps the selection in the URL: a card, an interval, Back', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${system.url}/`);
    const msft = page.locator('ticker-grid .cell[data-symbol="MSFT"]');
    await expect.poll(() => msft.count()).toBe(1);

    await msft.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).search).toBe('?symbol=MSFT&interval=1m');
    await expect.poll(() => page.locator('ticker-chart').getAttribute('symbol')).toBe('MSFT');

    await page.locator('#detail button[data-interval="5m"]').click();
    await expect.poll(() => new URL(page.url()).search).toBe('?symbol=MSFT&interval=5m');
    expect(await page.locator('ticker-chart').getAttribute('interval')).toBe('5m');
    expect(
      await page.locator('#detail button[data-interval="5m"]').getAttribute('aria-pressed'),
    ).toBe('true');

    await page.goBack();
    await expect.poll(() => new URL(page.url()).search).toBe('');
    await expect.poll(() => msft.getAttribute('aria-selected')).toBe('false');
    await page.close();
  });

  it('at 390 × 844 (a phone) keeps the header’s live figures, wrapped, inside the width', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });

    await page.goto(`${system.url}/`);

    await expect.poll(() => page.locator('#tps').textContent()).toMatch(/\d/);
    const panel = await page.locator('header .panel').boundingBox();
    // Every figure, the status and the Alerts button inside the width: wrapped, never cut off.
    const rights = await page
      .locator('header .panel > *')
      .evaluateAll((items) => items.map((item) => item.getBoundingClientRect().right));
    expect(rights).toHaveLength(5);
    expect(Math.max(...rights)).toBeLessThanOrEqual(390);
    expect(panel && panel.x >= 0 && panel.x + panel.width <= 390).toBe(true);
    expect(await page.evaluate(() => document.scrollingElement?.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'full-stack-phone-local.png') });
    await page.close();
  });
});
