import {
  applyClientMessage,
  applyConnectQuery,
  type ErrorCode,
  encodeServerMessage,
  type ProtocolOutcome,
  type Trade,
  validateTrade,
} from '@market-stream/core';
import { type Observable, Subscription } from 'rxjs';
import { FanoutMetrics } from '../metrics/FanoutMetrics.js';
import { MemoryConnectionStore } from '../stores/MemoryConnectionStore.js';
import type { ConnectionStore, Transport } from '../types.js';
import { answerSince } from './answerSince.js';
import { oneTradeMessage } from './buildDeliveries.js';
import { Connection, type ConnectionEvent, type ConnectionLink } from './Connection.js';
import { PendingWork } from './PendingWork.js';
import { ReplayBuffer } from './ReplayBuffer.js';
import { type EngineSettings, resolveEngineOptions } from './resolveEngineOptions.js';
import { Shard } from './Shard.js';
import { SymbolBook } from './SymbolBook.js';
import { shardOf } from './shardOf.js';
import { TokenBucket } from './TokenBucket.js';
import type { ConnectOptions, Fanout, FanoutOptions } from './types.js';
import { WindowGovernor } from './WindowGovernor.js';

const PONG = encodeServerMessage({ type: 'pong' });

/**
 * The engine behind {@link createFanout}. Data flows one way: a source trade passes the symbol
 * book, waits in the shards that want it, and leaves on a shard's flush through each connection
 * to the transport; a connection answers with one {@link ConnectionEvent}. Internal: use
 * `createFanout`.
 */
export class FanoutEngine implements Fanout {
  readonly metrics: FanoutMetrics;
  readonly store: ConnectionStore;
  private readonly transport: Transport;
  private readonly settings: EngineSettings;
  private readonly shards: Shard[];
  private readonly connections = new Map<string, Connection>();
  private readonly book: SymbolBook;
  /** Recent accepted trades, for a subscribe's `since`; `undefined` with `replay: false`. */
  private readonly replay: ReplayBuffer | undefined;
  private readonly link: ConnectionLink;
  private readonly sources = new Subscription();
  private readonly work = new PendingWork();
  /** Each connection's latest store write: the next one is chained after it. */
  private readonly storeWrites = new WeakMap<Connection, Promise<void>>();
  private closed = false;

  constructor(options: FanoutOptions) {
    const settings = resolveEngineOptions(options);
    this.settings = settings;
    this.transport = options.transport;
    this.store = options.store ?? new MemoryConnectionStore({ shards: settings.shards });
    const { scheduler, onError } = settings;
    this.metrics = new FanoutMetrics({ now: () => scheduler.now() });
    const governor = new WindowGovernor({
      baseMs: settings.flushIntervalMs,
      maxMs: settings.maxFlushIntervalMs,
      targetLoad: settings.targetFlushLoad,
      now: () => scheduler.now(),
      clock: settings.clock,
      onResize: (intervalMs) => {
        this.metrics.flushIntervalMs = intervalMs;
      },
    });
    const shardContext = {
      scheduler,
      governor,
      metrics: this.metrics,
      mode: settings.mode,
      maxPendingTrades: settings.maxPendingTrades,
      directSend: settings.directSend,
      shardCount: settings.shards,
      messageOf: lastOf(oneTradeMessage),
    };
    this.shards = Array.from({ length: settings.shards }, (_, i) => new Shard(i, shardContext));
    this.book = new SymbolBook({
      maxSeqGap: settings.maxSeqGap,
      maxSymbols: settings.maxSymbols,
      metrics: this.metrics,
      now: () => scheduler.now(),
      onError,
    });
    this.replay =
      settings.replay === false
        ? undefined
        : new ReplayBuffer(settings.replay, () => scheduler.now());
    this.link = {
      transport: this.transport,
      metrics: this.metrics,
      limits: settings,
      work: this.work,
      onError,
      now: () => scheduler.now(),
      report: (connection, event) => this.hear(connection, event),
    };
    this.metrics.flushIntervalMs = governor.intervalMs;
    if (options.source) this.attach(options.source);
  }

  attach(source: Observable<Trade>): Subscription {
    const subscription = source.subscribe({
      next: (trade) => this.ingest(trade),
      error: (error) => this.settings.onError(error),
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
    const { scheduler, maxMessagesPerSecond, messageBurst, mode, limits } = this.settings;
    const now = scheduler.now();
    const shard = this.shards[shardOf(id, this.shards.length)]!;
    const bucket = new TokenBucket(maxMessagesPerSecond, messageBurst, now);
    const connection = new Connection(
      id,
      shard.index,
      now,
      options.mode ?? mode,
      bucket,
      this.link,
    );
    this.connections.set(id, connection);
    shard.add(connection);
    this.metrics.connections++;
    this.persist(connection, (store) => store.put(connection.toRecord()));

    this.apply(connection, applyConnectQuery(options.symbols, limits));
  }

  handleMessage(id: string, text: string): void {
    const connection = this.connections.get(id);
    if (connection === undefined) return;
    const admitted = connection.admit(this.settings.scheduler.now());
    if (admitted !== 'accepted') {
      this.metrics.drop('rate_limited');
      if (admitted === 'refused, notify') {
        this.sendError(
          connection,
          'RATE_LIMITED',
          `more than ${this.settings.maxMessagesPerSecond} messages per second; message dropped`,
        );
      }
      return;
    }
    this.apply(connection, applyClientMessage(connection.symbolSet, text, this.settings.limits));
  }

  disconnect(id: string): void {
    const connection = this.connections.get(id);
    if (connection === undefined) return;
    connection.forget();
    this.connections.delete(id);
    this.shards[connection.shard]!.remove(connection);
    this.book.count(connection.symbols, -1);
    this.metrics.connections--;
    this.metrics.subscriptions -= connection.symbols.length;
    this.persist(connection, (store) => store.remove(id));
  }

  connectionIds(): IterableIterator<string> {
    return this.connections.keys();
  }

  flush(): void {
    for (const shard of this.shards) shard.flush();
  }

  settled(): Promise<void> {
    return this.work.settled();
  }

  async close(): Promise<void> {
    if (this.closed) return this.settled();
    this.sources.unsubscribe();
    this.flush();
    this.closed = true;
    for (const shard of this.shards) shard.close();
    for (const id of [...this.connections.keys()]) this.disconnect(id);
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
    if (!this.book.accept(trade)) return;
    this.replay?.push(trade);
    this.countReplay();
    for (const shard of this.shards) shard.offer(trade);
  }

  /** What a connection reported: it waits for its shard's next flush, or it is to be forgotten. */
  private hear(connection: Connection, event: ConnectionEvent): void {
    if (event === 'waiting') this.shards[connection.shard]!.markWaiting(connection);
    else this.disconnect(connection.id);
  }

  /** Acts on what the protocol decided: the new set, its indexes and store, the replies. */
  private apply(connection: Connection, outcome: ProtocolOutcome): void {
    const { added, removed } = outcome;
    if (added.length > 0 || removed.length > 0) {
      connection.changeSymbols(outcome);
      const shard = this.shards[connection.shard]!;
      shard.count(added, connection, 1);
      shard.count(removed, connection, -1);
      this.book.count(added, 1);
      this.book.count(removed, -1);
      this.metrics.subscriptions += added.length - removed.length;
      const current = [...connection.symbols];
      this.persist(connection, (store) => store.updateSymbols(connection.id, current));
    }
    for (const reply of outcome.replies) {
      if (reply.type === 'error') this.metrics.error(reply.code);
      connection.deliver(reply.type === 'pong' ? PONG : encodeServerMessage(reply));
    }
    const { since } = outcome;
    if (since !== undefined) {
      this.recover(connection, outcome.snapshotOf, since);
    } else if (outcome.snapshotOf.length > 0) {
      connection.sendSnapshot(this.snapshotOf(outcome.snapshotOf));
    }
  }

  /**
   * Answers a subscribe's `since`: the recovered trades, the snapshot (of the added symbols
   * without `since`, and of those not recovered), the `recovery` message, in that order
   * (`recoveryReplies`); later trades of each symbol start past what the answer holds.
   */
  private recover(
    connection: Connection,
    added: readonly string[],
    since: Readonly<Record<string, number>>,
  ): void {
    const snapshot = this.snapshotOf(added.filter((symbol) => since[symbol] === undefined));
    const answer = answerSince(since, snapshot, {
      newest: (symbol) => this.book.newest(symbol),
      replay: this.replay,
      mode: connection.mode,
      maxRecoveredTrades: this.settings.maxRecoveredTrades,
    });
    connection.sendCatchUp(answer.messages, answer.floors);
    this.metrics.recovery(answer.recoveredTrades, answer.unrecovered);
    this.countReplay();
  }

  /** The replay buffer's figures, after it took a trade or dropped expired ones. */
  private countReplay(): void {
    if (this.replay === undefined) return;
    this.metrics.replayTrades = this.replay.size;
    this.metrics.replayBytes = this.replay.bytes;
  }

  /** The newest known trade of each of `symbols` that has one. */
  private snapshotOf(symbols: readonly string[]): Trade[] {
    const snapshot: Trade[] = [];
    for (const symbol of symbols) {
      const trade = this.book.newest(symbol);
      if (trade !== undefined) snapshot.push(trade);
    }
    return snapshot;
  }

  private sendError(connection: Connection, code: ErrorCode, message: string): void {
    this.metrics.error(code);
    connection.deliver(encodeServerMessage({ type: 'error', code, message }));
  }

  /** Mirrors a change into the store, after the connection's earlier writes (in order). */
  private persist(connection: Connection, write: (store: ConnectionStore) => Promise<void>): void {
    const previous = this.storeWrites.get(connection) ?? Promise.resolve();
    const next = previous.then(() => write(this.store)).catch(this.settings.onError);
    this.storeWrites.set(connection, next);
    this.work.track(next);
  }
}

/** `make`, remembering its last argument and result: every shard asks for the same trade in turn. */
function lastOf<T, R>(make: (value: T) => R): (value: T) => R {
  let last: T | undefined;
  let result: R | undefined;
  return (value) => {
    if (value !== last || result === undefined) {
      last = value;
      result = make(value);
    }
    return result;
  };
}
