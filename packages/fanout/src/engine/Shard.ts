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
  /** Send trades at once to connections that are quiet (`directSend`). */
  readonly directSend: boolean;
  /** Shards of the engine: with `directSend` each flushes at its own phase of the window. */
  readonly shardCount: number;
  /** The `trades` message of one trade, serialized once for every shard. */
  readonly messageOf: (trade: Trade) => string;
}

/**
 * One shard of the engine: its connections, how many of them hold each symbol, the trades
 * waiting for its next flush, its timer and the flush itself. Internal.
 *
 * With `directSend`, a trade goes at once to each subscriber that is quiet (its last `trades`
 * message left a window ago, nothing waits for it) and waits for the flush for the others,
 * which are then held for the rest of the window. A connection sent part of a window at once
 * remembers how many pending trades it has (`sentThrough`) and takes only the rest at the
 * flush; the flush itself is never moved for it.
 */
export class Shard {
  private readonly connections = new Map<string, Connection>();
  /** Subscribers per symbol, by mode, so trades nobody here wants are never buffered. */
  private readonly subscribers = new Map<string, { all: number; latest: number }>();
  /** Trades since the last flush, arrival order (bounded by `maxPendingTrades`). */
  private pending: Trade[] = [];
  /** Per pending trade, how many connections already got it at once (latency figures). */
  private sentAtOnce: number[] = [];
  /** Connections per symbol, to send at once. */
  private readonly members = new Map<string, Set<Connection>>();
  /** Per symbol, the window in which every subscriber here was held: its trades skip the visit. */
  private readonly heldAll = new Map<string, number>();
  /** Connections sent part of this window at once (`sentThrough` > 0). */
  private partial: Connection[] = [];
  /** Connections held in this window (`directSend`): the only ones its flush visits. */
  private held: Connection[] = [];
  /** The current window's number: windows flushed so far. */
  private window = 0;
  /** Scratch list of one trade's receivers, reused. */
  private readonly receivers: Connection[] = [];
  /** Connections the next flush treats one by one (snapshot floors, queues, backlogs). */
  private readonly special = new Set<Connection>();
  private timer: Subscription | undefined;
  /**
   * When the shard's last flush was due, in scheduler time (when it ran, for a flush not on the
   * timer): the next is due a window later, however late the timer fired, so a shard keeps its
   * phase.
   */
  private lastDueAt = Number.NEGATIVE_INFINITY;
  /** When the armed timer is due. */
  private dueAt = Number.NEGATIVE_INFINITY;
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
      if (counts.all <= 0 && counts.latest <= 0) {
        this.subscribers.delete(symbol);
        this.heldAll.delete(symbol);
      }
      let members = this.members.get(symbol);
      if (delta === 1) {
        // The newcomer was not there when its subscribers were all held: visit them again.
        this.heldAll.delete(symbol);
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
   * Takes a source trade, if a connection here holds its symbol: sent at once to its quiet
   * subscribers (`directSend`), kept for the next flush for the others.
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

  /** Delivers the window: one shared message per group of connections, specials one by one. */
  flush(): void {
    const { scheduler, governor, metrics } = this.context;
    const now = scheduler.now();
    const onTimer = this.timer !== undefined && this.dueAt <= now;
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.lastDueAt = onTimer ? this.dueAt : now;
    const started = governor.start();
    const trades = this.pending;
    const sentAtOnce = this.sentAtOnce;
    const partial = this.partial;
    const held = this.held;
    this.pending = [];
    this.sentAtOnce = [];
    this.partial = [];
    this.held = [];
    this.window++;

    const special = this.special.size > 0 ? [...this.special] : [];
    this.special.clear();
    if (trades.length > 0) {
      const skip = new Set(special);
      // With directSend only connections held in this window have anything left to take.
      const candidates = this.context.directSend ? held : this.connections.values();
      const regular =
        special.length === 0 && partial.length === 0 && !this.context.directSend
          ? candidates
          : [...candidates].filter((c) => c.sentThrough === 0 && !c.closed && !skip.has(c));
      this.deliver(trades, regular, now);
      // Connections sent part of the window at once take the rest, grouped by where it starts.
      const byStart = new Map<number, Connection[]>();
      for (const connection of partial) {
        if (skip.has(connection) || connection.closed) continue;
        const group = byStart.get(connection.sentThrough);
        if (group === undefined) byStart.set(connection.sentThrough, [connection]);
        else group.push(connection);
      }
      for (const [start, group] of byStart) {
        if (start < trades.length) this.deliver(trades.slice(start), group, now);
      }
    }
    for (const connection of special) {
      connection.takeWindow(
        connection.sentThrough === 0 ? trades : trades.slice(connection.sentThrough),
      );
      if (connection.special && !connection.closed) this.special.add(connection);
    }
    for (const connection of partial) connection.sentThrough = 0;

    if (trades.length > 0) this.observeLatency(trades, sentAtOnce);
    governor.finish(started);
    metrics.flushDuration.observe(governor.lastFlushMs);
    if (this.special.size > 0) this.arm();
  }

  /** Stops the timer; nothing is armed again. */
  close(): void {
    this.closed = true;
    this.timer?.unsubscribe();
    this.timer = undefined;
  }

  /** Sends `trades` to `connections`: one shared message per group with the same update. */
  private deliver(trades: readonly Trade[], connections: Iterable<Connection>, now: number): void {
    for (const { payload, connectionIds } of buildDeliveries(
      trades,
      connections,
      this.context.mode,
    )) {
      for (const id of connectionIds) this.connections.get(id)?.deliverTrades(payload, trades, now);
    }
  }

  /**
   * Sends `trade` at once, as one message serialized once, to each subscriber whose last
   * `trades` message left a window ago and for which nothing waits; holds the others for the
   * rest of the window.
   *
   * @returns Whether a subscriber was held, so the trade waits for the flush as well.
   */
  private sendAtOnce(trade: Trade): boolean {
    const { symbol } = trade;
    const members = this.members.get(symbol);
    if (members === undefined || this.heldAll.get(symbol) === this.window) {
      this.sentAtOnce.push(0);
      return true;
    }
    const { scheduler, governor, metrics } = this.context;
    const now = scheduler.now();
    const cutoff = now - governor.intervalMs;
    const receivers = this.receivers;
    receivers.length = 0;
    for (const connection of members) {
      if (
        connection.heldIn !== this.window &&
        connection.lastTradesAt <= cutoff &&
        !connection.special
      ) {
        receivers.push(connection);
      } else {
        if (connection.heldIn !== this.window) {
          connection.heldIn = this.window;
          this.held.push(connection);
        }
      }
    }
    const held = receivers.length < members.size;
    if (receivers.length === 0) {
      this.heldAll.set(symbol, this.window);
      this.sentAtOnce.push(0);
      return true;
    }
    // The governor counts the sending to receivers whose last message left within two windows:
    // a window up to twice as wide would have merged their trades, so under load it may widen
    // for them. Sending to quieter receivers is not counted: a wider window would merge nothing
    // for them and only hold their trades longer.
    const nearlyBusy = now - 2 * governor.intervalMs;
    let mergeable = 0;
    for (const connection of receivers) if (connection.lastTradesAt > nearlyBusy) mergeable++;
    const started = mergeable > 0 ? governor.start() : Number.NaN;
    const payload = this.context.messageOf(trade);
    const one = [trade];
    // Everything of its symbols up to this trade, which stays pending only if someone was held.
    const through = held ? this.pending.length + 1 : this.pending.length;
    for (const connection of receivers) {
      if (connection.sentThrough === 0 && through > 0) this.partial.push(connection);
      connection.sentThrough = through;
    }
    for (const connection of receivers) connection.deliverTrades(payload, one, now);
    const sent = receivers.length;
    receivers.length = 0;
    metrics.observeLatency(now - trade.timestamp, sent);
    if (mergeable > 0) governor.count(started, mergeable / sent);
    if (held) this.sentAtOnce.push(sent);
    return held;
  }

  private arm(): void {
    if (this.timer !== undefined || this.closed) return;
    const { scheduler, governor, directSend, shardCount } = this.context;
    const now = scheduler.now();
    // One flush per window at most, a window after the last was due.
    let due = this.lastDueAt + governor.intervalMs;
    if (due <= now) {
      // Not flushed for a window. Window batching: what arrived leaves on the next tick instead
      // of waiting out a whole window. With directSend the quiet connections had it at once, so
      // the shard waits for its phase of the window: shards that turn busy together then flush
      // one after another, each a short turn, instead of all in one long turn that holds up
      // every trade behind it.
      due = directSend ? now + (this.index / shardCount) * governor.intervalMs : now;
    }
    this.dueAt = due;
    this.timer = scheduler.schedule(() => this.flush(), Math.max(0, due - now));
  }

  /** Latency of a flushed window, counting only receivers that did not get a trade at once. */
  private observeLatency(trades: readonly Trade[], sentAtOnce: readonly number[]): void {
    const { metrics, scheduler } = this.context;
    const now = scheduler.now();
    const newest = new Map<string, number>();
    for (const trade of trades) {
      const seq = newest.get(trade.symbol);
      if (seq === undefined || trade.seq > seq) newest.set(trade.symbol, trade.seq);
    }
    for (let i = 0; i < trades.length; i++) {
      const trade = trades[i]!;
      const counts = this.subscribers.get(trade.symbol);
      if (counts === undefined) continue;
      const isNewest = newest.get(trade.symbol) === trade.seq;
      const receivers = counts.all + (isNewest ? counts.latest : 0);
      if (!isNewest && counts.latest > 0) metrics.drop('conflated', counts.latest);
      metrics.observeLatency(now - trade.timestamp, Math.max(0, receivers - (sentAtOnce[i] ?? 0)));
    }
  }
}
