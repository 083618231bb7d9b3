import type { FanoutMetricsSnapshot } from './FanoutMetrics.js';
import type { HistogramData } from './Histogram.js';

/**
 * The counters and gauges of a {@link FanoutMetrics}, what its snapshot and its report share.
 *
 * @example
 * ```ts
 * import type { FanoutMetricsFigures } from '@market-stream/fanout';
 *
 * const busy = (figures: FanoutMetricsFigures) => figures.messagesOut > 1_000_000;
 * ```
 */
export type FanoutMetricsFigures = Pick<
  FanoutMetricsSnapshot,
  | 'connections'
  | 'subscriptions'
  | 'symbols'
  | 'tradesIn'
  | 'messagesOut'
  | 'bytesOut'
  | 'drops'
  | 'errors'
  | 'flushIntervalMs'
  | 'replayTrades'
  | 'replayBytes'
  | 'recoveries'
  | 'recoveredTrades'
  | 'unrecovered'
>;

/**
 * Every figure of one {@link FanoutMetrics} as plain data (`FanoutMetrics.toReport()`): what a
 * `serveFanout({ workers })` worker process sends its primary, which adds the reports of its
 * workers up into one {@link MergedFanoutMetrics}.
 *
 * @example
 * ```ts
 * import { FanoutMetrics, type FanoutMetricsReport } from '@market-stream/fanout';
 *
 * const report: FanoutMetricsReport = new FanoutMetrics().toReport();
 * report.latency.counts.length; // one per latency bucket, +Inf last
 * ```
 */
export interface FanoutMetricsReport extends FanoutMetricsFigures {
  /** Shard flush durations since the start. */
  flushDuration: HistogramData;
  /** Latencies since the start. */
  latency: HistogramData;
  /** Latency observations per bucket within the last `latencyWindowMs`. */
  recentLatency: number[];
}
