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

type Point = { time: number; price: number };
/** What the test page exposes on `globalThis.ticker`. */
interface PageHooks {
  statuses: string[];
  buckets: Record<string, Point[]>;
  selections: string[];
  received(): number;
}
declare const ticker: PageHooks;
/** The grid with its API and, for the tests, its entries' sparklines. */
type Grid = HTMLElement & {
  selectedSymbol: string | null;
  setBadge(symbol: string, text: string | null): void;
  seedSparkline(symbol: string, points: Point[]): void;
  entries: Map<string, { spark?: { points: Point[] } }>;
};

describe('<ticker-grid> sparklines, selection and narrow layout in Chromium', () => {
  const source = new Subject<Trade>();
  let fanout: FanoutServer;
  let page: PageServer;
  let browser: Browser;
  let stop: () => void;

  const open = async (query = '', viewport = { width: 1280, height: 760 }) => {
    const tab = await browser.newPage({ viewport });
    await tab.goto(
      `${page.url}?ws=${encodeURIComponent(fanout.url)}&symbols=${TWENTY_SYMBOLS}${query}`,
    );
    await tab.waitForFunction(() => ticker.statuses.includes('open'), undefined, {
      timeout: 10_000,
    });
    return tab;
  };

  /** Each card's sparkline canvas: its size and how many of its pixels are painted. */
  const canvases = (tab: Page) =>
    tab.evaluate(() => {
      const grid = document.getElementById('grid') as HTMLElement;
      return [...(grid.shadowRoot?.querySelectorAll('canvas') ?? [])].map((canvas) => {
        const data = canvas
          .getContext('2d')
          ?.getImageData(0, 0, canvas.width || 1, canvas.height || 1).data;
        let painted = 0;
        for (let i = 3; i < (data?.length ?? 0); i += 4) if ((data?.[i] ?? 0) > 0) painted++;
        return { width: canvas.width, painted };
      });
    });

  /** The bounding boxes of the cards, the detail and the grid. */
  const boxes = (tab: Page) =>
    tab.evaluate(() => {
      const grid = document.getElementById('grid') as HTMLElement;
      const box = (node: Element | null | undefined) => {
        const r = node?.getBoundingClientRect();
        return r
          ? { top: r.top, bottom: r.bottom, left: r.left, width: r.width, height: r.height }
          : undefined;
      };
      const cells = [...(grid.shadowRoot?.querySelectorAll<HTMLElement>('.cell') ?? [])];
      return {
        cards: cells.map((cell) => ({ symbol: cell.dataset.symbol ?? '', ...box(cell) })),
        detail: box(document.getElementById('detail')),
        grid: box(grid.shadowRoot?.querySelector('.grid')),
      };
    });

  /** Seeds every sparkline with 4 minutes of a random walk ending at its first live point. */
  const seedHistory = (tab: Page) =>
    tab.evaluate(() => {
      const grid = document.getElementById('grid') as unknown as Grid;
      for (const [symbol, points] of Object.entries(ticker.buckets)) {
        const first = points[0] as Point;
        let price = first.price;
        const history: Point[] = [];
        for (let s = 1; s <= 240; s++) {
          price = Math.max(1, price + (Math.random() - 0.5) * price * 0.004);
          history.push({ time: first.time - s * 1000, price });
        }
        grid.seedSparkline(symbol, history);
      }
    });

  beforeAll(async () => {
    fanout = await serveFanout({ port: 0, source, flushIntervalMs: 25 });
    stop = driveTrades(source, TWENTY_SYMBOLS, 100, 0.5);
    page = await servePage();
    browser = await launchChromium();
    mkdirSync(artifacts, { recursive: true });
  });
  afterAll(async () => {
    stop?.();
    await browser?.close();
    await page?.close();
    await fanout?.close();
  });

  it('draws each sparkline from the live trades, one point per second, and saves a screenshot', async () => {
    const tab = await open('&sparkline=5');
    await tab.waitForFunction(
      () => Object.values(ticker.buckets).filter((points) => points.length >= 3).length === 20,
      undefined,
      { timeout: 15_000 },
    );
    await tab.waitForTimeout(100);

    const { drawn, expected } = await tab.evaluate(() => {
      const grid = document.getElementById('grid') as unknown as Grid;
      const drawn: Record<string, Point[]> = {};
      for (const [symbol, entry] of grid.entries) drawn[symbol] = entry.spark?.points ?? [];
      return { drawn, expected: ticker.buckets };
    });
    const painted = await canvases(tab);

    for (const symbol of TWENTY_SYMBOLS) {
      // The page saw the same trades; the last bucket may have moved since it was read.
      const own = drawn[symbol] ?? [];
      expect(own.slice(0, -1)).toEqual((expected[symbol] ?? []).slice(0, own.length - 1));
      expect(own.length).toBeGreaterThanOrEqual(3);
    }
    expect(painted).toHaveLength(20);
    for (const canvas of painted) expect(canvas.painted).toBeGreaterThan(0);
    await seedHistory(tab);
    await tab.waitForTimeout(100);
    await tab.screenshot({ path: join(artifacts, 'ticker-grid-sparklines.png') });
    await tab.close();
  });

  it('has no canvas without the sparkline attribute', async () => {
    const tab = await open();
    await tab.waitForFunction(() => ticker.received() > 40, undefined, { timeout: 10_000 });

    const painted = await canvases(tab);

    expect(painted).toEqual([]);
    await tab.close();
  });

  it('seeds a sparkline with earlier points before the live ones', async () => {
    const tab = await open('&sparkline=5');
    await tab.waitForFunction(() => (ticker.buckets.AAPL?.length ?? 0) >= 1, undefined, {
      timeout: 10_000,
    });

    const points = await tab.evaluate(() => {
      const grid = document.getElementById('grid') as unknown as Grid;
      const first = ticker.buckets.AAPL?.[0]?.time ?? 0;
      grid.seedSparkline('AAPL', [
        { time: first - 60_000, price: 1 },
        { time: first - 120_000, price: 2 },
        { time: first + 5_000, price: 3 },
      ]);
      return grid.entries.get('AAPL')?.spark?.points ?? [];
    });

    expect(points.slice(0, 2).map((point) => point.price)).toEqual([2, 1]);
    expect(points.some((point) => point.price === 3)).toBe(false);
    await tab.close();
  });

  it('selects a card by click, Enter and Space, with a ticker-select event, unless cancelled', async () => {
    const tab = await open();
    await tab.waitForFunction(() => ticker.received() > 20, undefined, { timeout: 10_000 });
    const state = () =>
      tab.evaluate(() => {
        const grid = document.getElementById('grid') as unknown as Grid;
        const selected = [
          ...(grid.shadowRoot?.querySelectorAll<HTMLElement>('[aria-selected="true"]') ?? []),
        ];
        return {
          property: grid.selectedSymbol,
          attribute: grid.getAttribute('selected'),
          marked: selected.map((cell) => `${cell.dataset.symbol} ${cell.getAttribute('part')}`),
          events: [...ticker.selections],
        };
      });

    await tab.locator('ticker-grid .cell[data-symbol="MSFT"]').click();
    const clicked = await state();
    await tab.locator('ticker-grid .cell[data-symbol="NVDA"]').focus();
    await tab.keyboard.press('Enter');
    await tab.locator('ticker-grid .cell[data-symbol="AMZN"]').focus();
    await tab.keyboard.press('Space');
    const typed = await state();
    await tab.evaluate(() =>
      document.addEventListener('ticker-select', (event) => event.preventDefault(), { once: true }),
    );
    await tab.locator('ticker-grid .cell[data-symbol="TSLA"]').click();
    const cancelled = await state();

    expect(clicked).toEqual({
      property: 'MSFT',
      attribute: 'MSFT',
      marked: ['MSFT ticker card selected'],
      events: ['MSFT'],
    });
    expect(typed.property).toBe('AMZN');
    expect(typed.events).toEqual(['MSFT', 'NVDA', 'AMZN']);
    expect(cancelled.property).toBe('AMZN');
    expect(cancelled.events).toEqual(['MSFT', 'NVDA', 'AMZN', 'TSLA']);
    await tab.close();
  });

  it('shows a badge and opens the detail slot below the selected card’s row, full width', async () => {
    const tab = await open();
    await tab.waitForFunction(() => ticker.received() > 20, undefined, { timeout: 10_000 });

    const badge = await tab.evaluate(() => {
      const grid = document.getElementById('grid') as unknown as Grid;
      grid.setBadge('AAPL', '▲ 200');
      grid.setBadge('MSFT', '▼ 1');
      grid.setBadge('MSFT', null);
      const text = (symbol: string) => {
        const node = grid.shadowRoot?.querySelector<HTMLElement>(
          `[data-symbol="${symbol}"] [part="badge"]`,
        );
        return node && getComputedStyle(node).display !== 'none' ? node.textContent : null;
      };
      const detail = document.createElement('div');
      detail.id = 'detail';
      detail.slot = 'detail';
      detail.style.height = '120px';
      grid.append(detail);
      grid.selectedSymbol = 'MSFT';
      return { AAPL: text('AAPL'), MSFT: text('MSFT') };
    });
    const { cards, detail, grid } = await boxes(tab);

    const selected = cards.find((card) => card.symbol === 'MSFT');
    const row = cards.filter((card) => card.top === selected?.top);
    const columns = new Set(cards.map((card) => card.left)).size;
    expect(badge).toEqual({ AAPL: '▲ 200', MSFT: null });
    expect(row).toHaveLength(columns);
    expect(detail?.top).toBeGreaterThan(selected?.bottom ?? Number.POSITIVE_INFINITY);
    expect(detail?.width).toBeCloseTo(grid?.width ?? 0, 0);
    for (const card of cards) {
      const above = (card.bottom ?? 0) <= (detail?.top ?? 0);
      expect(above || (card.top ?? 0) >= (detail?.bottom ?? 0)).toBe(true);
    }
    await tab.close();
  });

  it('becomes a watchlist of single-line rows at 390 × 844, the tape still moving', async () => {
    const tab = await open('&sparkline=5', { width: 390, height: 844 });
    await tab.waitForFunction(() => ticker.received() > 60, undefined, { timeout: 10_000 });
    const transform = () =>
      tab.evaluate(() => {
        const tape = document.getElementById('tape') as HTMLElement;
        return getComputedStyle(tape.shadowRoot?.querySelector('.track') as HTMLElement).transform;
      });

    const { cards } = await boxes(tab);
    const before = await transform();
    await tab.waitForTimeout(300);
    const after = await transform();
    const lineHeight = await tab.evaluate(() => {
      const grid = document.getElementById('grid') as HTMLElement;
      const price = grid.shadowRoot?.querySelector('.price') as HTMLElement;
      return Number.parseFloat(getComputedStyle(price).lineHeight) || 22;
    });

    expect(cards).toHaveLength(20);
    expect(new Set(cards.map((card) => card.left)).size).toBe(1);
    for (const card of cards) expect(card.height).toBeLessThan(2 * lineHeight + 16);
    expect(cards.filter((card) => (card.bottom ?? 0) <= 844).length).toBeGreaterThanOrEqual(10);
    expect(after).not.toBe(before);
    await seedHistory(tab);
    await tab.waitForTimeout(100);
    await tab.screenshot({ path: join(artifacts, 'ticker-grid-narrow.png') });
    await tab.close();
  });
});
