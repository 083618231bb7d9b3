import {
  encodeServerMessage,
  type ProtocolOutcome,
  type ServerMessage,
  type Trade,
} from '@market-stream/core';
import { SLOW_CONSUMER_CLOSE_CODE } from '../defaults.js';
import type { FanoutMetrics } from '../metrics/FanoutMetrics.js';
import type { ConnectionRecord, DeliveryMode, SendOutcome, Transport } from '../types.js';
import { buildDeliveries } from './buildDeliveries.js';
import type { PendingWork } from './PendingWork.js';
import type { TokenBucket } from './TokenBucket.js';

/**
 * What a connection tells its engine, the only way back from a send:
 * - `waiting`: something is held for it (queued messages, a trade backlog, snapshot floors), so
 *   its shard's next flush must treat it on its own;
 * - `gone`: the transport no longer knows it;
 * - `too slow`: it passed one of its bounds and is being closed with 1013.
 */
export type ConnectionEvent = 'waiting' | 'gone' | 'too slow';

/** What every connection of one engine shares: where it sends, what it counts, its bounds. */
export interface ConnectionLink {
  readonly transport: Transport;
  readonly metrics: FanoutMetrics;
  readonly limits: {
    readonly maxQueuedMessages: number;
    readonly maxQueuedBytes: number;
    readonly maxBacklogTrades: number;
  };
  /** Where asynchronous sends and closes are kept until they settle (for `settled()`). */
  readonly work: PendingWork;
  readonly onError: (error: unknown) => void;
  /** Scheduler time, ms. */
  readonly now: () => number;
  /** Hears every {@link ConnectionEvent}. */
  readonly report: (connection: Connection, event: ConnectionEvent) => void;
}

/**
 * One connection of the engine: its subscriptions and rate limit, and everything on its way to
 * it. A message leaves at once when the connection can take it; otherwise protocol messages wait
 * in its bounded queue and trades in its backlog (one per symbol in `latest` mode, every one in
 * `all` mode), and all of it leaves, in order, when the connection can take it again. Past a
 * bound it is closed with 1013. Internal; the public shape is {@link ConnectionRecord}, which
 * this satisfies so `buildDeliveries` reads it without copying.
 */
export class Connection implements ConnectionRecord {
  /** Subscribed symbols, sorted. */
  symbols: string[] = [];
  readonly symbolSet = new Set<string>();
  private forgotten = false;
  /** When a `RATE_LIMITED` error was last sent, so a flood gets one notice per second. */
  private rateNoticeAt = Number.NEGATIVE_INFINITY;
  /** Messages the transport could not take yet, oldest first (bounded). */
  private readonly queue: string[] = [];
  private queuedChars = 0;
  /** `latest` mode backlog: the newest undelivered trade per symbol, sent when writable. */
  private pendingLatest: Map<string, Trade> | undefined;
  /** `all` mode backlog: every undelivered trade, sent as one message when writable. */
  private pendingAll: Trade[] | undefined;
  /** Per symbol, the `seq` its snapshot carried: trades up to it are not sent again. */
  private floors: Map<string, number> | undefined;
  /** A send to this connection has not settled yet (asynchronous transports). */
  private inFlight = false;
  /** When its last `trades` message left, scheduler time (`directSend` judges quiet by it). */
  lastTradesAt = Number.NEGATIVE_INFINITY;
  /** Its shard's window in which a trade was held for it (`directSend`), -1 for none. */
  heldIn = -1;
  /** How many of its shard's pending trades it already has, sent at once (`directSend`). */
  sentThrough = 0;

  constructor(
    readonly id: string,
    readonly shard: number,
    readonly connectedAt: number,
    readonly mode: DeliveryMode,
    private readonly bucket: TokenBucket,
    private readonly link: ConnectionLink,
  ) {}

  /** Whether the engine forgot it (gone, too slow, disconnected): nothing is sent any more. */
  get closed(): boolean {
    return this.forgotten;
  }

  /** The engine forgot it: from now on nothing is sent or queued. */
  forget(): void {
    this.forgotten = true;
  }

  /** Whether the next flush must treat this connection on its own (a queue, backlog or floors). */
  get special(): boolean {
    return this.queue.length > 0 || this.hasTradeBacklog || (this.floors?.size ?? 0) > 0;
  }

  /**
   * Takes a token for one client message: `accepted`, or `refused` (`refused, notify` at most
   * once a second, when the client should be told).
   */
  admit(now: number): 'accepted' | 'refused' | 'refused, notify' {
    if (this.bucket.take(now)) return 'accepted';
    if (now - this.rateNoticeAt < 1_000) return 'refused';
    this.rateNoticeAt = now;
    return 'refused, notify';
  }

  /**
   * Takes the protocol's new set. Backlogged trades of re-added symbols are dropped (their
   * snapshot supersedes them), and floors of removed ones forgotten.
   */
  changeSymbols({ added, removed, symbols }: ProtocolOutcome): void {
    for (const symbol of added) this.pendingLatest?.delete(symbol);
    if (this.pendingAll !== undefined && added.length > 0) {
      const dropped = new Set(added);
      this.pendingAll = this.pendingAll.filter((trade) => !dropped.has(trade.symbol));
    }
    for (const symbol of removed) this.floors?.delete(symbol);
    for (const symbol of added) this.symbolSet.add(symbol);
    for (const symbol of removed) this.symbolSet.delete(symbol);
    this.symbols = symbols;
  }

  /** Sends a snapshot; later trades of its symbols start past it (the floors). */
  sendSnapshot(trades: readonly Trade[]): void {
    const floors = new Map(trades.map((trade) => [trade.symbol, trade.seq]));
    this.sendCatchUp([{ type: 'snapshot', trades: [...trades] }], floors);
  }

  /**
   * Sends what brings newly added symbols up to date (a snapshot, or a recovery's trades,
   * snapshot and `recovery` message) through the bounded queue; later trades of each symbol
   * start past its floor, the highest `seq` it now holds, so a trade pending in its shard's
   * window is neither lost nor sent twice.
   */
  sendCatchUp(messages: readonly ServerMessage[], floors: ReadonlyMap<string, number>): void {
    for (const [symbol, seq] of floors) {
      this.floors ??= new Map();
      this.floors.set(symbol, seq);
    }
    for (const message of messages) this.deliver(encodeServerMessage(message));
    if (this.special && !this.closed) this.link.report(this, 'waiting');
  }

  /** Sends a message now, or queues it behind earlier ones (bounded: past it, 1013). */
  deliver(payload: string): void {
    if (this.closed) return;
    if (this.queue.length === 0 && !this.blocked()) {
      this.send(payload);
      return;
    }
    this.queue.push(payload);
    this.queuedChars += payload.length;
    const { maxQueuedMessages, maxQueuedBytes } = this.link.limits;
    if (this.queue.length > maxQueuedMessages || this.queuedChars > maxQueuedBytes) {
      this.closeSlow(
        this.queue.length,
        `slow consumer: more than ${maxQueuedMessages} messages or ${maxQueuedBytes} characters queued`,
      );
      return;
    }
    this.link.report(this, 'waiting');
  }

  /**
   * Sends a `trades` message (a window's shared one, or one trade sent at once), or backlogs
   * its trades when it cannot take it now.
   */
  deliverTrades(payload: string, trades: readonly Trade[], now: number): void {
    if (this.queue.length === 0 && !this.hasTradeBacklog && !this.blocked()) {
      this.lastTradesAt = now;
      this.send(payload);
      return;
    }
    this.backlog(trades);
    if (!this.closed) this.link.report(this, 'waiting');
  }

  /**
   * Takes a window on its own (a special connection): the trades past its floors join whatever
   * waits, and all of it leaves as one message when it can.
   */
  takeWindow(trades: readonly Trade[]): void {
    if (this.closed) return;
    let mine = trades;
    const floors = this.floors;
    if (floors !== undefined && floors.size > 0) {
      mine = trades.filter((trade) => trade.seq > (floors.get(trade.symbol) ?? 0));
      this.floors = undefined;
    }
    this.backlog(mine);
    this.drain();
  }

  /** The record a {@link ConnectionStore} keeps. */
  toRecord(): ConnectionRecord {
    return {
      id: this.id,
      shard: this.shard,
      symbols: [...this.symbols],
      connectedAt: this.connectedAt,
      mode: this.mode,
    };
  }

  private get hasTradeBacklog(): boolean {
    return (this.pendingLatest?.size ?? 0) > 0 || (this.pendingAll?.length ?? 0) > 0;
  }

  /**
   * Holds trades it cannot take now: in `latest` mode only the newest per symbol (fresh prices
   * when it catches up); in `all` mode every one, up to `maxBacklogTrades`, past which it is
   * closed with 1013.
   */
  private backlog(trades: readonly Trade[]): void {
    if (this.mode === 'latest') {
      this.pendingLatest ??= new Map();
      const pending = this.pendingLatest;
      for (const trade of trades) {
        if (!this.symbolSet.has(trade.symbol)) continue;
        const held = pending.get(trade.symbol);
        if (held !== undefined && held.seq >= trade.seq) continue;
        if (held !== undefined) this.link.metrics.drop('conflated');
        pending.set(trade.symbol, trade);
      }
      return;
    }
    this.pendingAll ??= [];
    const pending = this.pendingAll;
    for (const trade of trades) {
      if (this.symbolSet.has(trade.symbol)) pending.push(trade);
    }
    const { maxBacklogTrades } = this.link.limits;
    if (pending.length > maxBacklogTrades) {
      this.closeSlow(pending.length, `slow consumer: more than ${maxBacklogTrades} trades waiting`);
    }
  }

  /** Sends what waits while it can take it: queued messages, then its trades as one message. */
  private drain(): void {
    while (this.queue.length > 0 && !this.closed && !this.blocked()) {
      const payload = this.queue.shift()!;
      this.queuedChars -= payload.length;
      this.send(payload);
    }
    if (!this.hasTradeBacklog || this.queue.length > 0 || this.closed || this.blocked()) return;
    const latest = this.pendingLatest;
    const all = this.pendingAll;
    this.pendingLatest = undefined;
    this.pendingAll = undefined;
    let payload: string | undefined;
    if (latest !== undefined && latest.size > 0) {
      const fresh = this.symbols
        .map((symbol) => latest.get(symbol))
        .filter((trade): trade is Trade => trade !== undefined);
      if (fresh.length > 0) payload = encodeServerMessage({ type: 'trades', trades: fresh });
    } else if (all !== undefined && all.length > 0) {
      payload = buildDeliveries(all, [this], 'all')[0]?.payload;
    }
    if (payload === undefined) return;
    this.lastTradesAt = this.link.now();
    this.send(payload);
  }

  private blocked(): boolean {
    if (this.inFlight) return true;
    try {
      return this.link.transport.isBackpressured?.(this.id) === true;
    } catch {
      return false;
    }
  }

  private closeSlow(dropped: number, reason: string): void {
    const { metrics, transport, work, onError } = this.link;
    metrics.drop('slow_consumer', dropped);
    this.link.report(this, 'too slow');
    try {
      const closing = transport.close?.(this.id, SLOW_CONSUMER_CLOSE_CODE, reason);
      if (closing instanceof Promise) work.track(closing.catch(onError));
    } catch (error) {
      onError(error);
    }
  }

  private send(payload: string): void {
    let outcome: SendOutcome | Promise<SendOutcome>;
    try {
      outcome = this.link.transport.send(this.id, payload);
    } catch (error) {
      this.link.onError(error);
      outcome = 'failed';
    }
    if (typeof outcome === 'string') {
      this.settle(payload, outcome, false);
      return;
    }
    this.inFlight = true;
    this.link.work.track(
      outcome.then(
        (result) => this.settle(payload, result, true),
        (error: unknown) => {
          this.link.onError(error);
          this.settle(payload, 'failed', true);
        },
      ),
    );
  }

  private settle(payload: string, outcome: SendOutcome, later: boolean): void {
    this.inFlight = false;
    const { metrics } = this.link;
    if (outcome === 'sent') {
      metrics.messagesOut++;
      metrics.bytesOut += payload.length;
    } else if (outcome === 'gone') {
      metrics.drop('gone');
      this.link.report(this, 'gone');
      return;
    } else {
      metrics.drop('send_failed');
    }
    // An asynchronous send settled: the next queued message may go now, in order.
    if (later && this.special && !this.closed) this.drain();
  }
}
