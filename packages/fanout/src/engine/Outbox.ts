import { encodeServerMessage, type Trade } from '@market-stream/core';
import { SLOW_CONSUMER_CLOSE_CODE } from '../defaults.js';
import type { FanoutMetrics } from '../metrics/FanoutMetrics.js';
import type { SendOutcome, Transport } from '../types.js';
import { buildDeliveries } from './buildDeliveries.js';
import type { Connection } from './Connection.js';

/**
 * Sends to one connection at a time, in order and within its bounds: a message leaves at once
 * when the connection can take it; otherwise protocol messages wait in its bounded queue and
 * trades in its backlog (one per symbol in `latest` mode, every one in `all` mode), and all of
 * it leaves when the connection can take it again. Past a bound the connection is closed with
 * 1013. Internal to the engine, which decides what to send and when.
 */
export class Outbox {
  constructor(
    private readonly transport: Transport,
    private readonly metrics: FanoutMetrics,
    private readonly limits: {
      maxQueuedMessages: number;
      maxQueuedBytes: number;
      maxBacklogTrades: number;
    },
    private readonly hooks: {
      /** The connection has something waiting: its shard's next flush must drain it. */
      markSpecial(connection: Connection): void;
      /** Forgets a connection that is gone or was closed as a slow consumer. */
      disconnect(id: string): void;
      /** Keeps an asynchronous send or close until it settles (for `settled()`). */
      track(work: Promise<unknown>): void;
      onError(error: unknown): void;
    },
  ) {}

  /** Sends a window's message, or backlogs its trades when the connection cannot take it now. */
  deliverTrades(connection: Connection, payload: string, trades: readonly Trade[]): void {
    if (connection.queue.length === 0 && !connection.hasTradeBacklog && !this.blocked(connection)) {
      this.send(connection, payload);
      return;
    }
    this.backlog(connection, trades);
    if (!connection.closed) this.hooks.markSpecial(connection);
  }

  /**
   * Holds trades for a connection that cannot take them now: in `latest` mode only the newest
   * per symbol (fresh prices when it catches up); in `all` mode every one, up to
   * `maxBacklogTrades`, past which the connection is closed with 1013.
   */
  backlog(connection: Connection, trades: readonly Trade[]): void {
    if (connection.mode === 'latest') {
      connection.pendingLatest ??= new Map();
      const pending = connection.pendingLatest;
      for (const trade of trades) {
        if (!connection.symbolSet.has(trade.symbol)) continue;
        const held = pending.get(trade.symbol);
        if (held !== undefined && held.seq >= trade.seq) continue;
        if (held !== undefined) this.metrics.drop('conflated');
        pending.set(trade.symbol, trade);
      }
      return;
    }
    connection.pendingAll ??= [];
    const pending = connection.pendingAll;
    for (const trade of trades) {
      if (connection.symbolSet.has(trade.symbol)) pending.push(trade);
    }
    if (pending.length > this.limits.maxBacklogTrades) {
      this.closeSlow(
        connection,
        pending.length,
        `slow consumer: more than ${this.limits.maxBacklogTrades} trades waiting`,
      );
    }
  }

  /** Sends a message now, or queues it behind earlier ones (bounded: past it, 1013). */
  deliver(connection: Connection, payload: string): void {
    if (connection.closed) return;
    if (connection.queue.length === 0 && !this.blocked(connection)) {
      this.send(connection, payload);
      return;
    }
    connection.queue.push(payload);
    connection.queuedChars += payload.length;
    if (
      connection.queue.length > this.limits.maxQueuedMessages ||
      connection.queuedChars > this.limits.maxQueuedBytes
    ) {
      this.closeSlow(
        connection,
        connection.queue.length,
        `slow consumer: more than ${this.limits.maxQueuedMessages} messages or ${this.limits.maxQueuedBytes} characters queued`,
      );
      return;
    }
    this.hooks.markSpecial(connection);
  }

  /** Sends what waits for a connection while it can take it: queued messages, then its trades. */
  drain(connection: Connection): void {
    while (connection.queue.length > 0 && !connection.closed && !this.blocked(connection)) {
      const payload = connection.queue.shift()!;
      connection.queuedChars -= payload.length;
      this.send(connection, payload);
    }
    if (
      !connection.hasTradeBacklog ||
      connection.queue.length > 0 ||
      connection.closed ||
      this.blocked(connection)
    ) {
      return;
    }
    const latest = connection.pendingLatest;
    const all = connection.pendingAll;
    connection.pendingLatest = undefined;
    connection.pendingAll = undefined;
    let payload: string | undefined;
    if (latest !== undefined && latest.size > 0) {
      const fresh = connection.symbols
        .map((symbol) => latest.get(symbol))
        .filter((trade): trade is Trade => trade !== undefined);
      if (fresh.length > 0) payload = encodeServerMessage({ type: 'trades', trades: fresh });
    } else if (all !== undefined && all.length > 0) {
      payload = buildDeliveries(all, [connection], 'all')[0]?.payload;
    }
    if (payload !== undefined) this.send(connection, payload);
  }

  private blocked(connection: Connection): boolean {
    if (connection.inFlight) return true;
    try {
      return this.transport.isBackpressured?.(connection.id) === true;
    } catch {
      return false;
    }
  }

  private closeSlow(connection: Connection, dropped: number, reason: string): void {
    this.metrics.drop('slow_consumer', dropped);
    const id = connection.id;
    this.hooks.disconnect(id);
    try {
      const closing = this.transport.close?.(id, SLOW_CONSUMER_CLOSE_CODE, reason);
      if (closing instanceof Promise) this.hooks.track(closing.catch(this.hooks.onError));
    } catch (error) {
      this.hooks.onError(error);
    }
  }

  private send(connection: Connection, payload: string): void {
    let outcome: SendOutcome | Promise<SendOutcome>;
    try {
      outcome = this.transport.send(connection.id, payload);
    } catch (error) {
      this.hooks.onError(error);
      outcome = 'failed';
    }
    if (typeof outcome === 'string') {
      this.settle(connection, payload, outcome, false);
      return;
    }
    connection.inFlight = true;
    this.hooks.track(
      outcome.then(
        (result) => this.settle(connection, payload, result, true),
        (error: unknown) => {
          this.hooks.onError(error);
          this.settle(connection, payload, 'failed', true);
        },
      ),
    );
  }

  private settle(
    connection: Connection,
    payload: string,
    outcome: SendOutcome,
    later: boolean,
  ): void {
    connection.inFlight = false;
    if (outcome === 'sent') {
      this.metrics.messagesOut++;
      this.metrics.bytesOut += payload.length;
    } else if (outcome === 'gone') {
      this.metrics.drop('gone');
      this.hooks.disconnect(connection.id);
      return;
    } else {
      this.metrics.drop('send_failed');
    }
    // An asynchronous send settled: the next queued message may go now, in order.
    if (later && connection.special && !connection.closed) this.drain(connection);
  }
}
