/**
 * Client rendering in Chromium: 200 tickers, each updating 10 times a second for 10 s, drawn by
 * `<ticker-grid>` (one shared requestAnimationFrame loop), by the grid with sparklines, by the
 * grid with sparklines and one `<ticker-chart>` open, and by a countUp.js-style baseline (one
 * requestAnimationFrame loop per number). `BENCH_QUICK=1` runs 3 s once.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../tests/helpers/chromium.js';
import type { ClientBenchMode, FrameReport } from '../lib/browserClientPage.js';
import { fmt, median, percentile, ratio, repeat, table } from '../lib/stats.js';
import { runSuite } from '../lib/suite.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const quick = process.env.BENCH_QUICK === '1';
const TICKERS = Number(process.env.BENCH_CLIENT_TICKERS ?? 200);
const RATE = 10;
const SECONDS = quick ? 3 : 10;
const RUNS = quick ? 1 : 3;
/** Where the chart's history requests go; `page.route` answers them. */
const BENCH_HISTORY_ORIGIN = 'http://bench.invalid';

// esbuild is a dev dependency of the client package (it bundles the client's test page too).
const { build } = createRequire(join(root, 'packages/client/package.json'))('esbuild') as {
  build(options: Record<string, unknown>): Promise<{ outputFiles?: { text: string }[] }>;
};

/** 300 closed 1-minute bars of T000 ending at the current minute, newest first (as the API). */
function historyBars() {
  const minute = 60_000;
  const end = Math.floor(Date.now() / minute) * minute;
  return Array.from({ length: 300 }, (_, i) => {
    const start = end - (i + 1) * minute;
    const open = 20 + Math.sin(i / 9);
    const close = open + 0.05 * Math.cos(i / 4);
    return {
      symbol: 'T000',
      start,
      end: start + minute,
      open,
      high: Math.max(open, close) + 0.03,
      low: Math.min(open, close) - 0.03,
      close,
      volume: 6_000,
      vwap: (open + close) / 2,
      trades: 60,
    };
  });
}

interface Measured {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  taskMsPerFrame: number;
  frames: number;
  dropped: number;
  longTasks: number;
  updates: number;
}

runSuite(async () => {
  const bundle = await build({
    entryPoints: [join(here, '../lib/browserClientPage.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles?.[0]?.text ?? '';
  const browser = await launchChromium();

  const measure = async (mode: ClientBenchMode): Promise<Measured> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // The chart's history: 300 closed 1-minute bars of the first ticker, no open-bar trades.
    await page.route(`${BENCH_HISTORY_ORIGIN}/api/**`, (route) =>
      route.fulfill({
        contentType: 'application/json',
        headers: { 'access-control-allow-origin': '*' },
        body: JSON.stringify(route.request().url().includes('/api/bars') ? historyBars() : []),
      }),
    );
    await page.setContent(
      '<!doctype html><html><body style="margin:0;background:#0b0e14;color:#e6edf3;font-family:system-ui"></body></html>',
    );
    await page.addScriptTag({ content: script, type: 'module' });
    await page.waitForFunction(() => 'benchClient' in globalThis);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskDuration = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0;
    };
    const before = await taskDuration();
    const report = (await page.evaluate(
      ([m, count, rate, seconds, origin]) =>
        (
          globalThis as unknown as {
            benchClient: { run(...args: unknown[]): Promise<FrameReport> };
          }
        ).benchClient.run(m, count, rate, seconds, origin),
      [mode, TICKERS, RATE, SECONDS, BENCH_HISTORY_ORIGIN] as const,
    )) as FrameReport;
    const tasks = (await taskDuration()) - before;
    await page.close();
    const frames = report.frameWork.length;
    return {
      p50: percentile(report.frameWork, 50),
      p95: percentile(report.frameWork, 95),
      p99: percentile(report.frameWork, 99),
      max: Math.max(...report.frameWork),
      // TaskDuration covers the run plus ~300 ms of setup, so this slightly overstates both.
      taskMsPerFrame: (tasks * 1000) / Math.max(1, frames),
      frames,
      dropped: report.droppedFrames,
      longTasks: report.longTasks,
      updates: report.updates,
    };
  };

  const results: Record<ClientBenchMode, Measured[]> = {
    shared: [],
    sparkline: [],
    chart: [],
    baseline: [],
  };
  // Peers alternate within each repeat so that machine noise hits them alike.
  await repeat(
    RUNS,
    async () => {
      results.shared.push(await measure('shared'));
      results.sparkline.push(await measure('sparkline'));
      results.chart.push(await measure('chart'));
      results.baseline.push(await measure('baseline'));
    },
    { warmup: quick ? 0 : 1 },
  );
  await browser.close();

  const summary = (runs: Measured[]) => {
    const pick = (key: keyof Measured) => median(runs.map((run) => run[key]));
    return {
      p50: pick('p50'),
      p95: pick('p95'),
      p99: pick('p99'),
      max: pick('max'),
      task: pick('taskMsPerFrame'),
      frames: pick('frames'),
      dropped: pick('dropped'),
      longTasks: pick('longTasks'),
      updates: pick('updates'),
    };
  };
  const ours = summary(results.shared);
  const sparks = summary(results.sparkline);
  const chart = summary(results.chart);
  const theirs = summary(results.baseline);
  const row = (name: string, s: typeof ours) => [
    name,
    fmt(s.p50, 2),
    fmt(s.p95, 2),
    fmt(s.p99, 2),
    fmt(s.max, 1),
    fmt(s.task, 2),
    fmt(s.frames),
    fmt(s.dropped),
    fmt(s.longTasks),
    fmt(s.updates),
  ];

  const markdown = [
    `${TICKERS} tickers, each updating ${RATE}×/s for ${SECONDS} s (updates spread evenly, every 10 ms), in Debian's Chromium (headless, no GPU), 1280×900. Medians of ${RUNS} run(s) per peer, alternating.`,
    '',
    '- **rAF ms/frame**: time spent in requestAnimationFrame callbacks per frame, measured with `performance.now()` around every callback (callbacks of one frame added up).',
    '- **task ms/frame**: all main-thread task time (script, style, layout, paint; CDP `Performance.getMetrics` TaskDuration) divided by frames.',
    '- **dropped**: display frames skipped (gaps between frames beyond one 60 Hz interval); **long tasks**: PerformanceObserver `longtask` entries.',
    '- **chart**: `<ticker-chart>` redraws a live bar at most twice a second (`DEFAULT_CHART.redrawMs`); each redraw is ~4 ms of lightweight-charts work whatever the bar count (0–300) or canvas size (measured), so its frames (~3 % of them) show in p99 and max, not p95.',
    "- Baseline: countUp.js's approach written in the suite — every number owns a requestAnimationFrame loop restarted on each update, writing `innerHTML` every frame, with the same 150 ms ease and flash. `<ticker-grid>` draws more per update (change and % change since the first price, the pulse, shadow DOM cards), so task time is not a like-for-like comparison of the loop alone.",
    '',
    table(
      [
        'renderer',
        'rAF ms/frame p50',
        'rAF ms/frame p95',
        'p99',
        'max',
        'task ms/frame',
        'frames',
        'dropped',
        'long tasks',
        'updates',
      ],
      [
        row('`<ticker-grid>` (one shared loop)', ours),
        row('grid with sparklines (`sparkline="5"`, 300 points each)', sparks),
        row('grid with sparklines and one `<ticker-chart>` open (1m candles)', chart),
        row('per-number rAF loops (countUp.js style)', theirs),
      ],
    ),
    '',
    `Shared loop vs baseline: rAF p95 ${ratio(ours.p95, theirs.p95, 2)}, main-thread task time per frame ${ratio(ours.task, theirs.task, 2)} (lower is better). Target: p95 under 4 ms per frame — ${ours.p95 < 4 ? 'met' : 'not met'} (${fmt(ours.p95, 2)} ms); with sparklines ${sparks.p95 < 4 ? 'met' : 'not met'} (${fmt(sparks.p95, 2)} ms, ${ratio(sparks.p95, theirs.p95, 2)} the baseline); with sparklines and a chart open ${chart.p95 < 4 ? 'met' : 'not met'} (${fmt(chart.p95, 2)} ms, ${fmt(chart.dropped)} dropped frames against ${fmt(theirs.dropped)} for the baseline).`,
  ].join('\n');
  return { title: 'Client rendering: 200 animated tickers in Chromium', markdown };
});
