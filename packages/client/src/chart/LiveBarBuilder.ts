import {
  addTradeToBar,
  type Bar,
  closeBar,
  type OpenBar,
  openBar,
  type Trade,
} from '@market-stream/core';
import { DEFAULT_CHART } from '../defaults.js';

/**
 * What {@link LiveBarBuilder.add} did with a trade: `updated` the open bar, `opened` a new bar
 * (closing the previous one), or dropped it as a `duplicate` (its `seq` was already counted, or
 * its time is covered by the history seed) or as `late` (its interval is older than the open
 * bar's).
 *
 * @example
 * ```ts
 * import type { BarUpdate } from '@market-stream/client/chart';
 *
 * const counted = (outcome: BarUpdate) => outcome === 'updated' || outcome === 'opened';
 * ```
 */
export type BarUpdate = 'updated' | 'opened' | 'duplicate' | 'late';

/**
 * Builds one symbol's OHLCV bars live, in event time, with core's own bar arithmetic
 * (`openBar`, `addTradeToBar`, `closeBar`, what `toBars` uses): seeded with
 * closed bars from the history API, then fed that symbol's trades.
 *
 * Rules, in order, for each trade:
 * 1. **Duplicates.** A trade whose `seq` is at or below the highest `seq` counted is dropped
 *    (counted in `duplicates`): repeats, and trades recovered after a reconnect that were
 *    already counted. The history API's bars carry no `seq`, so the seed is joined by time
 *    instead: until the first live trade is counted, a trade whose `timestamp` is before the
 *    newest seeded bar's `end` is taken as already in the seed and dropped the same way.
 * 2. **Late trades.** A trade whose interval starts before the open bar's is dropped (counted
 *    in `late`); a bar older than the open one is never modified (charting libraries reject
 *    such updates).
 * 3. A trade in the open bar's interval updates it; one in a later interval closes it and opens
 *    a new bar. Intervals without trades get no bar (no empty bars are invented: the chart's
 *    time scale simply has no point there, as `toBars` and the history API have none).
 *
 * Memory: at most `maxBars` bars, the oldest dropped first when full.
 *
 * @example
 * ```ts
 * import { LiveBarBuilder } from '@market-stream/client/chart';
 *
 * const builder = new LiveBarBuilder(60_000);
 * builder.seed(await (await fetch('/api/bars?symbol=AAPL&interval=1m')).json());
 * client.trades$.subscribe((trade) => {
 *   if (trade.symbol === 'AAPL' && builder.add(trade) !== 'duplicate') draw(builder.last());
 * });
 * ```
 */
export class LiveBarBuilder {
  /** Trades dropped because their `seq` (or, before the first live trade, time) was counted. */
  duplicates = 0;
  /** Trades dropped because their interval is older than the open bar's. */
  late = 0;
  private readonly list: Bar[] = [];
  private open: OpenBar | undefined;
  private lastSeq = 0;
  private seedEnd = Number.NEGATIVE_INFINITY;

  /**
   * @param intervalMs - Bar length in ms, a positive number (e.g. `60_000`).
   * @param maxBars - Most bars kept; the oldest go first.
   * @default maxBars 5000 (`DEFAULT_CHART.maxBars`)
   */
  constructor(
    readonly intervalMs: number,
    readonly maxBars: number = DEFAULT_CHART.maxBars,
  ) {
    if (!(intervalMs > 0))
      throw new RangeError('LiveBarBuilder: intervalMs must be greater than 0');
    if (!(maxBars >= 1)) throw new RangeError('LiveBarBuilder: maxBars must be at least 1');
  }

  /** Every bar, oldest first; the last one is the open bar once a live trade arrived. */
  get bars(): readonly Bar[] {
    return this.list;
  }

  /** The newest bar, if any. */
  last(): Bar | undefined {
    return this.list.at(-1);
  }

  /**
   * Replaces every bar with closed bars from the history API (any order; newest first is what
   * the API answers). Bars of another interval length are ignored.
   *
   * @param bars - Closed bars of this builder's symbol.
   */
  seed(bars: readonly Bar[]): void {
    const sorted = bars
      .filter((bar) => bar.end - bar.start === this.intervalMs)
      .sort((a, b) => a.start - b.start)
      .filter((bar, index, all) => index === 0 || bar.start !== all[index - 1]?.start);
    this.list.length = 0;
    this.list.push(...sorted.slice(-this.maxBars));
    this.open = undefined;
    this.seedEnd = sorted.at(-1)?.end ?? Number.NEGATIVE_INFINITY;
  }

  /**
   * Counts one trade of this builder's symbol (see the class rules).
   *
   * @param trade - A trade of the symbol.
   * @returns What was done with it.
   */
  add(trade: Trade): BarUpdate {
    const open = this.open;
    if (trade.seq <= this.lastSeq || (open === undefined && trade.timestamp < this.seedEnd)) {
      this.duplicates++;
      return 'duplicate';
    }
    const start = Math.floor(trade.timestamp / this.intervalMs) * this.intervalMs;
    if (open !== undefined && start < open.start) {
      this.late++;
      return 'late';
    }
    this.lastSeq = trade.seq;
    if (open !== undefined && open.start === start) {
      addTradeToBar(open, trade);
      this.list[this.list.length - 1] = closeBar(open);
      return 'updated';
    }
    this.open = openBar(trade, start, this.intervalMs);
    this.list.push(closeBar(this.open));
    if (this.list.length > this.maxBars) this.list.shift();
    return 'opened';
  }
}
