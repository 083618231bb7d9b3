import type { ErrorCode, UnrecoveredReason } from '@market-stream/core';
import { ENGINE_DEFAULTS } from '../defaults.js';
import type { FanoutMetricsFigures, FanoutMetricsReport } from './FanoutMetricsReport.js';
import { Histogram } from './Histogram.js';
import { WindowedHistogram } from './WindowedHistogram.js';

/**
 * Why something was not delivered, as counted in {@link FanoutMetrics}`.drops`:
 * - `conflated`: a trade superseded by a newer one of its symbol in `latest` mode (per connection);
 * - `stale`: a source trade whose `seq` is not above the newest seen for its symbol (a duplicate);
 * - `invalid_trade`: a source value that is not a valid trade;
 * - `seq_gap`: a source trade whose `seq` jumps more than `maxSeqGap` past its symbol's newest;
 * - `symbol_limit`: a trade of a new symbol while the engine keeps `maxSymbols` symbols, all
 *   of them subscribed;
 * - `slow_consumer`: a message queued for a connection closed for falling behind (1013);
 * - `send_failed`: a send the transport reported as failed;
 * - `gone`: a send to a connection the transport reported gone;
 * - `rate_limited`: a client message refused for exceeding the per-connection rate.
 *
 * @example
 * ```ts
 * import type { DropReason } from '@market-stream/fanout';
 *
 * const reason: DropReason = 'slow_consumer';
 * ```
 */
export type DropReason =
  | 'conflated'
  | 'stale'
  | 'invalid_trade'
  | 'seq_gap'
  | 'symbol_limit'
  | 'slow_consumer'
  | 'send_failed'
  | 'gone'
  | 'rate_limited';

/**
 * A point-in-time copy of {@link FanoutMetrics}, plain data for JSON (`/healthz`) and reports.
 *
 * @example
 * ```ts
 * import type { FanoutMetricsSnapshot } from '@market-stream/fanout';
 *
 * function healthy(m: FanoutMetricsSnapshot): boolean {
 *   return m.latencyMs.p99 < 250;
 * }
 * ```
 */
export interface FanoutMetricsSnapshot {
  /** Open connections. */
  connections: number;
  /** Sum over connections of their subscribed symbols. */
  subscriptions: number;
  /** Symbols the engine keeps a newest trade for (at most `maxSymbols`). */
  symbols: number;
  /** Trades received from the source(s). */
  tradesIn: number;
  /** Messages handed to the transport and reported sent. */
  messagesOut: number;
  /** Characters of those messages (UTF-8 bytes for the ASCII JSON the engine writes). */
  bytesOut: number;
  /** Trades and messages not delivered, by reason. */
  drops: Record<DropReason, number>;
  /** `error` messages sent to clients, by contract code. */
  errors: Partial<Record<ErrorCode, number>>;
  /** The flush window in force now (it widens under load). */
  flushIntervalMs: number;
  /** Trades the replay buffer holds now (summed over workers: each keeps its own). */
  replayTrades: number;
  /** Estimated heap those trades take, bytes (~220 per trade). */
  replayBytes: number;
  /** Subscribes with `since` answered (each with one `recovery` message). */
  recoveries: number;
  /** Trades sent by those answers. */
  recoveredTrades: number;
  /** Symbols of `since` not recovered, by reason. */
  unrecovered: Record<UnrecoveredReason, number>;
  /** Shard flushes so far and an estimate of their duration quantiles, in ms. */
  flushMs: { count: number; p50: number; p99: number };
  /**
   * Trade timestamp to send, per delivered trade and connection, over the last
   * `latencyWindowMs` (30 s by default): count and quantile estimates in ms (10 ms resolution
   * up to 250 ms).
   */
  latencyMs: { count: number; p50: number; p99: number };
  /** Processes holding connections: 1 for a single process, the live workers under `workers`. */
  workers: number;
  /** Workers restarted after they exited (always 0 for a single process). */
  workerRestarts: number;
}

/** 10 ms resolution up to 250 ms (where a ticker's latency budget lies), coarser past it. */
const LATENCY_BOUNDS_MS = [
  1,
  2,
  5,
  ...Array.from({ length: 25 }, (_, i) => (i + 1) * 10),
  300,
  400,
  500,
  750,
  1_000,
  2_500,
  5_000,
  10_000,
];
const FLUSH_BOUNDS_MS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250];

/**
 * Counters, gauges and histograms of one fan-out engine: connections, subscriptions, trades in,
 * messages and bytes out, drops by reason, errors by code, the replay buffer's size and
 * recoveries (answered, trades sent, symbols not recovered by reason), flush duration and
 * end-to-end latency (trade timestamp to send). Fixed memory; updated by the engine, read by anyone.
 *
 * @example
 * ```ts
 * import { createFanout } from '@market-stream/fanout';
 *
 * const fanout = createFanout({ transport });
 * setInterval(() => console.log(fanout.metrics.snapshot()), 10_000);
 * http.createServer((req, res) => res.end(fanout.metrics.toPrometheus()));
 * ```
 */
export class FanoutMetrics {
  /** Open connections. */
  connections = 0;
  /** Sum over connections of their subscribed symbols. */
  subscriptions = 0;
  /** Symbols the engine keeps a newest trade for (at most `maxSymbols`). */
  symbols = 0;
  /** Trades received from the source(s). */
  tradesIn = 0;
  /** Messages reported sent. */
  messagesOut = 0;
  /** Characters of messages reported sent. */
  bytesOut = 0;
  /** The flush window in force. */
  flushIntervalMs = 0;
  /** Processes holding connections: 1 here, the live workers in a {@link MergedFanoutMetrics}. */
  workers = 1;
  /** Workers restarted after they exited: 0 here, counted by a {@link MergedFanoutMetrics}. */
  workerRestarts = 0;
  /** Drops by reason. */
  readonly drops: Record<DropReason, number> = {
    conflated: 0,
    stale: 0,
    invalid_trade: 0,
    seq_gap: 0,
    symbol_limit: 0,
    slow_consumer: 0,
    send_failed: 0,
    gone: 0,
    rate_limited: 0,
  };
  /** `error` messages sent, by code. */
  readonly errors: Partial<Record<ErrorCode, number>> = {};
  /** Trades the replay buffer holds. */
  replayTrades = 0;
  /** Estimated heap of the replay buffer, bytes. */
  replayBytes = 0;
  /** Subscribes with `since` answered. */
  recoveries = 0;
  /** Trades sent by recoveries. */
  recoveredTrades = 0;
  /** Symbols of `since` not recovered, by reason. */
  readonly unrecovered: Record<UnrecoveredReason, number> = {
    EXPIRED: 0,
    TOO_MANY: 0,
    UNAVAILABLE: 0,
    LATEST: 0,
    AHEAD: 0,
  };
  /** Duration of each shard flush, ms. */
  readonly flushDuration = new Histogram(FLUSH_BOUNDS_MS);
  /**
   * Trade timestamp to send, ms, one observation per trade per receiving connection, since the
   * start (Prometheus); `snapshot()` reports the last `latencyWindowMs` only.
   */
  readonly latency = new Histogram(LATENCY_BOUNDS_MS);
  private readonly recentLatency: WindowedHistogram;

  /**
   * @param options - `now`: the clock latency is observed on (the engine passes its
   *   scheduler's); `latencyWindowMs`: how far back `snapshot().latencyMs` looks.
   */
  constructor(options: { now?: () => number; latencyWindowMs?: number } = {}) {
    this.recentLatency = new WindowedHistogram(LATENCY_BOUNDS_MS, {
      windowMs: options.latencyWindowMs ?? ENGINE_DEFAULTS.latencyWindowMs,
      slots: 6,
      now: options.now ?? Date.now,
    });
  }

  /**
   * Records one trade's latency, `receivers` times (once per connection it went to).
   *
   * @param ms - Trade timestamp to send.
   * @param receivers - Connections that received it.
   */
  observeLatency(ms: number, receivers: number): void {
    this.latency.observe(ms, receivers);
    this.recentLatency.observe(ms, receivers);
  }

  /**
   * Counts `count` drops for `reason`.
   *
   * @param reason - Why.
   * @param count - How many.
   * @default count 1
   */
  drop(reason: DropReason, count = 1): void {
    this.drops[reason] += count;
  }

  /**
   * Counts one `error` message sent with `code`.
   *
   * @param code - The contract code.
   */
  error(code: ErrorCode): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  /**
   * Counts one subscribe's recovery: the trades it sent and the symbols it could not recover.
   *
   * @param trades - Trades sent.
   * @param unrecovered - The reason of each symbol not recovered.
   */
  recovery(trades: number, unrecovered: readonly UnrecoveredReason[]): void {
    this.recoveries++;
    this.recoveredTrades += trades;
    for (const reason of unrecovered) this.unrecovered[reason]++;
  }

  /**
   * A plain-data copy of every figure.
   *
   * @returns The snapshot.
   */
  snapshot(): FanoutMetricsSnapshot {
    return {
      ...this.figures(),
      flushMs: {
        count: this.flushDuration.count,
        p50: this.flushDuration.quantile(0.5),
        p99: this.flushDuration.quantile(0.99),
      },
      latencyMs: (() => {
        const { count, values } = this.recentLatency.summary([0.5, 0.99]);
        return { count, p50: values[0]!, p99: values[1]! };
      })(),
      workers: this.workers,
      workerRestarts: this.workerRestarts,
    };
  }

  /**
   * Every figure as plain data, histograms by bucket, for a process that adds it up with
   * others' ({@link MergedFanoutMetrics}).
   *
   * @returns The report.
   */
  toReport(): FanoutMetricsReport {
    return {
      ...this.figures(),
      flushDuration: this.flushDuration.toData(),
      latency: this.latency.toData(),
      recentLatency: this.recentLatency.counts(),
    };
  }

  /** The counters and gauges, copied: what a snapshot and a report share. */
  private figures(): FanoutMetricsFigures {
    return {
      connections: this.connections,
      subscriptions: this.subscriptions,
      symbols: this.symbols,
      tradesIn: this.tradesIn,
      messagesOut: this.messagesOut,
      bytesOut: this.bytesOut,
      drops: { ...this.drops },
      errors: { ...this.errors },
      flushIntervalMs: this.flushIntervalMs,
      replayTrades: this.replayTrades,
      replayBytes: this.replayBytes,
      recoveries: this.recoveries,
      recoveredTrades: this.recoveredTrades,
      unrecovered: { ...this.unrecovered },
    };
  }

  /**
   * The Prometheus text exposition (format 0.0.4) of every figure, for a `/metrics` endpoint.
   *
   * @param prefix - Metric name prefix.
   * @default prefix 'market_stream_fanout'
   * @returns The exposition text, newline-terminated.
   */
  toPrometheus(prefix = 'market_stream_fanout'): string {
    const lines: string[] = [];
    const scalar = (name: string, type: 'counter' | 'gauge', help: string, value: number) => {
      lines.push(`# HELP ${prefix}_${name} ${help}`, `# TYPE ${prefix}_${name} ${type}`);
      lines.push(`${prefix}_${name} ${value}`);
    };
    scalar('connections', 'gauge', 'Open connections.', this.connections);
    scalar(
      'subscriptions',
      'gauge',
      'Subscribed symbols summed over connections.',
      this.subscriptions,
    );
    scalar('symbols', 'gauge', 'Symbols the engine keeps a newest trade for.', this.symbols);
    scalar('trades_in_total', 'counter', 'Trades received from the source.', this.tradesIn);
    scalar('messages_out_total', 'counter', 'Messages sent to clients.', this.messagesOut);
    scalar('bytes_out_total', 'counter', 'Bytes sent to clients.', this.bytesOut);
    scalar('flush_interval_ms', 'gauge', 'Flush window in force.', this.flushIntervalMs);
    scalar('workers', 'gauge', 'Processes holding connections.', this.workers);
    scalar('worker_restarts_total', 'counter', 'Worker processes restarted.', this.workerRestarts);
    scalar('replay_trades', 'gauge', 'Trades the replay buffer holds.', this.replayTrades);
    scalar('replay_bytes', 'gauge', 'Estimated heap of the replay buffer.', this.replayBytes);
    scalar('recoveries_total', 'counter', 'Subscribes with since answered.', this.recoveries);
    scalar(
      'recovered_trades_total',
      'counter',
      'Trades sent to recover subscribes with since.',
      this.recoveredTrades,
    );

    lines.push(`# HELP ${prefix}_drops_total Trades or messages not delivered, by reason.`);
    lines.push(`# TYPE ${prefix}_drops_total counter`);
    for (const [reason, value] of Object.entries(this.drops)) {
      lines.push(`${prefix}_drops_total{reason="${reason}"} ${value}`);
    }
    lines.push(`# HELP ${prefix}_client_errors_total Error messages sent to clients, by code.`);
    lines.push(`# TYPE ${prefix}_client_errors_total counter`);
    for (const [code, value] of Object.entries(this.errors)) {
      lines.push(`${prefix}_client_errors_total{code="${code}"} ${value}`);
    }
    lines.push(`# HELP ${prefix}_unrecovered_total Symbols of since not recovered, by reason.`);
    lines.push(`# TYPE ${prefix}_unrecovered_total counter`);
    for (const [reason, value] of Object.entries(this.unrecovered)) {
      lines.push(`${prefix}_unrecovered_total{reason="${reason}"} ${value}`);
    }

    const histogram = (name: string, help: string, h: Histogram) => {
      lines.push(`# HELP ${prefix}_${name} ${help}`, `# TYPE ${prefix}_${name} histogram`);
      for (const [bound, count] of h.buckets()) {
        const le = bound === Number.POSITIVE_INFINITY ? '+Inf' : String(bound);
        lines.push(`${prefix}_${name}_bucket{le="${le}"} ${count}`);
      }
      lines.push(`${prefix}_${name}_sum ${h.sum}`, `${prefix}_${name}_count ${h.count}`);
    };
    histogram('flush_duration_ms', 'Duration of one shard flush.', this.flushDuration);
    histogram('latency_ms', 'Trade timestamp to send, per trade and connection.', this.latency);
    return `${lines.join('\n')}\n`;
  }
}
