import {
  applyClientMessage,
  applyConnectQuery,
  DEFAULT_PROTOCOL_LIMITS,
  type ErrorCode,
  encodeServerMessage,
  type ProtocolLimits,
  type ProtocolOutcome,
  type Trade,
  validateTrade,
} from '@market-stream/core';
import { asyncScheduler, type Observable, type SchedulerLike, Subscription } from 'rxjs';
import { ENGINE_DEFAULTS } from '../defaults.js';
import { SequenceGapError, SymbolLimitError } from '../errors.js';
import { FanoutMetrics } from '../metrics/FanoutMetrics.js';
import { MemoryConnectionStore } from '../stores/MemoryConnectionStore.js';
import { shardOf } from '../stores/shardOf.js';
import type { ConnectionStore, DeliveryMode, Transport } from '../types.js';
import { buildDeliveries } from './buildDeliveries.js';
import { Connection } from './Connection.js';
import type { ConnectOptions, Fanout, FanoutOptions } from './createFanout.js';
import { Outbox } from './Outbox.js';
import { Shard } from './Shard.js';
import { TokenBucket } from './TokenBucket.js';
import { WindowGovernor } from './WindowGovernor.js';

const PONG = encodeServerMessage({ type: 'pong' });

/** CPU time this process has used, ms: flush cost that other processes cannot inflate. */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The engine behind {@link createFanout}. Internal: use `createFanout`. */
export class FanoutEngine implements Fanout {
  readonly metrics = new FanoutMetrics();
  readonly store: ConnectionStore;
  private readonly transport: Transport;
  private readonly scheduler: SchedulerLike;
  private readonly mode: DeliveryMode;
  private readonly limits: ProtocolLimits;
  private readonly settings: {
    maxMessagesPerSecond: number;
    messageBurst: number;
    maxQueuedMessages: number;
    maxQueuedBytes: number;
    maxBacklogTrades: number;
    maxPendingTrades: number;
    validateTrades: boolean;
    maxSeqGap: number;
    maxSymbols: number;
  };
  private readonly onError: (error: unknown) => void;
  private readonly shards: Shard[];
  private readonly connections = new Map<string, Connection>();
  /** Newest trade per symbol: the snapshot source and the duplicate filter (≤ maxSymbols). */
  private readonly latest = new Map<string, Trade>();
  /**
   * Symbols of `latest` nobody subscribes to, idle longest first (since their last trade or
   * their last subscriber leaving): evicted first.
   */
  private readonly idle = new Set<string>();
  /** Connections holding each symbol, across shards. */
  private readonly subscribers = new Map<string, number>();
  /** When a sequence gap of each symbol was last reported to `onError`. */
  private readonly gapReportedAt = new Map<string, number>();
  private limitReportedAt = Number.NEGATIVE_INFINITY;
  private readonly sources = new Subscription();
  private readonly governor: WindowGovernor;
  private readonly outbox: Outbox;
  private readonly pendingWork = new Set<Promise<unknown>>();
  private closed = false;

  constructor(options: FanoutOptions) {
    const shardCount = options.shards ?? ENGINE_DEFAULTS.shards;
    if (!Number.isInteger(shardCount) || shardCount < 1) {
      throw new RangeError(`shards must be a positive integer, got ${shardCount}`);
    }
    this.transport = options.transport;
    this.store = options.store ?? new MemoryConnectionStore({ shards: shardCount });
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.mode = options.mode ?? ENGINE_DEFAULTS.mode;
    this.limits = { ...DEFAULT_PROTOCOL_LIMITS, ...options.limits };
    this.settings = {
      maxMessagesPerSecond: options.maxMessagesPerSecond ?? ENGINE_DEFAULTS.maxMessagesPerSecond,
      messageBurst: options.messageBurst ?? ENGINE_DEFAULTS.messageBurst,
      maxQueuedMessages: options.maxQueuedMessages ?? ENGINE_DEFAULTS.maxQueuedMessages,
      maxQueuedBytes: options.maxQueuedBytes ?? ENGINE_DEFAULTS.maxQueuedBytes,
      maxBacklogTrades: options.maxBacklogTrades ?? ENGINE_DEFAULTS.maxBacklogTrades,
      maxPendingTrades: options.maxPendingTrades ?? ENGINE_DEFAULTS.maxPendingTrades,
      validateTrades: options.validateTrades ?? true,
      maxSeqGap: options.maxSeqGap ?? ENGINE_DEFAULTS.maxSeqGap,
      maxSymbols: options.maxSymbols ?? ENGINE_DEFAULTS.maxSymbols,
    };
    if (!(this.settings.maxSeqGap >= 1)) {
      throw new RangeError(`maxSeqGap must be ≥ 1 or Infinity, got ${this.settings.maxSeqGap}`);
    }
    const { maxSymbols } = this.settings;
    if (
      !(Number.isInteger(maxSymbols) || maxSymbols === Number.POSITIVE_INFINITY) ||
      maxSymbols < 1
    ) {
      throw new RangeError(`maxSymbols must be a positive integer or Infinity, got ${maxSymbols}`);
    }
    this.onError = options.onError ?? (() => {});
    this.shards = Array.from({ length: shardCount }, (_, i) => new Shard(i));
    this.governor = new WindowGovernor({
      baseMs: options.flushIntervalMs ?? ENGINE_DEFAULTS.flushIntervalMs,
      maxMs: options.maxFlushIntervalMs ?? ENGINE_DEFAULTS.maxFlushIntervalMs,
      targetLoad: options.targetFlushLoad ?? ENGINE_DEFAULTS.targetFlushLoad,
      now: () => this.scheduler.now(),
      clock: options.clock ?? processCpuMs,
    });
    this.outbox = new Outbox(this.transport, this.metrics, this.settings, {
      markSpecial: (connection) => this.markSpecial(connection),
      disconnect: (id) => this.disconnect(id),
      track: (work) => this.track(work),
      onError: this.onError,
    });
    this.metrics.flushIntervalMs = this.governor.intervalMs;
    if (options.source) this.attach(options.source);
  }

  attach(source: Observable<Trade>): Subscription {
    const subscription = source.subscribe({
      next: (trade) => this.ingest(trade),
      error: (error) => this.onError(error),
    });
    this.sources.add(subscription);
    return subscription;
  }

  publish(trades: Trade | readonly Trade[]): void {
    if (Array.isArray(trades)) for (const trade of trades) this.ingest(trade);
    else this.ingest(trades as Trade);
  }

  connect(id: string, options: ConnectOptions = {}): void {
    if (this.closed) return;
    if (this.connections.has(id)) this.disconnect(id);
    const now = this.scheduler.now();
    const shard = this.shards[shardOf(id, this.shards.length)]!;
    const bucket = new TokenBucket(
      this.settings.maxMessagesPerSecond,
      this.settings.messageBurst,
      now,
    );
    const connection = new Connection(id, shard.index, now, options.mode ?? this.mode, bucket);
    this.connections.set(id, connection);
    shard.connections.set(id, connection);
    this.metrics.connections++;
    this.persist(connection, (store) => store.put(connection.toRecord()));

    this.apply(connection, applyConnectQuery(options.symbols, this.limits));
  }

  handleMessage(id: string, text: string): void {
    const connection = this.connections.get(id);
    if (connection === undefined) return;
    if (!connection.bucket.take(this.scheduler.now())) {
      this.metrics.drop('rate_limited');
      const now = this.scheduler.now();
      if (now - connection.rateNoticeAt >= 1_000) {
        connection.rateNoticeAt = now;
        this.sendError(
          connection,
          'RATE_LIMITED',
          `more than ${this.settings.maxMessagesPerSecond} messages per second; message dropped`,
        );
      }
      return;
    }
    this.apply(connection, applyClientMessage(connection.symbolSet, text, this.limits));
  }

  disconnect(id: string): void {
    const connection = this.connections.get(id);
    if (connection === undefined) return;
    connection.closed = true;
    this.connections.delete(id);
    const shard = this.shards[connection.shard]!;
    shard.connections.delete(id);
    shard.special.delete(connection);
    this.countSubscribers(shard, connection, connection.symbols, -1);
    this.metrics.connections--;
    this.metrics.subscriptions -= connection.symbols.length;
    this.persist(connection, (store) => store.remove(id));
  }

  connectionIds(): IterableIterator<string> {
    return this.connections.keys();
  }

  flush(): void {
    for (const shard of this.shards) this.flushShard(shard);
  }

  async settled(): Promise<void> {
    while (this.pendingWork.size > 0) await Promise.allSettled([...this.pendingWork]);
  }

  async close(): Promise<void> {
    if (this.closed) return this.settled();
    this.sources.unsubscribe();
    this.flush();
    this.closed = true;
    for (const id of [...this.connections.keys()]) this.disconnect(id);
    for (const shard of this.shards) shard.timer?.unsubscribe();
    await this.settled();
  }

  private ingest(value: Trade): void {
    if (this.closed) return;
    this.metrics.tradesIn++;
    let trade = value;
    if (this.settings.validateTrades) {
      const result = validateTrade(value);
      if (!result.ok) {
        this.metrics.drop('invalid_trade');
        return;
      }
      trade = result.trade;
    }
    const { symbol } = trade;
    const previous = this.latest.get(symbol);
    if (previous === undefined) {
      if (this.latest.size >= this.settings.maxSymbols && !this.evictIdle(symbol)) return;
      if (!this.subscribers.has(symbol)) this.idle.add(symbol);
    } else {
      if (trade.seq <= previous.seq) {
        this.metrics.drop('stale');
        return;
      }
      if (trade.seq - previous.seq > this.settings.maxSeqGap) {
        this.refuseGap(previous, trade);
        return;
      }
      // Moves the symbol to the back of the eviction order, if it is idle at all.
      if (this.idle.delete(symbol)) this.idle.add(symbol);
    }
    this.latest.set(symbol, trade);
    this.metrics.symbols = this.latest.size;
    for (const shard of this.shards) {
      if (!shard.wants(trade.symbol)) continue;
      shard.pending.push(trade);
      if (shard.pending.length >= this.settings.maxPendingTrades) this.flushShard(shard);
      else this.arm(shard);
    }
  }

  /** Acts on what the protocol decided: the new set, its indexes and store, the replies. */
  private apply(connection: Connection, outcome: ProtocolOutcome): void {
    const { added, removed } = outcome;
    if (added.length > 0) connection.forgetBacklog(added);
    for (const symbol of removed) connection.floors?.delete(symbol);
    if (added.length > 0 || removed.length > 0) this.changeSymbols(connection, outcome);
    for (const reply of outcome.replies) {
      if (reply.type === 'error') this.metrics.error(reply.code);
      this.outbox.deliver(connection, reply.type === 'pong' ? PONG : encodeServerMessage(reply));
    }
    if (outcome.snapshotOf.length > 0) this.sendSnapshot(connection, outcome.snapshotOf);
  }

  /** The newest trade of each newly added symbol; later trades start past it (the floor). */
  private sendSnapshot(connection: Connection, symbols: readonly string[]): void {
    const snapshot: Trade[] = [];
    for (const symbol of symbols) {
      const trade = this.latest.get(symbol);
      if (trade === undefined) continue;
      snapshot.push(trade);
      connection.floors ??= new Map();
      connection.floors.set(symbol, trade.seq);
    }
    this.outbox.deliver(connection, encodeServerMessage({ type: 'snapshot', trades: snapshot }));
    if (connection.special) this.markSpecial(connection);
  }

  /** Takes the outcome's set, updates the subscriber indexes and the store. */
  private changeSymbols(connection: Connection, outcome: ProtocolOutcome): void {
    const shard = this.shards[connection.shard]!;
    for (const symbol of outcome.added) connection.symbolSet.add(symbol);
    for (const symbol of outcome.removed) connection.symbolSet.delete(symbol);
    connection.symbols = outcome.symbols;
    this.countSubscribers(shard, connection, outcome.added, 1);
    this.countSubscribers(shard, connection, outcome.removed, -1);
    this.metrics.subscriptions += outcome.added.length - outcome.removed.length;
    const current = [...connection.symbols];
    this.persist(connection, (store) => store.updateSymbols(connection.id, current));
  }

  /** Counts subscribers per shard and engine-wide; a symbol nobody holds becomes evictable. */
  private countSubscribers(
    shard: Shard,
    connection: Connection,
    symbols: readonly string[],
    delta: 1 | -1,
  ): void {
    shard.count(symbols, connection, delta);
    for (const symbol of symbols) {
      const count = (this.subscribers.get(symbol) ?? 0) + delta;
      if (count > 0) {
        this.subscribers.set(symbol, count);
        this.idle.delete(symbol);
      } else {
        this.subscribers.delete(symbol);
        if (this.latest.has(symbol)) this.idle.add(symbol);
      }
    }
  }

  /** Makes room for `symbol` by forgetting the symbol idle longest, if any. */
  private evictIdle(symbol: string): boolean {
    const oldest = this.idle.values().next();
    if (oldest.done) {
      this.metrics.drop('symbol_limit');
      const now = this.scheduler.now();
      if (now - this.limitReportedAt >= ENGINE_DEFAULTS.errorReportIntervalMs) {
        this.limitReportedAt = now;
        this.onError(new SymbolLimitError(symbol, this.settings.maxSymbols));
      }
      return false;
    }
    this.idle.delete(oldest.value);
    this.latest.delete(oldest.value);
    this.gapReportedAt.delete(oldest.value);
    return true;
  }

  private refuseGap(previous: Trade, trade: Trade): void {
    this.metrics.drop('seq_gap');
    const now = this.scheduler.now();
    const reportedAt = this.gapReportedAt.get(trade.symbol) ?? Number.NEGATIVE_INFINITY;
    if (now - reportedAt < ENGINE_DEFAULTS.errorReportIntervalMs) return;
    this.gapReportedAt.set(trade.symbol, now);
    this.onError(
      new SequenceGapError(trade.symbol, previous.seq, trade.seq, this.settings.maxSeqGap),
    );
  }

  private sendError(connection: Connection, code: ErrorCode, message: string): void {
    this.metrics.error(code);
    this.outbox.deliver(connection, encodeServerMessage({ type: 'error', code, message }));
  }

  private arm(shard: Shard): void {
    if (shard.timer !== undefined || this.closed) return;
    // One flush per window at most, counted from the shard's last flush: after a quiet spell a
    // trade leaves on the next tick instead of waiting out a whole window.
    const delay = Math.max(0, shard.lastFlushAt + this.governor.intervalMs - this.scheduler.now());
    shard.timer = this.scheduler.schedule(() => {
      shard.timer = undefined;
      this.flushShard(shard);
    }, delay);
  }

  private markSpecial(connection: Connection): void {
    const shard = this.shards[connection.shard]!;
    shard.special.add(connection);
    this.arm(shard);
  }

  /** Delivers a shard's window. */
  private flushShard(shard: Shard): void {
    shard.timer?.unsubscribe();
    shard.timer = undefined;
    shard.lastFlushAt = this.scheduler.now();
    const started = this.governor.start();
    const trades = shard.pending;
    shard.pending = [];

    const special = shard.special.size > 0 ? [...shard.special] : [];
    shard.special.clear();
    if (trades.length > 0) {
      const skip = new Set(special);
      const regular =
        special.length === 0
          ? shard.connections.values()
          : [...shard.connections.values()].filter((c) => !skip.has(c));
      for (const { payload, connectionIds } of buildDeliveries(trades, regular, this.mode)) {
        for (const id of connectionIds) {
          const connection = shard.connections.get(id);
          if (connection !== undefined) this.outbox.deliverTrades(connection, payload, trades);
        }
      }
    }
    for (const connection of special) this.flushSpecial(connection, trades);

    if (trades.length > 0) this.observeLatency(shard, trades);
    this.governor.finish(started);
    this.metrics.flushDuration.observe(this.governor.lastFlushMs);
    this.metrics.flushIntervalMs = this.governor.intervalMs;
    if (shard.special.size > 0) this.arm(shard);
  }

  /** A connection with snapshot floors or a backlog: its window is built on its own. */
  private flushSpecial(connection: Connection, trades: readonly Trade[]): void {
    if (connection.closed) return;
    let mine = trades;
    const floors = connection.floors;
    if (floors !== undefined && floors.size > 0) {
      mine = trades.filter((trade) => trade.seq > (floors.get(trade.symbol) ?? 0));
      connection.floors = undefined;
    }
    // This window joins whatever waits, and all of it leaves as one message when it can.
    this.outbox.backlog(connection, mine);
    this.outbox.drain(connection);
    if (connection.special && !connection.closed) {
      this.shards[connection.shard]!.special.add(connection);
    }
  }

  private observeLatency(shard: Shard, trades: readonly Trade[]): void {
    const now = this.scheduler.now();
    const newest = new Map<string, number>();
    for (const trade of trades) {
      const seq = newest.get(trade.symbol);
      if (seq === undefined || trade.seq > seq) newest.set(trade.symbol, trade.seq);
    }
    for (const trade of trades) {
      const counts = shard.subscribers.get(trade.symbol);
      if (counts === undefined) continue;
      const isNewest = newest.get(trade.symbol) === trade.seq;
      const receivers = counts.all + (isNewest ? counts.latest : 0);
      if (!isNewest && counts.latest > 0) this.metrics.drop('conflated', counts.latest);
      this.metrics.latency.observe(now - trade.timestamp, receivers);
    }
  }

  private persist(connection: Connection, write: (store: ConnectionStore) => Promise<void>): void {
    const next = connection.storeChain.then(() => write(this.store)).catch(this.onError);
    connection.storeChain = next;
    this.track(next);
  }

  private track(work: Promise<unknown>): void {
    this.pendingWork.add(work);
    void work.finally(() => this.pendingWork.delete(work));
  }
}
