import type { Trade } from '@market-stream/core';
import type { ConnectionRecord, DeliveryMode } from '../types.js';
import type { TokenBucket } from './TokenBucket.js';

/**
 * The engine's state of one connection: its subscriptions, rate limit and outbox. Internal; the
 * public shape is {@link ConnectionRecord}, which this satisfies so `buildDeliveries` reads it
 * without copying.
 */
export class Connection implements ConnectionRecord {
  /** Subscribed symbols, sorted. */
  symbols: string[] = [];
  readonly symbolSet = new Set<string>();
  /** When a `RATE_LIMITED` error was last sent, so a flood gets one notice per second. */
  rateNoticeAt = Number.NEGATIVE_INFINITY;
  /** Messages the transport could not take yet, oldest first (bounded by the engine). */
  readonly queue: string[] = [];
  queuedChars = 0;
  /** `latest` mode backlog: the newest undelivered trade per symbol, sent when writable. */
  pendingLatest: Map<string, Trade> | undefined;
  /** `all` mode backlog: every undelivered trade, sent as one message when writable. */
  pendingAll: Trade[] | undefined;
  /** Per symbol, the `seq` its snapshot carried: trades up to it are not sent again. */
  floors: Map<string, number> | undefined;
  /** A send to this connection has not settled yet (asynchronous transports). */
  inFlight = false;
  closed = false;
  /** Store writes for this connection, chained so they apply in order. */
  storeChain: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly shard: number,
    readonly connectedAt: number,
    readonly mode: DeliveryMode,
    readonly bucket: TokenBucket,
  ) {}

  /** Whether trades wait for this connection (it could not take them when they were due). */
  get hasTradeBacklog(): boolean {
    return (this.pendingLatest?.size ?? 0) > 0 || (this.pendingAll?.length ?? 0) > 0;
  }

  /** Whether the next flush must treat this connection on its own (floors or a backlog). */
  get special(): boolean {
    return this.queue.length > 0 || this.hasTradeBacklog || (this.floors?.size ?? 0) > 0;
  }

  /** Drops backlogged trades of `symbols` (re-subscribed: their snapshot supersedes them). */
  forgetBacklog(symbols: readonly string[]): void {
    for (const symbol of symbols) this.pendingLatest?.delete(symbol);
    if (this.pendingAll !== undefined) {
      const dropped = new Set(symbols);
      this.pendingAll = this.pendingAll.filter((trade) => !dropped.has(trade.symbol));
    }
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
}
