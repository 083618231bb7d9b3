import { bucketOf } from './bucketOf.js';
import { quantileOf } from './quantileOf.js';

/**
 * A {@link Histogram}'s state as plain data: observations per bucket (not cumulative, `+Inf`
 * last) and their sum, what a worker process reports and a merged view adds up.
 *
 * @example
 * ```ts
 * import { Histogram, type HistogramData } from '@market-stream/fanout';
 *
 * const data: HistogramData = new Histogram([5, 10]).toData(); // { counts: [0, 0, 0], sum: 0 }
 * ```
 */
export interface HistogramData {
  /** Observations per bucket, one more entry than bounds (`+Inf` last). */
  counts: number[];
  /** Sum of every observation. */
  sum: number;
}

/**
 * A cumulative histogram over fixed bucket bounds, in the shape Prometheus exposes: counts per
 * upper bound, a sum and a count. Memory is fixed by the bounds; observing is O(buckets).
 *
 * @example
 * ```ts
 * import { Histogram } from '@market-stream/fanout';
 *
 * const latency = new Histogram([5, 10, 50, 100]);
 * latency.observe(7);
 * latency.quantile(0.5); // 10 (the upper bound of the bucket holding the median)
 * ```
 */
export class Histogram {
  /** Upper bounds, ascending; an implicit `+Inf` bucket follows the last. */
  readonly bounds: readonly number[];
  private readonly counts: number[];
  private total = 0;
  private sumOfValues = 0;

  /**
   * @param bounds - Bucket upper bounds, ascending.
   */
  constructor(bounds: readonly number[]) {
    this.bounds = [...bounds].sort((a, b) => a - b);
    this.counts = new Array<number>(this.bounds.length + 1).fill(0);
  }

  /**
   * Records `value`, `weight` times (for example once per connection that received a trade).
   *
   * @param value - The observation.
   * @param weight - How many observations of that value.
   * @default weight 1
   */
  observe(value: number, weight = 1): void {
    if (!(weight > 0) || !Number.isFinite(value)) return;
    this.counts[bucketOf(this.bounds, value)]! += weight;
    this.total += weight;
    this.sumOfValues += value * weight;
  }

  /** Observations so far. */
  get count(): number {
    return this.total;
  }

  /** Sum of every observation. */
  get sum(): number {
    return this.sumOfValues;
  }

  /**
   * An upper estimate of the `q` quantile: the upper bound of the bucket that holds it
   * (`Infinity` when it lies past the last bound, `NaN` before any observation).
   *
   * @param q - The quantile, 0…1.
   * @returns The bucket bound.
   */
  quantile(q: number): number {
    return quantileOf(this.bounds, this.counts, q);
  }

  /**
   * Cumulative counts per bound, `+Inf` last, as Prometheus' `le` buckets.
   *
   * @returns `[upperBound, cumulativeCount]` pairs.
   */
  buckets(): Array<[number, number]> {
    let cumulative = 0;
    return this.counts.map((count, i) => {
      cumulative += count;
      return [i < this.bounds.length ? this.bounds[i]! : Number.POSITIVE_INFINITY, cumulative];
    });
  }

  /**
   * This histogram's state as plain data, to send to another process or {@link Histogram.add}.
   *
   * @returns A copy of the per-bucket counts and the sum.
   */
  toData(): HistogramData {
    return { counts: [...this.counts], sum: this.sumOfValues };
  }

  /**
   * Adds the observations of another histogram over the same bounds (a merged view over
   * several processes). Data over other bounds is ignored.
   *
   * @param data - What {@link Histogram.toData} returned.
   */
  add(data: HistogramData): void {
    if (data.counts.length !== this.counts.length) return;
    for (let i = 0; i < this.counts.length; i++) {
      const count = data.counts[i]!;
      this.counts[i]! += count;
      this.total += count;
    }
    this.sumOfValues += data.sum;
  }

  /** Forgets every observation. */
  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.sumOfValues = 0;
  }
}
