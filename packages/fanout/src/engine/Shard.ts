import type { Trade } from '@market-stream/core';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { FanoutMetrics } from '../metrics/FanoutMetrics.js';
import type { DeliveryMode } from '../types.js';
import { buildDeliveries } from './buildDeliveries.js';
import type { Connection } from './Connection.js';
import type { WindowGovernor } from './WindowGovernor.js';

/** What every shard of one engine shares. */
export interface ShardContext {
  readonly scheduler: SchedulerLike;
  /** Sizes the window every shard flushes on. */
  readonly governor: WindowGovernor;
  readonly metrics: FanoutMetrics;
  /** Delivery mode of connections without their own. */
  readonly mode: DeliveryMode;
  readonly maxPendingTrades: number;
}

/**
 * One shard of the engine: its connections, how many of them hold each symbol, the trades
 * waiting for its next flush, its timer and the flush itself. Internal.
 */
export class Shard {
  private readonly connections = new Map<string, Connection>();
  /** Subscribers per symbol, by mode, so trades nobody here wants are never buffered. */
  private readonly subscribers = new Map<string, { all: number; latest: number }>();
  /** Trades since the last flush, arrival order (bounded by `maxPendingTrades`). */
  private pending: Trade[] = [];
  /** Connections the next flush treats one by one (snapshot floors, queues, backlogs). */
  private readonly special = new Set<Connection>();
  private timer: Subscription | undefined;
  /** When the shard last flushed, in scheduler time. */
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private closed = false;

  constructor(
    readonly index: number,
    private readonly context: ShardContext,
  ) {}

  add(connection: Connection): void {
    this.connections.set(connection.id, connection);
  }

  /** Forgets a connection and its subscriptions. */
  remove(connection: Connection): void {
    this.connections.delete(connection.id);
    this.special.delete(connection);
    this.count(connection.symbols, connection, -1);
  }

  /** Counts a connection's subscribers of `symbols` in (`1`) or out (`-1`). */
  count(symbols: readonly string[], connection: Connection, delta: 1 | -1): void {
    for (const symbol of symbols) {
      let counts = this.subscribers.get(symbol);
      if (counts === undefined) {
        counts = { all: 0, latest: 0 };
        this.subscribers.set(symbol, counts);
      }
      counts[connection.mode] += delta;
      if (counts.all <= 0 && counts.latest <= 0) this.subscribers.delete(symbol);
    }
  }

  /** Takes a source trade for the next window, if a connection here holds its symbol. */
  offer(trade: Trade): void {
    if (!this.subscribers.has(trade.symbol)) return;
    this.pending.push(trade);
    if (this.pending.length >= this.context.maxPendingTrades) this.flush();
    else this.arm();
  }

  /** Something waits for `connection`: the next flush treats it on its own. */
  markWaiting(connection: Connection): void {
    this.special.add(connection);
    this.arm();
  }

  /** Delivers the window: one shared message per group of connections, specials one by one. */
  flush(): void {
    const { scheduler, governor, metrics, mode } = this.context;
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.lastFlushAt = scheduler.now();
    const started = governor.start();
    const trades = this.pending;
    this.pending = [];

    const special = this.special.size > 0 ? [...this.special] : [];
    this.special.clear();
    if (trades.length > 0) {
      const skip = new Set(special);
      const regular =
        special.length === 0
          ? this.connections.values()
          : [...this.connections.values()].filter((c) => !skip.has(c));
      for (const { payload, connectionIds } of buildDeliveries(trades, regular, mode)) {
        for (const id of connectionIds) this.connections.get(id)?.deliverTrades(payload, trades);
      }
    }
    for (const connection of special) {
      connection.takeWindow(trades);
      if (connection.special && !connection.closed) this.special.add(connection);
    }

    if (trades.length > 0) this.observeLatency(trades);
    governor.finish(started);
    metrics.flushDuration.observe(governor.lastFlushMs);
    metrics.flushIntervalMs = governor.intervalMs;
    if (this.special.size > 0) this.arm();
  }

  /** Stops the timer; nothing is armed again. */
  close(): void {
    this.closed = true;
    this.timer?.unsubscribe();
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer !== undefined || this.closed) return;
    const { scheduler, governor } = this.context;
    // One flush per window at most, counted from the shard's last flush: after a quiet spell a
    // trade leaves on the next tick instead of waiting out a whole window.
    const delay = Math.max(0, this.lastFlushAt + governor.intervalMs - scheduler.now());
    this.timer = scheduler.schedule(() => {
      this.timer = undefined;
      this.flush();
    }, delay);
  }

  private observeLatency(trades: readonly Trade[]): void {
    const { metrics, scheduler } = this.context;
    const now = scheduler.now();
    const newest = new Map<string, number>();
    for (const trade of trades) {
      const seq = newest.get(trade.symbol);
      if (seq === undefined || trade.seq > seq) newest.set(trade.symbol, trade.seq);
    }
    for (const trade of trades) {
      const counts = this.subscribers.get(trade.symbol);
      if (counts === undefined) continue;
      const isNewest = newest.get(trade.symbol) === trade.seq;
      const receivers = counts.all + (isNewest ? counts.latest : 0);
      if (!isNewest && counts.latest > 0) metrics.drop('conflated', counts.latest);
      metrics.observeLatency(now - trade.timestamp, receivers);
    }
  }
}
