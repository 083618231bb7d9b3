import type { TickerGridElement } from '@market-stream/client/elements';

/**
 * Bars of this interval seed the sparklines: 60 points for 5 minutes, one request per symbol
 * (the history API's `5s` bars; the line's own resolution is 1 s).
 */
const SEED_INTERVAL = { name: '5s', ms: 5_000 } as const;

/** Requests in flight at once, so 200 tickers do not open 200 connections at load. */
const CONCURRENCY = 6;

interface SeedBar {
  end: number;
  close: number;
}

/**
 * Seeds each card's sparkline (`sparkline="N"` minutes on the grid) with the last N minutes of
 * `5s` bars from the history API: one bounded request per symbol, at most {@link CONCURRENCY} at
 * a time; live trades then extend the line. A symbol whose request fails keeps a live-only line.
 *
 * @returns when every request has settled.
 */
export async function seedSparklines(
  grid: TickerGridElement,
  symbols: readonly string[],
  historyUrl: string,
): Promise<void> {
  const minutes = Number(grid.getAttribute('sparkline'));
  if (!(minutes > 0)) return;
  const limit = Math.ceil((minutes * 60_000) / SEED_INTERVAL.ms);
  const queue = [...symbols];
  const worker = async (): Promise<void> => {
    for (let symbol = queue.shift(); symbol !== undefined; symbol = queue.shift()) {
      const bars = await readBars(historyUrl, symbol, limit);
      // A bar's close is its last trade, at most at the bar's end.
      grid.seedSparkline(
        symbol,
        bars
          .map((bar) => ({ time: bar.end - 1, price: bar.close }))
          .sort((a, b) => a.time - b.time),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
}

async function readBars(historyUrl: string, symbol: string, limit: number): Promise<SeedBar[]> {
  const query = new URLSearchParams({ symbol, interval: SEED_INTERVAL.name, limit: String(limit) });
  try {
    const response = await fetch(`${historyUrl}/bars?${query}`);
    if (!response.ok) return [];
    const bars = (await response.json()) as unknown;
    return Array.isArray(bars) ? (bars as SeedBar[]) : [];
  } catch {
    return [];
  }
}
