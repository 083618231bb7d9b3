import type { Trade } from '@market-stream/core';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { FanoutMetrics } from '../metrics/FanoutMetrics.js';
import type { DeliveryMode } from '../types.js';
import { buildDeliveries } from './buildDeliveries.js';
import type { Connection } from './Connection.js';
import { HeldConnections, type HeldWindow } from './HeldConnections.js';
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
  /** Send a trade at once to subscribers whose last `trades` message left a window ago. */
  readonly directSend: boolean;
  /** The one-trade `trades` message of a trade, shared by every shard that sends it at once. */
  readonly messageOf: (trade: Trade) => string;
}

/**
 * One shard of the engine: its connections, who holds each symbol, the trades waiting for its
 * next flush, its timer and the flush itself. Internal.
 *
 * With `directSend`, a trade goes at once to each subscriber whose last `trades` message left a
 * window ago and that waits for nothing; the others are held (with the index of the first
 * pending trade they missed) and the flush merges what they missed, one message each per window.
 * A held connection gets nothing at once until the flush, so per symbol nothing overtakes.
 */
export class Shard {
  private readonly connections = new Map<string, Connection>();
  /** Subscribers per symbol, by mode, so trades nobody here wants are never buffered. */
  private readonly subscribers = new Map<string, { all: number; latest: number }>();
  /** Subscribers per symbol, for sending a trade at once (`directSend`). */
  private readonly members = new Map<string, Set<Connection>>();
  /** Trades since the last flush, arrival order (bounded by `maxPendingTrades`). */
  private pending: Trade[] = [];
  /** Per pending trade, its subscribers that did not get it at once, by mode (`directSend`). */
  private missed: { all: number; latest: number }[] = [];
  /** Connections that missed a pending trade (`directSend`). */
  private readonly held = new HeldConnections();
  /** The earliest the armed flush should run: a window after its held subscribers' last send. */
  private dueAt = Number.NEGATIVE_INFINITY;
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
    this.held.delete(connection);
    this.count(connection.symbols, connection, -1);
  }

  /** Counts a connection's subscribers of `symbols` in (`1`) or out (`-1`). */
  count(symbols: readonly string[], connection: Connection, delta: 1 | -1): void {
    this.held.count(symbols, connection, delta);
    for (const symbol of symbols) {
      let counts = this.subscribers.get(symbol);
      if (counts === undefined) {
        counts = { all: 0, latest: 0 };
        this.subscribers.set(symbol, counts);
      }
      counts[connection.mode] += delta;
      if (counts.all <= 0 && counts.latest <= 0) this.subscribers.delete(symbol);
      let members = this.members.get(symbol);
      if (delta === 1) {
        if (members === undefined) {
          members = new Set();
          this.members.set(symbol, members);
        }
        members.add(connection);
      } else if (members !== undefined) {
        members.delete(connection);
        if (members.size === 0) this.members.delete(symbol);
      }
    }
  }

  /**
   * Takes a source trade, if a connection here holds its symbol: sent at once to the
   * subscribers that may have it now (`directSend`), kept for the next window for the others.
   */
  offer(trade: Trade): void {
    if (!this.subscribers.has(trade.symbol)) return;
    if (this.context.directSend && !this.sendAtOnce(trade)) return;
    this.pending.push(trade);
    if (this.pending.length >= this.context.maxPendingTrades) this.flush();
    else this.arm();
  }

  /** Something waits for `connection`: the next flush treats it on its own. */
  markWaiting(connection: Connection): void {
    this.special.add(connection);
    this.arm();
  }

  /**
   * Delivers the window: one shared message per group of connections, specials one by one.
   * With `directSend` only the connections that missed a pending trade take part, and those
   * whose last `trades` message left less than a window ago keep theirs for the next flush.
   */
  flush(): void {
    const { scheduler, governor, metrics, mode, directSend } = this.context;
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.lastFlushAt = scheduler.now();
    this.dueAt = Number.NEGATIVE_INFINITY;
    const cutoff = this.lastFlushAt - governor.intervalMs;
    const started = governor.start();
    const trades = this.pending;
    const missed = this.missed;
    const held = this.held.take();
    this.pending = [];
    this.missed = [];

    const special = this.special.size > 0 ? [...this.special] : [];
    this.special.clear();
    if (trades.length > 0) {
      const skip = new Set(special);
      let regular: Iterable<Connection>;
      if (directSend) {
        regular = this.takeHeld(trades, held, skip, cutoff);
      } else {
        regular =
          special.length === 0
            ? this.connections.values()
            : [...this.connections.values()].filter((c) => !skip.has(c));
      }
      for (const { payload, connectionIds } of buildDeliveries(trades, regular, mode)) {
        for (const id of connectionIds) this.connections.get(id)?.deliverTrades(payload, trades);
      }
    }
    for (const connection of special) {
      let mine = trades;
      let hold = false;
      if (directSend) {
        const from = held.from.get(connection);
        mine = from === undefined ? [] : trades.slice(from);
        hold = connection.lastTradesAt > cutoff;
      }
      connection.takeWindow(mine, hold);
      if (connection.special && !connection.closed) this.special.add(connection);
    }

    if (trades.length > 0) this.observeLatency(trades, directSend ? missed : undefined);
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

  /**
   * Sends `trade` at once, as one payload serialized once, to each subscriber whose last
   * `trades` message left a window ago and that waits for nothing; holds the others.
   *
   * @returns Whether a subscriber missed it, so it waits for the flush as well.
   */
  private sendAtOnce(trade: Trade): boolean {
    const { scheduler, governor, metrics } = this.context;
    const now = scheduler.now();
    const cutoff = now - governor.intervalMs;
    const members = this.members.get(trade.symbol);
    if (members === undefined) return false;
    if (this.held.holdAll(trade.symbol, members.size)) {
      // Busy: every subscriber here waits for the flush already (and counted in `dueAt`).
      const { all, latest } = this.subscribers.get(trade.symbol)!;
      this.missed.push({ all, latest });
      return true;
    }
    const receivers: Connection[] = [];
    const missed = { all: 0, latest: 0 };
    let lastSent = Number.NEGATIVE_INFINITY;
    for (const connection of members) {
      const isHeld = this.held.has(connection);
      if (!isHeld && !connection.special && connection.lastTradesAt <= cutoff) {
        receivers.push(connection);
        continue;
      }
      missed[connection.mode]++;
      this.held.hold(connection, this.pending.length);
      lastSent = Math.max(lastSent, connection.lastTradesAt);
    }
    if (receivers.length > 0) {
      // Sending at once is flushing too: the governor counts it, so a load of direct sends
      // widens the window (and more of the load is then merged) as a load of flushes would.
      const started = governor.start();
      const payload = this.context.messageOf(trade);
      const one = [trade];
      for (const connection of receivers) connection.deliverTrades(payload, one);
      metrics.observeLatency(now - trade.timestamp, receivers.length);
      governor.finish(started);
      metrics.flushIntervalMs = governor.intervalMs;
    }
    if (missed.all + missed.latest === 0) return false;
    for (const connection of receivers) this.held.sentPart(connection);
    this.missed.push(missed);
    // The flush armed now waits until the held subscribers' window has passed (at most one
    // window from now), so it does not find them still inside it and hold them once more.
    this.dueAt = Math.max(this.dueAt, lastSent + governor.intervalMs);
    return true;
  }

  /**
   * Sorts the connections that missed pending trades (specials aside, the flush takes them
   * one by one): those that may take a shared message now are returned; the others (sent part
   * of the window at once, or still inside their window) take what they missed on their own.
   */
  private takeHeld(
    trades: readonly Trade[],
    held: HeldWindow,
    special: ReadonlySet<Connection>,
    cutoff: number,
  ): Connection[] {
    const shared: Connection[] = [];
    for (const [connection, from] of held.from) {
      if (special.has(connection)) continue;
      const early = connection.lastTradesAt > cutoff;
      if (!early && !held.partial.has(connection)) {
        shared.push(connection);
        continue;
      }
      connection.takeWindow(trades.slice(from), early);
      if (connection.special && !connection.closed) this.special.add(connection);
    }
    return shared;
  }

  private arm(): void {
    if (this.timer !== undefined || this.closed) return;
    const { scheduler, governor } = this.context;
    // One flush per window at most, counted from the shard's last flush: after a quiet spell a
    // trade leaves on the next tick instead of waiting out a whole window.
    const at = Math.max(this.lastFlushAt + governor.intervalMs, this.dueAt);
    const delay = Math.max(0, at - scheduler.now());
    this.timer = scheduler.schedule(() => {
      this.timer = undefined;
      this.flush();
    }, delay);
  }

  /**
   * Counts each receiver of the window once: `missed` holds, per trade, the subscribers that
   * did not get it at once (`directSend`); without it, every subscriber waited for the window.
   */
  private observeLatency(
    trades: readonly Trade[],
    missed: readonly { all: number; latest: number }[] | undefined,
  ): void {
    const { metrics, scheduler } = this.context;
    const now = scheduler.now();
    const newest = new Map<string, number>();
    for (const trade of trades) {
      const seq = newest.get(trade.symbol);
      if (seq === undefined || trade.seq > seq) newest.set(trade.symbol, trade.seq);
    }
    for (let i = 0; i < trades.length; i++) {
      const trade = trades[i]!;
      const counts = missed === undefined ? this.subscribers.get(trade.symbol) : missed[i];
      if (counts === undefined) continue;
      const isNewest = newest.get(trade.symbol) === trade.seq;
      const receivers = counts.all + (isNewest ? counts.latest : 0);
      if (!isNewest && counts.latest > 0) metrics.drop('conflated', counts.latest);
      metrics.observeLatency(now - trade.timestamp, receivers);
    }
  }
}
