import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Bar, type Trade, toBars } from '@market-stream/core';
import { type FanoutServer, serveFanout } from '@market-stream/fanout';
import type { Browser, Page } from 'playwright-core';
import { from, lastValueFrom, ReplaySubject, Subject, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../../tests/helpers/chromium.js';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import type { TickerChartElement } from '../../src/chart.js';
import type { RecoveryReport, TickerClient } from '../../src/index.js';
import { type ChartHistoryServer, serveChartHistory } from '../helpers/chartHistoryServer.js';
import { type PageServer, servePage } from '../helpers/servePage.js';

const artifacts = join(dirname(fileURLToPath(import.meta.url)), '../../../../test-artifacts');
const MINUTE = 60_000;

/** What the chart page exposes on `globalThis.chartPage`. */
interface ChartPage {
  chart: TickerChartElement;
  client: TickerClient;
  reports: RecoveryReport[];
  statuses: string[];
  inject(trade: Trade): void;
}
declare const chartPage: ChartPage;

/** `count` AAPL trades from `seq`, `stepMs` apart from `start`, prices and sizes varying. */
function walk(seq: number, count: number, start: number, stepMs: number): Trade[] {
  return Array.from({ length: count }, (_, i) => {
    const n = seq + i;
    const price = Math.round((100 + (((n * 7) % 23) - 11) * 0.13) * 100) / 100;
    return tradeFactory({
      seq: n,
      price,
      size: 100 + ((n * 37) % 900),
      timestamp: start + i * stepMs,
    });
  });
}

const barsOf = (trades: Trade[], intervalMs = MINUTE): Promise<Bar[]> =>
  lastValueFrom(from(trades).pipe(toBars(intervalMs), toArray()));

const tradesIn = (bars: readonly Bar[]) => bars.reduce((sum, bar) => sum + bar.trades, 0);

/** Waits until the chart has counted `count` trades, then reads its bars and drop counts. */
async function chartAfter(tab: Page, count: number) {
  await tab.waitForFunction(
    (n) => chartPage.chart.bars.reduce((sum, bar) => sum + bar.trades, 0) === n,
    count,
    { timeout: 15_000 },
  );
  return tab.evaluate(() => ({ bars: chartPage.chart.bars, dropped: chartPage.chart.dropped }));
}

describe('<ticker-chart> in Chromium', () => {
  // An hour ago, on the minute: the history covers 30 minutes, live trades follow in event time.
  const T = Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE;
  const history = walk(1, 60, T, 30_000);
  const live = new Subject<Trade>();
  // What a restarted fan-out node reads again (as from Kinesis): recent trades, then live ones.
  const retained = new ReplaySubject<Trade>(5_000);
  live.subscribe(retained);
  const sent: Trade[] = [];
  const send = (trades: Trade[]) => {
    for (const trade of trades) {
      sent.push(trade);
      live.next(trade);
    }
  };
  /** Every distinct trade sent, the first of each seq: what a history store keeps (by symbol#seq). */
  const distinct = () => {
    const seen = new Set<number>();
    return sent.filter((trade) => !seen.has(trade.seq) && seen.add(trade.seq));
  };
  /** What core's toBars makes of them. */
  const expected = (intervalMs = MINUTE) => barsOf(distinct(), intervalMs);
  let fanout: FanoutServer;
  let historyApi: ChartHistoryServer;
  let page: PageServer;
  let browser: Browser;
  let tab: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // Closed bars only, as the history API answers: those that ended by T + 30 min.
    const closed = async (ms: number) =>
      (await barsOf(history, ms)).filter((bar) => bar.end <= T + 30 * MINUTE);
    const historyBars = new Map([
      ['1m', await closed(MINUTE)],
      ['5m', await closed(5 * MINUTE)],
    ]);
    historyApi = await serveChartHistory(
      (symbol, interval) => (symbol === 'AAPL' ? (historyBars.get(interval) ?? []) : []),
      (symbol) => (symbol === 'AAPL' ? distinct() : []),
    );
    fanout = await serveFanout({ port: 0, source: live, mode: 'all', flushIntervalMs: 25 });
    // The history's bars end at T + 30 min; five trades of the open bar follow before the page
    // loads (the trades route has them, the server's snapshot only the newest).
    send([...history, ...walk(61, 5, T + 30 * MINUTE + 5_000, 10_000)]);
    page = await servePage('chartPage.ts');
    browser = await launchChromium();
    tab = await browser.newPage({ viewport: { width: 1100, height: 520 } });
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    tab.on('console', (message) => {
      // Not errors of the page: the page server has no favicon, and Chromium logs each
      // reconnect attempt that finds the restarting server down. Any other console error counts.
      const favicon = message.location().url.endsWith('/favicon.ico');
      const reconnect = message.text().startsWith('WebSocket connection to');
      if (message.type() === 'error' && !favicon && !reconnect) pageErrors.push(message.text());
    });
    const query = new URLSearchParams({
      ws: fanout.url,
      symbol: 'AAPL',
      history: historyApi.url,
      trades: historyApi.tradesUrl,
    });
    await tab.goto(`${page.url}?${query}`);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await page?.close();
    await fanout?.close();
    await historyApi?.close();
  });

  it('draws the history and the open bar, then moves live: the open bar updated and new bars started', async () => {
    await tab.waitForFunction(() => chartPage.chart.ready, undefined, { timeout: 15_000 });
    const seeded = await tab.evaluate(() => chartPage.chart.bars);

    send(walk(66, 15, T + 30 * MINUTE + 55_000, 10_000));
    const moved = await chartAfter(tab, 80);

    expect(seeded).toEqual(await barsOf(sent.slice(0, 65)));
    expect(moved.bars).toEqual(await expected());
    expect(moved.bars).toHaveLength(34);
    expect(historyApi.requests[0]?.searchParams.get('interval')).toBe('1m');
    expect(historyApi.requests[1]?.searchParams.get('from')).toBe(String(T + 30 * MINUTE));
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('keeps its bars through an older seq, a duplicate and a trade of an older interval', async () => {
    const [older, repeated] = [sent[65] as Trade, sent[79] as Trade];
    const outOfInterval = tradeFactory({
      seq: 81,
      size: 77_777,
      timestamp: T + 30 * MINUTE + 1_000,
    });
    const next = walk(82, 1, T + 33 * MINUTE + 20_000, 0);

    send([{ ...older, price: 500, size: 99_999 }, repeated, outOfInterval, ...next]);
    const afterClient = await chartAfter(tab, 81);
    const direct = [{ ...older, size: 55_555 }, next[0] as Trade, { ...outOfInterval, seq: 83 }];
    await tab.evaluate((trades) => {
      for (const trade of trades) chartPage.inject(trade);
    }, direct);
    const afterInjected = await tab.evaluate(() => ({
      bars: chartPage.chart.bars,
      dropped: chartPage.chart.dropped,
    }));

    expect(afterClient.bars).toEqual(await expected());
    expect(afterClient.dropped.late).toBe(1);
    expect(afterInjected.bars).toEqual(afterClient.bars);
    expect(afterInjected.dropped.duplicates).toBe(afterClient.dropped.duplicates + 2);
    expect(afterInjected.dropped.late).toBe(2);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('does not double a bar across a server restart with recovery', async () => {
    const { port } = fanout;
    await fanout.close();
    await tab.waitForFunction(() => chartPage.statuses.at(-1) === 'reconnecting', undefined, {
      timeout: 10_000,
    });
    send(walk(83, 10, T + 33 * MINUTE + 30_000, 10_000)); // traded while the server was down
    fanout = await serveFanout({ port, source: retained, mode: 'all', flushIntervalMs: 25 });
    await tab.waitForFunction(() => chartPage.reports.length > 0, undefined, { timeout: 15_000 });
    send(walk(93, 5, T + 35 * MINUTE + 10_000, 10_000));
    const bars = await expected();
    const after = await chartAfter(tab, tradesIn(bars));
    const reports = await tab.evaluate(() => chartPage.reports);
    mkdirSync(artifacts, { recursive: true });
    await tab.screenshot({ path: join(artifacts, 'ticker-chart.png') });

    expect(reports[0]?.unrecovered).toEqual([]);
    expect(reports[0]?.total).toBeGreaterThan(0);
    expect(after.bars).toEqual(bars);
    expect(after.bars.map((bar) => bar.volume)).toEqual(bars.map((bar) => bar.volume));
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('reloads the history when the interval changes', async () => {
    await tab.evaluate(() => {
      chartPage.chart.interval = '5m';
    });
    await tab.waitForFunction(() => chartPage.chart.ready, undefined, { timeout: 15_000 });
    const bars = await tab.evaluate(() => chartPage.chart.bars);

    const [barsAsked, tradesAsked] = historyApi.requests.slice(-2);
    const newestEnd = Math.floor((T + 30 * MINUTE) / (5 * MINUTE)) * 5 * MINUTE;

    expect(barsAsked?.searchParams.get('interval')).toBe('5m');
    expect(tradesAsked?.searchParams.get('from')).toBe(String(newestEnd));
    // The closed 5-minute bars, then those the trades since the newest one make.
    expect(bars).toEqual(await expected(5 * MINUTE));
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
