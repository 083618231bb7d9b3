/**
 * The page of the client benchmark, bundled by esbuild and run in Chromium. It renders N
 * tickers either with `<ticker-grid>` (one shared requestAnimationFrame loop; mode `sparkline`
 * adds `sparkline="5"`, each card's line seeded with 5 minutes of 1-second points) or with a
 * countUp.js-style baseline (every number animated by its own requestAnimationFrame loop); mode
 * `chart` is the sparkline grid with one `<ticker-chart>` (1-minute candles of the first ticker,
 * history from the suite's routed `/api/bars`) open in its detail slot. It feeds
 * both the same updates, and measures per-frame main-thread time of the rAF callbacks, dropped
 * frames and long tasks.
 */

import { defineTickerChart, type TickerChartElement } from '@market-stream/client/chart';
import { defineTickerElements, type TickerGridElement } from '@market-stream/client/elements';
import type { Trade } from '@market-stream/core';

/** What one run measured, per frame. */
export interface FrameReport {
  /** rAF callback time of each frame, ms (0 for frames with nothing to animate). */
  frameWork: number[];
  /** Frames the display skipped (gaps between frames above one frame interval). */
  droppedFrames: number;
  /** Long tasks (≥ 50 ms) seen by PerformanceObserver. */
  longTasks: number;
  /** Updates delivered. */
  updates: number;
}

// Every rAF callback is timed; callbacks of one frame share its timestamp, so work adds up per frame.
const work = new Map<number, number>();
const nativeRaf = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (callback) =>
  nativeRaf((now) => {
    const started = performance.now();
    try {
      callback(now);
    } finally {
      work.set(now, (work.get(now) ?? 0) + performance.now() - started);
    }
  });

let longTasks = 0;
new PerformanceObserver((list) => {
  longTasks += list.getEntries().length;
}).observe({ type: 'longtask', buffered: false });

const format = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** countUp.js's approach: each number owns a rAF loop; `update()` cancels and restarts it. */
class CountUpBaseline {
  private raf = 0;
  private start = 0;
  private from: number;
  private to: number;
  private current: number;
  private flash: HTMLElement | undefined;

  constructor(
    private readonly el: HTMLElement,
    private readonly up: HTMLElement,
    private readonly down: HTMLElement,
    value: number,
  ) {
    this.from = this.to = this.current = value;
    this.el.innerHTML = format.format(value);
  }

  update(value: number): void {
    cancelAnimationFrame(this.raf);
    if (this.flash) this.flash.style.opacity = '0';
    this.flash = value > this.to ? this.up : value < this.to ? this.down : undefined;
    this.from = this.current;
    this.to = value;
    this.start = 0;
    this.raf = requestAnimationFrame(this.count);
  }

  private readonly count = (now: number): void => {
    if (!this.start) this.start = now;
    const progress = now - this.start;
    const t = Math.min(1, progress / 150);
    this.current = this.from + (this.to - this.from) * (1 - (1 - t) ** 3);
    this.el.innerHTML = format.format(this.current);
    const f = Math.min(1, progress / 500);
    if (this.flash) this.flash.style.opacity = (0.24 * (1 - f) ** 2).toFixed(3);
    if (f < 1) this.raf = requestAnimationFrame(this.count);
  };
}

const baselineCss = `
  .bgrid { display: grid; grid-template-columns: repeat(auto-fill, minmax(168px, 1fr)); gap: 12px; padding: 12px; }
  .bcell { position: relative; overflow: hidden; padding: 14px 16px; border: 1px solid #1f2733; border-radius: 12px; background: #121821; font-variant-numeric: tabular-nums; }
  .bprice { display: block; font-size: 26px; font-weight: 600; }
  .bflash { position: absolute; inset: 0; opacity: 0; }
  .bflash.up { background: #2fbf71; } .bflash.down { background: #f0524d; }
`;

/** Gives every sparkline a full window: 300 one-second points of a walk ending at its price. */
function seed(grid: TickerGridElement, symbols: string[], prices: number[]): void {
  const now = Date.now();
  symbols.forEach((symbol, i) => {
    const points = Array.from({ length: 300 }, (_, s) => ({
      time: now - (300 - s) * 1000,
      price: (prices[i] as number) * (1 + 0.01 * Math.sin((s + i) / 17)),
    }));
    grid.seedSparkline(symbol, points);
  });
}

function symbolsOf(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `T${String(i).padStart(3, '0')}`);
}

/** The renderers the suite compares. */
export type ClientBenchMode = 'shared' | 'sparkline' | 'chart' | 'baseline';

/** Opens a chart of `symbol` in the grid's detail slot, as the full-stack page does on select. */
async function openChart(
  grid: TickerGridElement,
  symbol: string,
  trades$: TickerChartElement['client'],
  historyOrigin: string,
): Promise<void> {
  defineTickerChart();
  const chart = document.createElement('ticker-chart') as TickerChartElement;
  chart.slot = 'detail';
  chart.symbol = symbol;
  chart.interval = '1m';
  chart.historyUrl = `${historyOrigin}/api/bars`;
  chart.tradesUrl = `${historyOrigin}/api/trades`;
  chart.client = trades$;
  grid.selectedSymbol = symbol;
  grid.append(chart);
  const deadline = performance.now() + 5_000;
  while (!chart.ready && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Renders `count` tickers with `mode`, updates each `rate` times a second for `seconds`; a
 * chart reads its history from `historyOrigin` (routed by the suite).
 */
async function run(
  mode: ClientBenchMode,
  count: number,
  rate: number,
  seconds: number,
  historyOrigin: string,
): Promise<FrameReport> {
  const symbols = symbolsOf(count);
  const prices = symbols.map((_, i) => 20 + i);
  const seqs = symbols.map(() => 0);
  let deliver: (trade: Trade) => void;

  if (mode !== 'baseline') {
    defineTickerElements();
    const listeners = new Set<(trade: Trade) => void>();
    const grid = document.createElement('ticker-grid') as TickerGridElement;
    if (mode !== 'shared') grid.setAttribute('sparkline', '5');
    grid.symbols = symbols;
    const source = {
      trades$: {
        subscribe(observer: Partial<{ next(trade: Trade): void }>) {
          const next = (trade: Trade) => observer.next?.(trade);
          listeners.add(next);
          return { unsubscribe: () => listeners.delete(next) };
        },
      },
    };
    grid.client = source;
    document.body.append(grid);
    if (mode !== 'shared') seed(grid, symbols, prices);
    if (mode === 'chart') await openChart(grid, symbols[0] as string, source, historyOrigin);
    deliver = (trade) => {
      for (const listener of listeners) listener(trade);
    };
  } else {
    const style = document.createElement('style');
    style.textContent = baselineCss;
    const grid = document.createElement('div');
    grid.className = 'bgrid';
    const counters = symbols.map((symbol, i) => {
      const cell = document.createElement('div');
      cell.className = 'bcell';
      cell.innerHTML = `<div class="bflash up"></div><div class="bflash down"></div><div>${symbol}</div><span class="bprice"></span>`;
      grid.append(cell);
      return new CountUpBaseline(
        cell.querySelector('.bprice') as HTMLElement,
        cell.querySelector('.bflash.up') as HTMLElement,
        cell.querySelector('.bflash.down') as HTMLElement,
        prices[i] as number,
      );
    });
    document.head.append(style);
    document.body.append(grid);
    deliver = (trade) => counters[symbols.indexOf(trade.symbol)]?.update(trade.price);
  }

  // Let the first render settle, then measure.
  await new Promise((resolve) => setTimeout(resolve, 300));
  work.clear();
  longTasks = 0;
  const frames: number[] = [];
  let measuring = true;
  const counter = (now: number) => {
    frames.push(now);
    if (measuring) nativeRaf(counter);
  };
  nativeRaf(counter);

  // Updates are spread evenly: every 10 ms a tenth-of-a-period's share of the symbols ticks.
  const slots = Math.max(1, Math.round(1000 / rate / 10));
  let tick = 0;
  let updates = 0;
  const timer = setInterval(() => {
    for (let i = tick % slots; i < count; i += slots) {
      const step = ((i * 7 + tick) % 5) - 2 || 1;
      prices[i] = Math.max(1, Math.round(((prices[i] as number) + step * 0.03) * 100) / 100);
      seqs[i] = (seqs[i] as number) + 1;
      deliver({
        symbol: symbols[i] as string,
        price: prices[i] as number,
        size: 100,
        bid: (prices[i] as number) - 0.01,
        ask: (prices[i] as number) + 0.01,
        timestamp: Date.now(),
        seq: seqs[i] as number,
      });
      updates++;
    }
    tick++;
  }, 10);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  clearInterval(timer);
  measuring = false;

  const frameWork = frames.map((frame) => work.get(frame) ?? 0);
  const interval = 1000 / 60;
  let droppedFrames = 0;
  for (let i = 1; i < frames.length; i++) {
    droppedFrames += Math.max(
      0,
      Math.round(((frames[i] as number) - (frames[i - 1] as number)) / interval) - 1,
    );
  }
  return { frameWork, droppedFrames, longTasks, updates };
}

Object.assign(globalThis, { benchClient: { run } });
