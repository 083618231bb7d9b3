import type { Bar, Trade } from '@market-stream/core';
import { DEFAULT_CHART } from '../defaults.js';
import { type BarUpdate, LiveBarBuilder } from './LiveBarBuilder.js';
import { type History, loadHistory } from './loadHistory.js';

/** What a session reports to its element: the whole list, or the newest bar. */
export interface SessionEvents {
  reset(bars: readonly Bar[]): void;
  update(bar: Bar, outcome: BarUpdate): void;
  failed(error: unknown): void;
}

/**
 * One symbol and interval of a chart: loads the history (closed bars, then the trades of the
 * open interval), then applies live trades. Trades that
 * arrive while the history loads wait in a buffer of at most `DEFAULT_CHART.maxPendingTrades`
 * (the oldest are dropped when it is full, counted in `late`) and are applied once it is seeded,
 * so a trade is neither lost to the load nor counted twice.
 */
export class ChartSession {
  readonly builder: LiveBarBuilder;
  private pending: Trade[] | undefined = [];
  private readonly abort = new AbortController();

  constructor(
    readonly symbol: string,
    interval: { name: string; ms: number },
    urls: { bars: string; trades: string },
    private readonly events: SessionEvents,
  ) {
    this.builder = new LiveBarBuilder(interval.ms);
    const query = {
      barsUrl: urls.bars,
      tradesUrl: urls.trades,
      symbol,
      interval,
      limit: DEFAULT_CHART.historyLimit,
    };
    loadHistory(query, this.abort.signal).then(
      (history) => this.seeded(history),
      (error: unknown) => {
        if (this.abort.signal.aborted) return;
        // Live bars still build without history.
        this.seeded({ bars: [], trades: [] });
        this.events.failed(error);
      },
    );
  }

  /** Applies a trade of any symbol (others are ignored). */
  push(trade: Trade): void {
    if (trade.symbol !== this.symbol || this.abort.signal.aborted) return;
    if (this.pending) {
      if (this.pending.push(trade) > DEFAULT_CHART.maxPendingTrades) {
        this.pending.shift();
        this.builder.late++;
      }
      return;
    }
    this.apply(trade);
  }

  close(): void {
    this.abort.abort();
  }

  private seeded(history: History): void {
    if (this.abort.signal.aborted) return;
    this.builder.seed(history.bars);
    const waiting = this.pending ?? [];
    this.pending = undefined;
    // The trades since the newest bar, then those that arrived meanwhile; the builder drops
    // the ones both lists hold, by seq.
    for (const trade of [...history.trades, ...waiting]) this.builder.add(trade);
    this.events.reset(this.builder.bars);
  }

  private apply(trade: Trade): void {
    const outcome = this.builder.add(trade);
    const last = this.builder.last();
    if ((outcome === 'updated' || outcome === 'opened') && last) this.events.update(last, outcome);
  }
}
