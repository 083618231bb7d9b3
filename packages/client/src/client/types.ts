import type { ProtocolError, SeqAnomaly, Trade } from '@market-stream/core';
import type { Observable, SchedulerLike } from 'rxjs';
import type { ReconnectOptions } from '../defaults.js';

/**
 * Where a {@link TickerClient}'s connection stands.
 *
 * - `connecting`: the first connection attempt is under way.
 * - `open`: connected; subscriptions are live.
 * - `reconnecting`: the connection dropped; waiting for or making the next attempt.
 * - `closed`: `close()` was called, or the connection dropped with `reconnect: false`. Final.
 *
 * @example
 * ```ts
 * import type { ConnectionStatus } from '@market-stream/client';
 *
 * const status: ConnectionStatus = 'reconnecting';
 * ```
 */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * The part of the WebSocket API the client uses. The browser's `WebSocket` and the `ws`
 * package's `WebSocket` both fit.
 *
 * @example
 * ```ts
 * import type { WebSocketLike } from '@market-stream/client';
 * import { WebSocket } from 'ws';
 *
 * const socket: WebSocketLike = new WebSocket('ws://127.0.0.1:3000/ws');
 * ```
 */
export interface WebSocketLike {
  /** 1 when open, as in the WHATWG WebSocket API. */
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  // `never` parameters let any implementation's own event types fit.
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}

/**
 * A WebSocket constructor: `globalThis.WebSocket` in browsers, `WebSocket` from `ws` in Node.
 *
 * @example
 * ```ts
 * import type { WebSocketConstructor } from '@market-stream/client';
 * import { WebSocket } from 'ws';
 *
 * const Impl: WebSocketConstructor = WebSocket;
 * ```
 */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/**
 * Options of {@link createTickerClient}.
 *
 * @example
 * ```ts
 * import type { TickerClientOptions } from '@market-stream/client';
 *
 * const options: TickerClientOptions = {
 *   url: 'wss://example.com/ws',
 *   symbols: ['AAPL', 'MSFT'],
 *   reconnect: { initialDelayMs: 250, maxDelayMs: 10_000 },
 *   staleAfterMs: 5_000,
 * };
 * ```
 */
export interface TickerClientOptions {
  /** The server's WebSocket URL: a market-stream fan-out server or an API Gateway WebSocket stage. */
  url: string;
  /**
   * Symbols to subscribe to from the start.
   * @default []
   */
  symbols?: readonly string[];
  /**
   * The WebSocket implementation. Required in Node 20, which has no global `WebSocket`.
   * @default globalThis.WebSocket
   */
  WebSocket?: WebSocketConstructor;
  /**
   * Reconnect policy (exponential backoff with full jitter), or `false` to stay closed after
   * the first drop. Missing fields take {@link DEFAULT_RECONNECT}'s values.
   * @default DEFAULT_RECONNECT
   */
  reconnect?: Partial<ReconnectOptions> | false;
  /**
   * Credentials, sent as `?token=…` on the connection URL.
   * @default undefined
   */
  token?: string;
  /**
   * A symbol with no trade for this long is reported in `stale$`.
   * @default 10000
   */
  staleAfterMs?: number;
  /**
   * Interval of keep-alive pings while open; `0` turns them off.
   * @default 30000
   */
  pingIntervalMs?: number;
  /**
   * Most symbols the client tracks; `subscribe` beyond it throws {@link TooManySymbolsError}.
   * @default 1000
   */
  maxSymbols?: number;
  /**
   * Scheduler of every timer (reconnect delays, stale checks, pings); tests pass a virtual one.
   * @default asyncScheduler
   */
  scheduler?: SchedulerLike;
  /**
   * Source of the reconnect jitter, returning values in [0, 1).
   * @default Math.random
   */
  random?: () => number;
}

/**
 * A live connection to a market-stream server, returned by {@link createTickerClient}.
 *
 * Guarantees: per symbol, `trades$` emits in `seq` order with duplicates removed; after a
 * reconnect the client resubscribes to every symbol and applies the server's snapshot before
 * any newer trade; memory is bounded by `maxSymbols` (one latest trade, one seq and one
 * timestamp per symbol) — nothing is queued while disconnected.
 *
 * @example
 * ```ts
 * import { createTickerClient } from '@market-stream/client';
 *
 * const client = createTickerClient({ url: 'ws://localhost:3000/ws', symbols: ['AAPL'] });
 * client.trades$.subscribe((trade) => console.log(trade.symbol, trade.price));
 * ```
 */
export interface TickerClient {
  /** The connection status; replays the current value to new subscribers. */
  readonly status$: Observable<ConnectionStatus>;
  /** Every accepted trade (snapshot trades included), per symbol in `seq` order. */
  readonly trades$: Observable<Trade>;
  /** The newest trade per subscribed symbol, a new map after every message that changed it. */
  readonly latest$: Observable<ReadonlyMap<string, Trade>>;
  /**
   * Breaks in a symbol's `seq` within one connection (core's `detectGaps` semantics). The
   * baseline resets with every snapshot, so a reconnect is not reported as a gap.
   */
  readonly gaps$: Observable<SeqAnomaly>;
  /** The symbols with no trade for `staleAfterMs`; replays the current set. */
  readonly stale$: Observable<ReadonlySet<string>>;
  /** Errors the server reported (`{"type":"error"}` messages); the connection stays up. */
  readonly errors$: Observable<ProtocolError>;
  /** The symbols the client is subscribed to (or will be once connected). */
  readonly symbols: readonly string[];
  /** The newest trade of `symbol`, if any arrived. */
  latest(symbol: string): Trade | undefined;
  /** Adds symbols; throws {@link InvalidSymbolError} or {@link TooManySymbolsError}, subscribing none. */
  subscribe(symbols: readonly string[]): void;
  /** Removes symbols and forgets their latest trades. */
  unsubscribe(symbols: readonly string[]): void;
  /** Closes the connection for good and completes every observable. */
  close(): void;
}
