import type { UnrecoveredReason } from '@market-stream/core';
import type { DropReason, FanoutMetricsSnapshot } from './FanoutMetrics.js';
import { FanoutMetrics } from './FanoutMetrics.js';
import type { FanoutMetricsReport } from './FanoutMetricsReport.js';
import { quantileOf } from './quantileOf.js';

/** Drops counted per source trade: every worker sees the same source, so they count once. */
const SOURCE_DROPS: ReadonlySet<DropReason> = new Set([
  'stale',
  'invalid_trade',
  'seq_gap',
  'symbol_limit',
]);

/**
 * One {@link FanoutMetrics} view over the worker processes of `serveFanout({ workers })`, built
 * from each worker's latest {@link FanoutMetricsReport}: connections, subscriptions, messages,
 * bytes, per-connection drops, client errors, the replay buffers' trades and bytes (each worker
 * keeps its own), recoveries and both histograms (by bucket) are summed; figures
 * of the shared source (`symbols`, the source-side drops `stale`, `invalid_trade`, `seq_gap`,
 * `symbol_limit`) are counted once (the largest worker's), and `tradesIn` is what the primary
 * read from the source. A worker that exits keeps its counters in the sums (so Prometheus
 * counters never go back) and drops out of the gauges. `workers` is the live count and
 * `workerRestarts` the restarts so far; a worker's figures are as fresh as its last report
 * (`WORKER_DEFAULTS.metricsIntervalMs`).
 *
 * @example
 * ```ts
 * import { MergedFanoutMetrics, serveFanout } from '@market-stream/fanout';
 *
 * const server = await serveFanout({ workers: 'auto', source: trades$ });
 * if (server.metrics instanceof MergedFanoutMetrics) console.log(server.metrics.byWorker());
 * console.log(server.metrics.snapshot().workers);
 * ```
 */
export class MergedFanoutMetrics extends FanoutMetrics {
  private readonly live = new Map<number, FanoutMetricsReport>();
  private retired: FanoutMetricsReport | undefined;
  private recentLatencyCounts: number[] = [];

  /**
   * Takes a worker's latest report in place of its previous one.
   *
   * @param workerId - The worker's id.
   * @param report - What its engine's `metrics.toReport()` returned.
   */
  update(workerId: number, report: FanoutMetricsReport): void {
    this.live.set(workerId, report);
    this.recompute();
  }

  /**
   * Forgets an exited worker's gauges and keeps its counters in the sums.
   *
   * @param workerId - The worker's id.
   */
  retire(workerId: number): void {
    const report = this.live.get(workerId);
    if (report === undefined) return;
    this.live.delete(workerId);
    this.retired = this.retired === undefined ? report : sumReports([this.retired, report]);
    this.recompute();
  }

  /**
   * Connections per live worker, as last reported.
   *
   * @returns One entry per worker that has reported.
   */
  byWorker(): Array<{ workerId: number; connections: number }> {
    return [...this.live].map(([workerId, report]) => ({
      workerId,
      connections: report.connections,
    }));
  }

  override snapshot(): FanoutMetricsSnapshot {
    const counts = this.recentLatencyCounts;
    const bounds = this.latency.bounds;
    return {
      ...super.snapshot(),
      latencyMs: {
        count: counts.reduce((sum, n) => sum + n, 0),
        p50: quantileOf(bounds, counts, 0.5),
        p99: quantileOf(bounds, counts, 0.99),
      },
    };
  }

  private recompute(): void {
    const live = [...this.live.values()];
    const counted = this.retired === undefined ? live : [this.retired, ...live];
    const sum = sumReports(counted);
    this.connections = sumOf(live, (r) => r.connections);
    this.subscriptions = sumOf(live, (r) => r.subscriptions);
    this.symbols = maxOf(live, (r) => r.symbols);
    this.flushIntervalMs = maxOf(live, (r) => r.flushIntervalMs);
    this.messagesOut = sum.messagesOut;
    this.bytesOut = sum.bytesOut;
    // Each worker keeps its own replay buffer: its memory adds up.
    this.replayTrades = sumOf(live, (r) => r.replayTrades);
    this.replayBytes = sumOf(live, (r) => r.replayBytes);
    this.recoveries = sum.recoveries;
    this.recoveredTrades = sum.recoveredTrades;
    for (const reason of Object.keys(this.unrecovered) as UnrecoveredReason[]) {
      this.unrecovered[reason] = sum.unrecovered[reason] ?? 0;
    }
    for (const reason of Object.keys(this.drops) as DropReason[]) {
      this.drops[reason] = SOURCE_DROPS.has(reason)
        ? maxOf(live, (r) => r.drops[reason])
        : (sum.drops[reason] ?? 0);
    }
    for (const code of Object.keys(this.errors))
      delete this.errors[code as keyof typeof this.errors];
    Object.assign(this.errors, sum.errors);
    this.flushDuration.reset();
    this.latency.reset();
    for (const report of counted) {
      this.flushDuration.add(report.flushDuration);
      this.latency.add(report.latency);
    }
    this.recentLatencyCounts = sumCounts(live.map((r) => r.recentLatency));
  }
}

function sumOf(reports: readonly FanoutMetricsReport[], pick: (r: FanoutMetricsReport) => number) {
  return reports.reduce((sum, report) => sum + pick(report), 0);
}

function maxOf(reports: readonly FanoutMetricsReport[], pick: (r: FanoutMetricsReport) => number) {
  return reports.reduce((max, report) => Math.max(max, pick(report)), 0);
}

function sumCounts(lists: readonly number[][]): number[] {
  const sum: number[] = [];
  for (const list of lists) {
    for (let i = 0; i < list.length; i++) sum[i] = (sum[i] ?? 0) + list[i]!;
  }
  return sum;
}

/** Field-by-field sum of reports (gauges included: callers pick what they need). */
function sumReports(reports: readonly FanoutMetricsReport[]): FanoutMetricsReport {
  const drops = {} as Record<DropReason, number>;
  const errors: Record<string, number> = {};
  const unrecovered = {} as Record<UnrecoveredReason, number>;
  for (const report of reports) {
    for (const [reason, n] of Object.entries(report.unrecovered)) {
      unrecovered[reason as UnrecoveredReason] =
        (unrecovered[reason as UnrecoveredReason] ?? 0) + n;
    }
    for (const [reason, n] of Object.entries(report.drops)) {
      drops[reason as DropReason] = (drops[reason as DropReason] ?? 0) + n;
    }
    for (const [code, n] of Object.entries(report.errors)) errors[code] = (errors[code] ?? 0) + n!;
  }
  const histogram = (pick: (r: FanoutMetricsReport) => { counts: number[]; sum: number }) => ({
    counts: sumCounts(reports.map((r) => pick(r).counts)),
    sum: sumOf(reports, (r) => pick(r).sum),
  });
  return {
    connections: sumOf(reports, (r) => r.connections),
    subscriptions: sumOf(reports, (r) => r.subscriptions),
    symbols: sumOf(reports, (r) => r.symbols),
    tradesIn: sumOf(reports, (r) => r.tradesIn),
    messagesOut: sumOf(reports, (r) => r.messagesOut),
    bytesOut: sumOf(reports, (r) => r.bytesOut),
    flushIntervalMs: maxOf(reports, (r) => r.flushIntervalMs),
    replayTrades: sumOf(reports, (r) => r.replayTrades),
    replayBytes: sumOf(reports, (r) => r.replayBytes),
    recoveries: sumOf(reports, (r) => r.recoveries),
    recoveredTrades: sumOf(reports, (r) => r.recoveredTrades),
    unrecovered,
    drops,
    errors,
    flushDuration: histogram((r) => r.flushDuration),
    latency: histogram((r) => r.latency),
    recentLatency: sumCounts(reports.map((r) => r.recentLatency)),
  };
}
