import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SeqAnomaly, Trade } from '@market-stream/core';
import { type FanoutServer, serveFanout } from '@market-stream/fanout';
import type { Browser, Page } from 'playwright-core';
import { ReplaySubject, Subject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../../tests/helpers/chromium.js';
import type { RecoveryReport } from '../../src/index.js';
import { type PageServer, servePage } from '../helpers/servePage.js';
import { startTicking, type TradeTicker, TWENTY_SYMBOLS } from '../helpers/tradeDriver.js';

const artifacts = join(dirname(fileURLToPath(import.meta.url)), '../../../../test-artifacts');

/** What the test page exposes on `globalThis.ticker`. */
interface PageHooks {
  client: { latest(symbol: string): Trade | undefined };
  statuses: string[];
  reports: RecoveryReport[];
  gaps: SeqAnomaly[];
  received(): number;
}
declare const ticker: PageHooks;

describe('<ticker-grid> across a fan-out server restart, in Chromium', () => {
  const live = new Subject<Trade>();
  // The retained stream a restarted node reads again (as a node reading Kinesis from a recent
  // position does): the most recent trades, then the live ones.
  const retained = new ReplaySubject<Trade>(2_000);
  live.subscribe(retained);
  let fanout: FanoutServer;
  let page: PageServer;
  let browser: Browser;
  let source: TradeTicker;

  /** The grid's notice: its text and whether it is shown. */
  const notice = (tab: Page) =>
    tab.evaluate(() => {
      const grid = document.getElementById('grid') as HTMLElement;
      const node = grid.shadowRoot?.querySelector('[part~="notice"]') as HTMLElement;
      return { text: node.textContent, shown: !node.hidden && node.offsetWidth > 0 };
    });

  beforeAll(async () => {
    fanout = await serveFanout({ port: 0, source: live, mode: 'all', flushIntervalMs: 25 });
    source = startTicking(live, TWENTY_SYMBOLS, 100, 0.3);
    page = await servePage();
    browser = await launchChromium();
  });
  afterAll(async () => {
    source?.stop();
    await browser?.close();
    await page?.close();
    await fanout?.close();
  });

  it('shows "Reconnected, N trades recovered" for a few seconds, reports no gap and no stale price', async () => {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    await tab.goto(`${page.url}?ws=${encodeURIComponent(fanout.url)}&symbols=${TWENTY_SYMBOLS}`);
    await tab.waitForFunction(() => ticker.received() > 30, undefined, { timeout: 10_000 });
    const { port } = fanout;

    await fanout.close();
    await tab.waitForFunction(() => ticker.statuses.at(-1) === 'reconnecting', undefined, {
      timeout: 10_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // trades go on while it is down
    fanout = await serveFanout({ port, source: retained, mode: 'all', flushIntervalMs: 25 });
    await tab.waitForFunction(() => ticker.reports.length > 0, undefined, { timeout: 15_000 });
    const shown = await notice(tab);
    mkdirSync(artifacts, { recursive: true });
    await tab.screenshot({ path: join(artifacts, 'ticker-grid-recovered.png') });
    source.stop();
    const last = Object.fromEntries(
      TWENTY_SYMBOLS.map((symbol) => [symbol, source.last(symbol) as Trade]),
    );
    await tab.waitForFunction(
      (expected) =>
        Object.entries(expected).every(
          ([symbol, trade]) => ticker.client.latest(symbol)?.seq === trade.seq,
        ),
      last,
      { timeout: 10_000 },
    );
    await tab.waitForTimeout(500); // the last price eases in within 150 ms
    const seen = await tab.evaluate((expected) => {
      const grid = document.getElementById('grid') as HTMLElement;
      const format = new Intl.NumberFormat(undefined, {
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
      });
      const cells = [...(grid.shadowRoot?.querySelectorAll<HTMLElement>('.cell') ?? [])];
      return {
        prices: Object.fromEntries(
          cells.map((cell) => [cell.dataset.symbol, cell.querySelector('.price')?.textContent]),
        ),
        expected: Object.fromEntries(
          Object.entries(expected).map(([symbol, trade]) => [symbol, format.format(trade.price)]),
        ),
        reports: ticker.reports,
        gaps: ticker.gaps,
      };
    }, last);
    await tab.waitForFunction(
      () =>
        document.getElementById('grid')?.shadowRoot?.querySelector<HTMLElement>('[part~="notice"]')
          ?.hidden === true,
      undefined,
      { timeout: 10_000 },
    );
    const gone = await notice(tab);

    const [report] = seen.reports;
    expect(seen.reports).toHaveLength(1);
    expect(report?.unrecovered).toEqual([]);
    expect(report?.total).toBeGreaterThan(0);
    expect(shown.shown).toBe(true);
    expect(shown.text).toMatch(/^Reconnected, [\d,.\s]+ trades? recovered$/);
    expect(shown.text?.replace(/\D/g, '')).toBe(String(report?.total));
    expect(seen.gaps).toEqual([]);
    expect(seen.prices).toEqual(seen.expected);
    expect(gone.shown).toBe(false);
    await tab.close();
  });

  it('shows the notice without animation under prefers-reduced-motion', async () => {
    const animation = async (reducedMotion: 'reduce' | 'no-preference') => {
      const tab = await browser.newPage();
      await tab.emulateMedia({ reducedMotion });
      await tab.goto(`${page.url}?ws=${encodeURIComponent(fanout.url)}&symbols=AAPL`);
      const name = await tab.evaluate(() => {
        const grid = document.getElementById('grid') as HTMLElement;
        const node = grid.shadowRoot?.querySelector('[part~="notice"]') as HTMLElement;
        node.hidden = false;
        return getComputedStyle(node).animationName;
      });
      await tab.close();
      return name;
    };

    expect(await animation('no-preference')).toBe('notice-in');
    expect(await animation('reduce')).toBe('none');
  });
});
