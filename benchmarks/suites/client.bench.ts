/**
 * Client rendering in Chromium: 200 tickers, each updating 10 times a second for 10 s, drawn by
 * `<ticker-grid>` (one shared requestAnimationFrame loop), by the grid with sparklines, and by a
 * countUp.js-style baseline (one requestAnimationFrame loop per number). `BENCH_QUICK=1` runs
 * 3 s once.
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

// esbuild is a dev dependency of the client package (it bundles the client's test page too).
const { build } = createRequire(join(root, 'packages/client/package.json'))('esbuild') as {
  build(options: Record<string, unknown>): Promise<{ outputFiles?: { text: string }[] }>;
};

interface Measured {
  p50: number;
  p95: number;
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
      ([m, count, rate, seconds]) =>
        (
          globalThis as unknown as {
            benchClient: { run(...args: unknown[]): Promise<FrameReport> };
          }
        ).benchClient.run(m, count, rate, seconds),
      [mode, TICKERS, RATE, SECONDS] as const,
    )) as FrameReport;
    const tasks = (await taskDuration()) - before;
    await page.close();
    const frames = report.frameWork.length;
    return {
      p50: percentile(report.frameWork, 50),
      p95: percentile(report.frameWork, 95),
      max: Math.max(...report.frameWork),
      // TaskDuration covers the run plus ~300 ms of setup, so this slightly overstates both.
      taskMsPerFrame: (tasks * 1000) / Math.max(1, frames),
      frames,
      dropped: report.droppedFrames,
      longTasks: report.longTasks,
      updates: report.updates,
    };
  };

  const results: Record<ClientBenchMode, Measured[]> = { shared: [], sparkline: [], baseline: [] };
  // Peers alternate within each repeat so that machine noise hits them alike.
  await repeat(
    RUNS,
    async () => {
      results.shared.push(await measure('shared'));
      results.sparkline.push(await measure('sparkline'));
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
  const theirs = summary(results.baseline);
  const row = (name: string, s: typeof ours) => [
    name,
    fmt(s.p50, 2),
    fmt(s.p95, 2),
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
    "- Baseline: countUp.js's approach written in the suite — every number owns a requestAnimationFrame loop restarted on each update, writing `innerHTML` every frame, with the same 150 ms ease and flash. `<ticker-grid>` draws more per update (change and % change since the first price, the pulse, shadow DOM cards), so task time is not a like-for-like comparison of the loop alone.",
    '',
    table(
      [
        'renderer',
        'rAF ms/frame p50',
        'rAF ms/frame p95',
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
        row('per-number rAF loops (countUp.js style)', theirs),
      ],
    ),
    '',
    `Shared loop vs baseline: rAF p95 ${ratio(ours.p95, theirs.p95, 2)}, main-thread task time per frame ${ratio(ours.task, theirs.task, 2)} (lower is better). Target: p95 under 4 ms per frame — ${ours.p95 < 4 ? 'met' : 'not met'} (${fmt(ours.p95, 2)} ms); with sparklines ${sparks.p95 < 4 ? 'met' : 'not met'} (${fmt(sparks.p95, 2)} ms, ${ratio(sparks.p95, theirs.p95, 2)} the baseline).`,
  ].join('\n');
  return { title: 'Client rendering: 200 animated tickers in Chromium', markdown };
});
