import type { ProtocolLimits, Trade } from '@market-stream/core';
import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import type { FanoutMetrics } from '../metrics/FanoutMetrics.js';
import type { ConnectionStore, DeliveryMode, Transport } from '../types.js';

/**
 * Options of {@link createFanout}. Every default lives in `ENGINE_DEFAULTS`.
 *
 * @example
 * ```ts
 * import type { FanoutOptions } from '@market-stream/fanout';
 *
 * const options: FanoutOptions = { transport, mode: 'all', flushIntervalMs: 25 };
 * ```
 */
export interface FanoutOptions {
  /** Where messages go: the `ws` transport of `serveFanout`, API Gateway's, or your own. */
  transport: Transport;
  /**
   * Registry the engine mirrors every connection and subscription change into (writes only;
   * the engine keeps its own in-memory index for delivery).
   * @default new MemoryConnectionStore({ shards })
   */
  store?: ConnectionStore;
  /** Trades to fan out; subscribed at once. More can be added with `attach()`. */
  source?: Observable<Trade>;
  /**
   * Shards connections are spread over by a hash of their id; each flushes on its own timer.
   * @default 16
   */
  shards?: number;
  /**
   * Flush window when not under load, ms: each connection gets at most one `trades` message per
   * window.
   * @default 50
   */
  flushIntervalMs?: number;
  /**
   * Widest the window grows under load, ms (see {@link createFanout} on adaptation). Set it to
   * `flushIntervalMs` to turn adaptation off.
   * @default 200
   */
  maxFlushIntervalMs?: number;
  /**
   * Share of the time (CPU) flushing should take under load, 0…1: the window is sized to it,
   * within `flushIntervalMs`…`maxFlushIntervalMs`. Higher gives lower latency on a machine
   * whose cores the engine has to itself; lower leaves more room for other work, or for clients
   * on the same machine.
   * @default 0.65
   */
  targetFlushLoad?: number;
  /**
   * Delivery mode of connections that do not ask for their own: `latest` (newest trade per
   * symbol per window) or `all` (every trade in `seq` order).
   * @default 'latest'
   */
  mode?: DeliveryMode;
  /** Protocol limits: message size, symbols per connection, symbol pattern. */
  limits?: Partial<ProtocolLimits>;
  /**
   * Client messages per second a connection may send on average (`RATE_LIMITED` past it).
   * @default 20
   */
  maxMessagesPerSecond?: number;
  /**
   * Client messages a connection may send in a burst.
   * @default 50
   */
  messageBurst?: number;
  /**
   * Protocol messages (`subscribed`, `snapshot`, `pong`, `error`) queued for a connection that
   * cannot take more, before it is closed with 1013.
   * @default 256
   */
  maxQueuedMessages?: number;
  /**
   * Characters of those queued messages before the connection is closed with 1013.
   * @default 8388608
   */
  maxQueuedBytes?: number;
  /**
   * Trades waiting for an `all`-mode connection that cannot take more, before it is closed
   * with 1013.
   * @default 10000
   */
  maxBacklogTrades?: number;
  /**
   * Trades a shard holds between flushes; reaching it flushes the shard early.
   * @default 20000
   */
  maxPendingTrades?: number;
  /**
   * Send a trade at once, as its own `trades` message, to a connection whose last `trades`
   * message left at least a window ago and for which nothing waits (no queue, backlog, snapshot
   * floor or held trade). While its updates come faster than that, they are held and merged at
   * its shard's next flush, which is never delayed for it: a quiet connection sees a direct
   * send's latency, a busy one gets one `trades` message per flush (a direct send and the flush
   * after it can fall within one window, so at most two). Per symbol the order holds across
   * both paths (`all`: every trade once, in `seq` order; `latest`: never an older trade after a
   * newer one). `false` keeps window-only batching: every trade waits for its shard's flush.
   * @default true
   */
  directSend?: boolean;
  /**
   * Check every source value with `validateTrade` and drop invalid ones (`invalid_trade`).
   * @default true
   */
  validateTrades?: boolean;
  /**
   * How far past its symbol's newest `seq` a source trade's `seq` may jump. A trade further
   * ahead is dropped (`seq_gap`) and reported through `onError` as a `SequenceGapError` (at
   * most once per symbol per minute), so one trade at 2⁵³−1 cannot freeze its symbol by making
   * every later trade look stale. A source that really skips more than this for a symbol (it
   * missed that many of its trades) needs a new engine, or a larger bound. `Infinity` turns the
   * check off.
   * @default 100000
   */
  maxSeqGap?: number;
  /**
   * Symbols the engine keeps a newest trade for (the snapshot source and the duplicate filter),
   * about 250 bytes each: ~2.5 MB at the default. A trade of a new symbol when full replaces the
   * symbol without subscribers that has been idle longest (since its last trade, or since its
   * last subscriber left if that came later; its next trades are then treated as a new
   * symbol's); when every kept symbol has a subscriber, it is dropped
   * (`symbol_limit`) and reported through `onError` as a `SymbolLimitError` (at most once a
   * minute). Subscribed symbols are never evicted. `Infinity` lifts the bound.
   * @default 10000
   */
  maxSymbols?: number;
  /**
   * The replay buffer a subscribe's `since` recovers from (see {@link createFanout},
   * "Recovery"): every trade the engine accepts is kept, per symbol in `seq` order, within
   * `tradesPerSymbol` per symbol, `maxTrades` over all symbols (the oldest of all goes first)
   * and `maxAgeMs` from its arrival; about 220 bytes per trade (`metrics.replayBytes`).
   * `false` keeps nothing: every `since` is answered `UNAVAILABLE` with the snapshot.
   * @default { tradesPerSymbol: 1000, maxTrades: 100000, maxAgeMs: 120000 }
   */
  replay?: false | ReplayOptions;
  /**
   * Most trades one subscribe's recovery sends, over all its symbols; a symbol that would take
   * the answer past it is not recovered (`TOO_MANY`) and gets the snapshot. The answer goes
   * through the connection's bounded queue (`maxQueuedMessages`, `maxQueuedBytes`).
   * @default 5000
   */
  maxRecoveredTrades?: number;
  /**
   * Times flush windows and rate limits; its `now()` is compared with trade timestamps for the
   * latency histogram. Pass a `TestScheduler` or `VirtualTimeScheduler` in tests.
   * @default asyncScheduler
   */
  scheduler?: SchedulerLike;
  /**
   * Measures how long a flush takes, in ms, for window adaptation. The default counts the
   * process's CPU time, so a machine busy with other work does not make flushes look costly.
   * @default the process's CPU time (process.cpuUsage)
   */
  clock?: () => number;
  /**
   * Told about failures that reach no client: store writes, a source that errors, source trades
   * dropped for a sequence gap (`SequenceGapError`) or the symbol limit (`SymbolLimitError`).
   */
  onError?: (error: unknown) => void;
}

/**
 * Bounds of the engine's replay buffer ({@link FanoutOptions.replay}); each left out takes its
 * default from `ENGINE_DEFAULTS`.
 *
 * @example
 * ```ts
 * import type { ReplayOptions } from '@market-stream/fanout';
 *
 * // 30 s of every symbol at up to 100 trades/s, at most ~11 MB per engine.
 * const replay: ReplayOptions = { tradesPerSymbol: 3_000, maxTrades: 50_000, maxAgeMs: 30_000 };
 * ```
 */
export interface ReplayOptions {
  /**
   * Trades kept per symbol: past it, the symbol's oldest goes.
   * @default 1000
   */
  tradesPerSymbol?: number;
  /**
   * Trades kept over all symbols: past it, the oldest of all goes, whatever its symbol.
   * @default 100000
   */
  maxTrades?: number;
  /**
   * How long a trade is kept from its arrival at the engine, ms (the scheduler's clock, not the
   * trade's timestamp). `Infinity`: no age bound.
   * @default 120000
   */
  maxAgeMs?: number;
}

/**
 * Per-connection options of {@link Fanout.connect}.
 *
 * @example
 * ```ts
 * import type { ConnectOptions } from '@market-stream/fanout';
 *
 * const options: ConnectOptions = { symbols: 'AAPL,TSLA', mode: 'all' };
 * ```
 */
export interface ConnectOptions {
  /** Symbols to subscribe at once: an array, or a comma-separated `?symbols=` value. */
  symbols?: readonly string[] | string;
  /**
   * This connection's delivery mode.
   * @default the engine's mode
   */
  mode?: DeliveryMode;
}

/**
 * A running fan-out engine: transports tell it about connections and their messages; it
 * delivers trades from its sources to them per the wire protocol.
 *
 * @example
 * ```ts
 * import { createFanout } from '@market-stream/fanout';
 *
 * const fanout = createFanout({ transport, source: trades$ });
 * fanout.connect('c1', { symbols: ['AAPL'] });
 * fanout.handleMessage('c1', '{"action":"subscribe","symbols":["TSLA"]}');
 * fanout.disconnect('c1');
 * await fanout.close();
 * ```
 */
export interface Fanout {
  /** Live figures of this engine. */
  readonly metrics: FanoutMetrics;
  /** The store connections are mirrored into. */
  readonly store: ConnectionStore;
  /**
   * Adds a trade source; unsubscribe the result to detach it. A source error is reported to
   * `onError` and ends only that source.
   */
  attach(source: Observable<Trade>): Subscription;
  /** Feeds trades directly, as a source would. */
  publish(trades: Trade | readonly Trade[]): void;
  /**
   * Registers a connection the transport accepted; with `symbols`, subscribes it as a
   * `subscribe` message would (`subscribed`, then `snapshot`, or an `error`).
   */
  connect(id: string, options?: ConnectOptions): void;
  /** Handles one text frame from a connection: subscribe, unsubscribe, ping, or an error reply. */
  handleMessage(id: string, text: string): void;
  /** Forgets a connection (closed, gone); a no-op for an unknown id. */
  disconnect(id: string): void;
  /** Open connection ids. */
  connectionIds(): IterableIterator<string>;
  /** Flushes every shard now, outside its timer. */
  flush(): void;
  /** Resolves when every store write and asynchronous send started so far has settled. */
  settled(): Promise<void>;
  /** Detaches the sources, delivers what is pending, forgets every connection. Idempotent. */
  close(): Promise<void>;
}
