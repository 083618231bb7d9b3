import { bucketOf } from './bucketOf.js';

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
  private readonly counts: number[][];

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
    this.counts = Array.from({ length: options.slots }, () =>
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
      this.counts[slot]!.fill(0);
    }
    this.counts[slot]![bucketOf(this.bounds, value)]! += weight;
  }

  /** Observations within the window, and the upper bound of the bucket holding each quantile. */
  summary(quantiles: readonly number[]): { count: number; values: number[] } {
    const now = Math.floor(this.options.now() / this.slotMs);
    const merged = new Array<number>(this.bounds.length + 1).fill(0);
    let count = 0;
    for (let slot = 0; slot < this.options.slots; slot++) {
      if (now - this.periods[slot]! >= this.options.slots) continue;
      const counts = this.counts[slot]!;
      for (let i = 0; i < counts.length; i++) {
        merged[i]! += counts[i]!;
        count += counts[i]!;
      }
    }
    const values = quantiles.map((q) => {
      if (count === 0) return Number.NaN;
      const rank = Math.max(1, Math.ceil(q * count));
      let seen = 0;
      for (let i = 0; i < merged.length; i++) {
        seen += merged[i]!;
        if (seen >= rank)
          return i < this.bounds.length ? this.bounds[i]! : Number.POSITIVE_INFINITY;
      }
      return Number.POSITIVE_INFINITY;
    });
    return { count, values };
  }
}
