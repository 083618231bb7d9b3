import type { ProtocolError, SeqAnomaly, Trade, UnrecoveredReason } from '@market-stream/core';
import type { Observable, SchedulerLike } from 'rxjs';
import type { ReconnectOptions, RecoveryOptions } from '../defaults.js';

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
 * Why a symbol's missed trades did not come back after a reconnect: the server's reason
 * (`EXPIRED`, `TOO_MANY`, `UNAVAILABLE`, `LATEST`, `AHEAD`, see core's `UNRECOVERED_REASONS`),
 * or the client's own:
 * - `TIMEOUT`: no `recovery` answer within `recover.timeoutMs` (a server that ignores `since`);
 * - `OVERFLOW`: more than `recover.maxHeldTrades` trades arrived while waiting for the answer.
 *
 * @example
 * ```ts
 * import type { RecoveryFailure } from '@market-stream/client';
 *
 * const reason: RecoveryFailure = 'TIMEOUT';
 * ```
 */
export type RecoveryFailure = UnrecoveredReason | 'TIMEOUT' | 'OVERFLOW';

/**
 * A symbol whose missed trades did not come back, with the `seq` range lost (inclusive, when
 * known). `gaps$` reports the same range once, when the symbol's next trade arrives (except
 * for `AHEAD`: the symbol's sequence started again and nothing is compared with it).
 *
 * @example
 * ```ts
 * import type { UnrecoveredSymbol } from '@market-stream/client';
 *
 * const lost: UnrecoveredSymbol = { symbol: 'TSLA', reason: 'EXPIRED', from: 1042, to: 2998 };
 * ```
 */
export interface UnrecoveredSymbol {
  symbol: string;
  reason: RecoveryFailure;
  /** First `seq` lost. */
  from?: number;
  /** Last `seq` lost. */
  to?: number;
}

/**
 * What came back after one reconnect, emitted on {@link TickerClient.recovered$} once every
 * symbol the client asked to recover was answered (or the wait timed out).
 *
 * @example
 * ```ts
 * import type { RecoveryReport } from '@market-stream/client';
 *
 * const report: RecoveryReport = {
 *   total: 58,
 *   recovered: { AAPL: 58, MSFT: 0 },
 *   unrecovered: [{ symbol: 'TSLA', reason: 'EXPIRED', from: 1042, to: 2998 }],
 * };
 * ```
 */
export interface RecoveryReport {
  /** Trades recovered over all symbols. */
  total: number;
  /** Per symbol recovered, how many of its trades came back (0: nothing was missed). */
  recovered: Record<string, number>;
  /** The symbols not recovered, with the reason and the range lost. */
  unrecovered: UnrecoveredSymbol[];
}

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
   * Recovery by `seq` after a reconnect: the client sends the last `seq` it holds per symbol
   * (`since`), so the server sends the trades missed while disconnected, or says why it
   * cannot. `false` turns it off: a reconnect then only takes the snapshot, as servers without
   * recovery do. Missing fields take {@link DEFAULT_RECOVERY}'s values.
   * @default true (DEFAULT_RECOVERY)
   */
  recover?: boolean | Partial<RecoveryOptions>;
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
 * reconnect the client resubscribes to every symbol with the last `seq` it holds, applies the
 * recovered trades and then the live ones without a duplicate or a hole (or, where the server
 * could not recover, the snapshot and one gap on `gaps$`); memory is bounded by `maxSymbols`
 * (one latest trade, one seq and one timestamp per symbol) plus, while waiting for a
 * `recovery` answer, at most `recover.maxHeldTrades` trades — nothing is queued while
 * disconnected.
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
   * Breaks in a symbol's `seq` (core's `detectGaps` semantics). Across a reconnect only what
   * could not be recovered is reported: one gap per symbol naming the range lost (none when
   * the server's sequence started again, `AHEAD`). With `recover: false` the baseline resets
   * with every reconnect's snapshot, so a reconnect is not reported as a gap.
   */
  readonly gaps$: Observable<SeqAnomaly>;
  /**
   * One {@link RecoveryReport} per reconnect that asked to recover trades (the client held a
   * `seq` of a symbol), once every symbol was answered or the wait timed out: how many trades
   * came back, and which symbols could not be recovered, why and what range was lost. Never
   * emits with `recover: false`.
   *
   * @example
   * ```ts
   * client.recovered$.subscribe(({ total, unrecovered }) =>
   *   console.log(`reconnected, ${total} trades recovered, ${unrecovered.length} symbols not`),
   * );
   * ```
   */
  readonly recovered$: Observable<RecoveryReport>;
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
