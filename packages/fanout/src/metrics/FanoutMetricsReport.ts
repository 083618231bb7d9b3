import type { ErrorCode } from '@market-stream/core';
import type { DropReason } from './FanoutMetrics.js';
import type { HistogramData } from './Histogram.js';

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
export interface FanoutMetricsReport {
  /** Open connections. */
  connections: number;
  /** Sum over connections of their subscribed symbols. */
  subscriptions: number;
  /** Symbols the engine keeps a newest trade for. */
  symbols: number;
  /** Trades received from the source(s). */
  tradesIn: number;
  /** Messages reported sent. */
  messagesOut: number;
  /** Characters of messages reported sent. */
  bytesOut: number;
  /** The flush window in force. */
  flushIntervalMs: number;
  /** Drops by reason. */
  drops: Record<DropReason, number>;
  /** `error` messages sent, by code. */
  errors: Partial<Record<ErrorCode, number>>;
  /** Shard flush durations since the start. */
  flushDuration: HistogramData;
  /** Latencies since the start. */
  latency: HistogramData;
  /** Latency observations per bucket within the last `latencyWindowMs`. */
  recentLatency: number[];
}
