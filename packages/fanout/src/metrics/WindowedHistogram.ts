import { bucketOf } from './bucketOf.js';
import { quantileOf } from './quantileOf.js';

/**
 * A histogram over the last `windowMs` only: the window is cut into `slots` equal slots, each
 * counted on its own and forgotten once it falls out, so a start-up transient stops weighing on
 * the quantiles after `windowMs`. Memory is fixed by the bounds and the slots. Internal to
 * `FanoutMetrics`.
 */
export class WindowedHistogram {
  private readonly slotMs: number;
  /** Per slot: the slot period it counts (`floor(now / slotMs)`), and counts per bucket. */
  private readonly periods: number[];
  private readonly slotCounts: number[][];

  /**
   * @param bounds - Bucket upper bounds, ascending; an implicit `+Inf` bucket follows.
   * @param options - `windowMs`: how far back it counts; `slots`: how finely it forgets;
   *   `now`: the clock, ms.
   */
  constructor(
    private readonly bounds: readonly number[],
    private readonly options: { windowMs: number; slots: number; now: () => number },
  ) {
    this.slotMs = options.windowMs / options.slots;
    this.periods = new Array<number>(options.slots).fill(Number.NEGATIVE_INFINITY);
    this.slotCounts = Array.from({ length: options.slots }, () =>
      new Array<number>(bounds.length + 1).fill(0),
    );
  }

  /** Records `value`, `weight` times, now. */
  observe(value: number, weight = 1): void {
    if (!(weight > 0) || !Number.isFinite(value)) return;
    const period = Math.floor(this.options.now() / this.slotMs);
    const slot = ((period % this.options.slots) + this.options.slots) % this.options.slots;
    if (this.periods[slot] !== period) {
      this.periods[slot] = period;
      this.slotCounts[slot]!.fill(0);
    }
    this.slotCounts[slot]![bucketOf(this.bounds, value)]! += weight;
  }

  /** Observations within the window, and the upper bound of the bucket holding each quantile. */
  summary(quantiles: readonly number[]): { count: number; values: number[] } {
    const merged = this.counts();
    const count = merged.reduce((sum, n) => sum + n, 0);
    return { count, values: quantiles.map((q) => quantileOf(this.bounds, merged, q)) };
  }

  /** Observations per bucket within the window (`+Inf` last), summed over its slots. */
  counts(): number[] {
    const now = Math.floor(this.options.now() / this.slotMs);
    const merged = new Array<number>(this.bounds.length + 1).fill(0);
    for (let slot = 0; slot < this.options.slots; slot++) {
      if (now - this.periods[slot]! >= this.options.slots) continue;
      const counts = this.slotCounts[slot]!;
      for (let i = 0; i < counts.length; i++) merged[i]! += counts[i]!;
    }
    return merged;
  }
}
