import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Trade } from '@market-stream/core';
import { type FanoutServer, serveFanout } from '@market-stream/fanout';
import type { Browser, Page } from 'playwright-core';
import { Subject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../../tests/helpers/chromium.js';
import { type PageServer, servePage } from '../helpers/servePage.js';
import { driveTrades, TWENTY_SYMBOLS } from '../helpers/tradeDriver.js';

const artifacts = join(dirname(fileURLToPath(import.meta.url)), '../../../../test-artifacts');

/** What the test page exposes on `globalThis.ticker`. */
interface PageHooks {
  client: { latest(symbol: string): { price: number } | undefined };
  statuses: string[];
  directions: Record<string, 'up' | 'down'>;
  received(): number;
}
declare const ticker: PageHooks;

describe('<ticker-grid> and <ticker-tape> in Chromium', () => {
  const source = new Subject<Trade>();
  let fanout: FanoutServer;
  let page: PageServer;
  let browser: Browser;
  let stop: () => void;

  const open = async (options: { reducedMotion?: 'reduce' | 'no-preference' } = {}) => {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    await tab.emulateMedia({ reducedMotion: options.reducedMotion ?? 'no-preference' });
    await tab.goto(`${page.url}?ws=${encodeURIComponent(fanout.url)}&symbols=${TWENTY_SYMBOLS}`);
    await tab.waitForFunction(() => ticker.statuses.includes('open'), undefined, {
      timeout: 10_000,
    });
    return tab;
  };

  /** The text of every price in the grid, by symbol. */
  const prices = (tab: Page) =>
    tab.evaluate(() => {
      const grid = document.getElementById('grid') as HTMLElement;
      const cells = [...(grid.shadowRoot?.querySelectorAll('.cell') ?? [])] as HTMLElement[];
      return Object.fromEntries(
        cells.map((cell) => [cell.dataset.symbol, cell.querySelector('.price')?.textContent]),
      );
    });

  beforeAll(async () => {
    fanout = await serveFanout({ port: 0, source, flushIntervalMs: 25 });
    stop = driveTrades(source, TWENTY_SYMBOLS, 100, 0.3);
    page = await servePage();
    browser = await launchChromium();
  });
  afterAll(async () => {
    stop?.();
    await browser?.close();
    await page?.close();
    await fanout?.close();
  });

  it('renders 20 tickers whose prices change, and saves a screenshot', async () => {
    const tab = await open();
    await tab.waitForFunction(() => ticker.received() > 30, undefined, { timeout: 10_000 });
    const before = await prices(tab);
    await tab.waitForFunction((count) => ticker.received() > count + 60, 60, { timeout: 10_000 });
    await tab.waitForTimeout(300);
    const after = await prices(tab);

    expect(Object.keys(before)).toEqual([...TWENTY_SYMBOLS]);
    for (const text of Object.values(after)) expect(text).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
    const changed = TWENTY_SYMBOLS.filter((symbol) => before[symbol] !== after[symbol]);
    expect(changed.length).toBeGreaterThanOrEqual(10);
    mkdirSync(artifacts, { recursive: true });
    await tab.screenshot({ path: join(artifacts, 'ticker-grid.png') });
    await tab.close();
  });

  it('flashes green on an up-tick and red on a down-tick', async () => {
    const tab = await open();

    const seen = await tab.evaluate(
      () =>
        new Promise<Record<string, { color: string; direction?: string }>>((resolve) => {
          const grid = document.getElementById('grid') as HTMLElement;
          const found: Record<string, { color: string; direction?: string }> = {};
          const started = performance.now();
          const sample = () => {
            for (const cell of grid.shadowRoot?.querySelectorAll<HTMLElement>('.cell') ?? []) {
              for (const kind of ['up', 'down']) {
                const flash = cell.querySelector(`.flash.${kind}`) as HTMLElement;
                const style = getComputedStyle(flash);
                if (!found[kind] && Number(style.opacity) > 0.1) {
                  found[kind] = {
                    color: style.backgroundColor,
                    direction: ticker.directions[cell.dataset.symbol ?? ''],
                  };
                }
              }
            }
            if ((found.up && found.down) || performance.now() - started > 8_000) resolve(found);
            else requestAnimationFrame(sample);
          };
          sample();
        }),
    );

    expect(seen.up).toEqual({ color: 'rgb(47, 191, 113)', direction: 'up' });
    expect(seen.down).toEqual({ color: 'rgb(240, 82, 77)', direction: 'down' });
    await tab.close();
  });

  it('scrolls the tape with a CSS transform', async () => {
    const tab = await open();
    const transform = () =>
      tab.evaluate(() => {
        const tape = document.getElementById('tape') as HTMLElement;
        return getComputedStyle(tape.shadowRoot?.querySelector('.track') as HTMLElement).transform;
      });

    const first = await transform();
    await tab.waitForTimeout(400);
    const second = await transform();

    expect(first).toMatch(/^matrix/);
    expect(second).toMatch(/^matrix/);
    expect(second).not.toBe(first);
    await tab.close();
  });

  it('turns motion off with prefers-reduced-motion: no flash, no pulse, a still tape', async () => {
    const tab = await open({ reducedMotion: 'reduce' });
    await tab.waitForFunction(() => ticker.received() > 40, undefined, { timeout: 10_000 });
    const before = await prices(tab);

    const motion = await tab.evaluate(
      () =>
        new Promise<{ maxFlash: number; transforms: string[]; tape: string[] }>((resolve) => {
          const grid = document.getElementById('grid') as HTMLElement;
          const tape = document.getElementById('tape') as HTMLElement;
          const track = tape.shadowRoot?.querySelector('.track') as HTMLElement;
          let maxFlash = 0;
          const transforms = new Set<string>();
          const tapeTransforms = new Set<string>();
          const started = performance.now();
          const sample = () => {
            for (const node of grid.shadowRoot?.querySelectorAll<HTMLElement>('.flash') ?? []) {
              maxFlash = Math.max(maxFlash, Number(getComputedStyle(node).opacity));
            }
            for (const node of grid.shadowRoot?.querySelectorAll<HTMLElement>('.price') ?? []) {
              transforms.add(getComputedStyle(node).transform);
            }
            tapeTransforms.add(getComputedStyle(track).transform);
            if (performance.now() - started > 1_500) {
              resolve({ maxFlash, transforms: [...transforms], tape: [...tapeTransforms] });
            } else requestAnimationFrame(sample);
          };
          sample();
        }),
    );
    const after = await prices(tab);

    expect(motion.maxFlash).toBe(0);
    expect(motion.transforms).toEqual(['none']);
    expect(motion.tape).toEqual(['none']);
    expect(TWENTY_SYMBOLS.some((symbol) => before[symbol] !== after[symbol])).toBe(true);
    await tab.close();
  });

  it('draws nothing while the page is hidden and jumps to the latest prices when shown', async () => {
    const tab = await open();
    await tab.waitForFunction(() => ticker.received() > 30, undefined, { timeout: 10_000 });

    const result = await tab.evaluate(
      async (symbols) => {
        const grid = document.getElementById('grid') as HTMLElement;
        const read = () =>
          Object.fromEntries(
            [...(grid.shadowRoot?.querySelectorAll<HTMLElement>('.cell') ?? [])].map((cell) => [
              cell.dataset.symbol,
              cell.querySelector('.price')?.textContent,
            ]),
          );
        // Headless Chromium pages are always visible; switch what the page reports instead.
        const setVisibility = (state: 'hidden' | 'visible') => {
          Object.defineProperty(document, 'visibilityState', {
            configurable: true,
            get: () => state,
          });
          document.dispatchEvent(new Event('visibilitychange'));
        };
        setVisibility('hidden');
        const atHide = read();
        const receivedAtHide = ticker.received();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const beforeShow = read();
        const receivedWhileHidden = ticker.received() - receivedAtHide;
        setVisibility('visible');
        const shown = read();
        const format = new Intl.NumberFormat(undefined, {
          minimumFractionDigits: 2,
          maximumFractionDigits: 2,
        });
        const latest = Object.fromEntries(
          symbols.map((symbol) => [
            symbol,
            format.format(ticker.client.latest(symbol)?.price ?? Number.NaN),
          ]),
        );
        return { atHide, beforeShow, receivedWhileHidden, shown, latest };
      },
      [...TWENTY_SYMBOLS],
    );

    expect(result.receivedWhileHidden).toBeGreaterThan(0);
    expect(result.beforeShow).toEqual(result.atHide);
    expect(result.shown).toEqual(result.latest);
    await tab.close();
  });

  it('reconnects after the server restarts and keeps updating', async () => {
    const tab = await open();
    const { port } = fanout;

    await fanout.close();
    await tab.waitForFunction(() => ticker.statuses.at(-1) === 'reconnecting', undefined, {
      timeout: 10_000,
    });
    fanout = await serveFanout({ port, source, flushIntervalMs: 25 });
    await tab.waitForFunction(() => ticker.statuses.at(-1) === 'open', undefined, {
      timeout: 10_000,
    });
    const count = await tab.evaluate(() => ticker.received());
    await tab.waitForFunction((n) => ticker.received() > n + 40, count, { timeout: 10_000 });
    const status = await tab.evaluate(() =>
      (document.getElementById('grid') as HTMLElement).getAttribute('status'),
    );

    expect(status).toBe('open');
    await tab.close();
  });
});
