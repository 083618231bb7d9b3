import {
  APPSYNC_EVENTS_PROTOCOL,
  type AppSyncAuthorization,
  type AppSyncEventsError,
  type AppSyncEventsServerMessage,
  authSubprotocol,
  parseClientMessage,
  parseTradeEvent,
  type ServerMessage,
  tradesChannel,
} from '@market-stream/core';
import type { WebSocketLike } from '../client/types.js';
import { appSyncErrorMessage } from './appSyncErrorMessage.js';
import type { HistoryClient } from './HistoryClient.js';
import { historyReplies } from './historyReplies.js';
import type { SubprotocolWebSocketConstructor } from './types.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
/** Close code (application range) when the adapter gives up on a connection itself. */
const GAVE_UP = 4000;

/** Everything one connection needs, resolved once by `appSyncEventsWebSocket`. */
export interface AppSyncSocketSettings {
  WebSocket: SubprotocolWebSocketConstructor;
  /** The authorization headers of this connection and its subscriptions. */
  authorization: () => AppSyncAuthorization;
  history: HistoryClient | undefined;
  recoveryLimit: number;
  maxRecoveredTrades: number;
  ackTimeoutMs: number;
  maxSymbols: number;
}

/** A subscription's outcome: AppSync's errors when refused, `cancelled` when no longer wanted. */
type Outcome = 'ok' | 'cancelled' | AppSyncEventsError[];

interface Subscription {
  id: string;
  symbol: string;
  settle?: (outcome: Outcome) => void;
}

let nextId = 0;
const subscriptionId = (): string =>
  globalThis.crypto?.randomUUID?.() ?? `sub-${Date.now().toString(36)}-${(nextId++).toString(36)}`;

/**
 * One AppSync Events realtime connection that speaks market-stream's wire protocol to
 * `createTickerClient`: it opens the socket with the `aws-appsync-event-ws` and `header-…`
 * subprotocols, sends `connection_init` and reports `open` on `connection_ack`; it translates
 * the client's `subscribe`/`unsubscribe` into one AppSync subscription per symbol channel and
 * answers `subscribed` plus the snapshot (and, for a `since`, the recovery) from the history
 * API; `ping` is answered `pong` here; `data` events become `trades` messages. It closes the
 * connection (so the client reconnects) when `ka` stops for `connectionTimeoutMs`, when no
 * `connection_ack` comes within `ackTimeoutMs`, and on `connection_error`.
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-websocket-protocol.html
 */
export class AppSyncEventsSocket implements WebSocketLike {
  readyState = CONNECTING;
  onopen: ((event: never) => void) | null = null;
  onmessage: ((event: never) => void) | null = null;
  onclose: ((event: never) => void) | null = null;
  onerror: ((event: never) => void) | null = null;

  private readonly socket: WebSocketLike;
  private readonly settings: AppSyncSocketSettings;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly symbolsById = new Map<string, string>();
  private readonly aborted = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private connectionTimeoutMs = 0;

  constructor(url: string, settings: AppSyncSocketSettings) {
    this.settings = settings;
    const socket = new settings.WebSocket(url, [
      APPSYNC_EVENTS_PROTOCOL.subprotocol,
      authSubprotocol(settings.authorization()),
    ]);
    this.socket = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: 'connection_init' }));
      this.arm(settings.ackTimeoutMs, 'no connection_ack from AppSync');
    };
    socket.onmessage = (event: { data?: unknown }) => {
      if (typeof event.data === 'string') this.receive(event.data);
    };
    socket.onclose = (event: { code?: number; reason?: string }) =>
      this.finish(event.code ?? 1006, event.reason ?? '');
    socket.onerror = () => this.emit(this.onerror, {});
  }

  send(data: string): void {
    if (this.readyState !== OPEN) return;
    const parsed = parseClientMessage(data, { maxSymbols: this.settings.maxSymbols });
    if (!parsed.ok) {
      this.later({ type: 'error', ...parsed.error });
      return;
    }
    const message = parsed.message;
    if (message.action === 'ping') this.later({ type: 'pong' });
    else if (message.action === 'unsubscribe') this.unsubscribe(message.symbols);
    else void this.subscribe(message.symbols, message.since);
  }

  close(code?: number, reason?: string): void {
    if (this.readyState >= CLOSING) return;
    this.readyState = CLOSING;
    this.stop();
    this.socket.close(code, reason);
  }

  /** Subscribes the symbol channels not yet subscribed, then answers as a server would. */
  private async subscribe(
    symbols: readonly string[],
    since: Record<string, number> | undefined,
  ): Promise<void> {
    const fresh = symbols.filter((symbol) => !this.subscriptions.has(symbol));
    if (this.subscriptions.size + fresh.length > this.settings.maxSymbols) {
      this.later({
        type: 'error',
        code: 'TOO_MANY_SYMBOLS',
        message: `a connection subscribes to at most ${this.settings.maxSymbols} symbols`,
      });
      return;
    }
    const authorization = this.settings.authorization();
    const outcomes = await Promise.all(
      fresh.map((symbol) => {
        const subscription: Subscription = { id: subscriptionId(), symbol };
        this.subscriptions.set(symbol, subscription);
        this.symbolsById.set(subscription.id, symbol);
        const channel = tradesChannel(symbol);
        this.socket.send(
          JSON.stringify({ type: 'subscribe', id: subscription.id, channel, authorization }),
        );
        return new Promise<Outcome>((settle) => {
          subscription.settle = settle;
        });
      }),
    );
    if (this.readyState !== OPEN) return;
    const added: string[] = [];
    const refused: string[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      const symbol = fresh[i] as string;
      if (outcome === 'ok') added.push(symbol);
      else if (outcome !== 'cancelled') {
        refused.push(symbol);
        this.forget(symbol);
        this.deliver(appSyncErrorMessage(outcome, 'INVALID_SYMBOL', tradesChannel(symbol)));
      }
    }
    this.deliver({ type: 'subscribed', symbols: [...this.subscriptions.keys()] });
    const replies = await historyReplies(added, refused, since, {
      history: this.settings.history,
      recoveryLimit: this.settings.recoveryLimit,
      maxRecoveredTrades: this.settings.maxRecoveredTrades,
      signal: this.aborted.signal,
    });
    for (const reply of replies) this.deliver(reply);
  }

  private unsubscribe(symbols: readonly string[]): void {
    for (const symbol of symbols) {
      const subscription = this.subscriptions.get(symbol);
      if (!subscription) continue;
      this.socket.send(JSON.stringify({ type: 'unsubscribe', id: subscription.id }));
      this.forget(symbol);
      subscription.settle?.('cancelled');
    }
    this.later({ type: 'subscribed', symbols: [...this.subscriptions.keys()] });
  }

  private forget(symbol: string): void {
    const subscription = this.subscriptions.get(symbol);
    if (!subscription) return;
    this.subscriptions.delete(symbol);
    this.symbolsById.delete(subscription.id);
  }

  private receive(text: string): void {
    let message: AppSyncEventsServerMessage;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    switch (message.type) {
      case 'connection_ack':
        this.connectionTimeoutMs = Number(message.connectionTimeoutMs) || 0;
        this.readyState = OPEN;
        this.keepAlive();
        this.emit(this.onopen, {});
        return;
      case 'ka':
        this.keepAlive();
        return;
      case 'subscribe_success':
        this.settle(message.id, 'ok');
        return;
      case 'subscribe_error':
        this.settle(message.id, Array.isArray(message.errors) ? message.errors : []);
        return;
      case 'data':
        this.data(message.id, message.event);
        return;
      case 'error':
        if (message.id !== undefined && this.settle(message.id, message.errors ?? [])) return;
        this.deliver(appSyncErrorMessage(message.errors, 'UNKNOWN_ACTION', 'AppSync'));
        return;
      case 'connection_error':
        // The connection was refused (the key or token, most often): say why, then close so
        // the client retries with backoff (a key rotated in the meantime is picked up).
        this.deliver(appSyncErrorMessage(message.errors, 'UNAUTHORIZED', 'the AppSync connection'));
        this.giveUp('AppSync refused the connection');
        return;
      default:
        return;
    }
  }

  /** Settles a pending subscription by id; false when no subscription waits on that id. */
  private settle(id: string, outcome: Outcome): boolean {
    const symbol = this.symbolsById.get(id);
    const subscription = symbol === undefined ? undefined : this.subscriptions.get(symbol);
    if (!subscription?.settle) return false;
    subscription.settle(outcome);
    subscription.settle = undefined;
    return true;
  }

  /** One event of a symbol channel: its trades of that symbol, as a `trades` message. */
  private data(id: string, event: unknown): void {
    const symbol = this.symbolsById.get(id);
    if (symbol === undefined) return;
    const trades = typeof event === 'string' ? parseTradeEvent(event) : undefined;
    if (!trades) {
      this.deliver({
        type: 'error',
        code: 'BAD_JSON',
        message: `an event on ${tradesChannel(symbol)} is not a trades message; dropped`,
      });
      return;
    }
    const own = trades.filter((trade) => trade.symbol === symbol);
    if (own.length > 0) this.deliver({ type: 'trades', trades: own });
  }

  /** `ka` (or the ack) arrived: the connection is alive for another `connectionTimeoutMs`. */
  private keepAlive(): void {
    if (this.connectionTimeoutMs > 0) {
      this.arm(
        this.connectionTimeoutMs,
        `no keep-alive from AppSync in ${this.connectionTimeoutMs} ms`,
      );
    } else {
      clearTimeout(this.timer);
    }
  }

  private arm(ms: number, reason: string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.giveUp(reason), ms);
  }

  /**
   * Closes a connection that is no use any more and reports the close at once: a dead
   * connection's close handshake may never finish, and the client reconnects on `onclose`.
   */
  private giveUp(reason: string): void {
    if (this.readyState >= CLOSING) return;
    const socket = this.socket;
    socket.onopen = socket.onmessage = socket.onclose = null;
    // Kept as a no-op: an EventEmitter-based socket (ws) throws on an unheard 'error'.
    socket.onerror = () => {};
    try {
      socket.close(GAVE_UP, reason);
    } catch {
      // A socket still connecting may refuse to close; it is dropped either way.
    }
    this.finish(GAVE_UP, reason);
  }

  private finish(code: number, reason: string): void {
    if (this.readyState === CLOSED) return;
    this.stop();
    this.readyState = CLOSED;
    this.emit(this.onclose, { code, reason, wasClean: code === 1000 });
  }

  /** Stops timers and history requests and settles every pending subscription. */
  private stop(): void {
    clearTimeout(this.timer);
    this.aborted.abort();
    for (const subscription of this.subscriptions.values()) subscription.settle?.('cancelled');
  }

  private deliver(message: ServerMessage): void {
    if (this.readyState >= CLOSING) return;
    this.emit(this.onmessage, { data: JSON.stringify(message) });
  }

  /** Delivers after the current call returns, as a server's answer would arrive. */
  private later(message: ServerMessage): void {
    queueMicrotask(() => this.deliver(message));
  }

  private emit(handler: ((event: never) => void) | null, event: object): void {
    (handler as ((event: object) => void) | null)?.(event);
  }
}
