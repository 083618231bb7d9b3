/**
 * Defaults of the serverless side: the DynamoDB connection store, the API Gateway transport,
 * the Lambda handlers and the local emulator. Every figure that mirrors an AWS limit says so.
 *
 * @example
 * ```ts
 * import { SERVERLESS_DEFAULTS } from '@market-stream/fanout';
 *
 * SERVERLESS_DEFAULTS.maxPayloadBytes; // 131072 (API Gateway's 128 KB message limit)
 * ```
 */
export const SERVERLESS_DEFAULTS = Object.freeze({
  /** Shards a deployment spreads its connections over (`CONNECTION_SHARDS`). */
  shards: 16,
  /**
   * Item TTL of a connection: API Gateway closes every WebSocket connection after 2 hours, so
   * a record older than that is stale even if `$disconnect` never ran. 10 minutes of slack.
   */
  connectionTtlSeconds: 2 * 60 * 60 + 10 * 60,
  /** How long a shard read from DynamoDB is reused before it is queried again. */
  shardCacheTtlMs: 1_000,
  /** Most Query pages one `listShard` reads (1 MB each) before it refuses with an error. */
  maxQueryPages: 1_000,
  /** Concurrent PostToConnection requests per transport. */
  concurrency: 32,
  /** Tries per PostToConnection when API Gateway throttles (429), the first included. */
  maxAttempts: 5,
  /** First backoff after a throttle; doubles per attempt, with full jitter. */
  baseBackoffMs: 50,
  /** Longest backoff between two attempts. */
  maxBackoffMs: 2_000,
  /** API Gateway's WebSocket message payload limit (128 KB), in UTF-8 bytes. */
  maxPayloadBytes: 128 * 1024,
  /** Delivery mode of the ready handlers (`FANOUT_MODE`). */
  mode: 'latest' as const,
  /**
   * Close code and reason for an `all`-mode connection whose send failed after the retries, so
   * its client reconnects and recovers what it missed ("try again later"). API Gateway's
   * DeleteConnection carries neither to the client; transports that can, send them.
   */
  failedSendCloseCode: 1013,
  failedSendCloseReason: 'delivery failed; reconnect to recover',
  /**
   * Most trades one subscribe's recovery reads from the history table and sends; a symbol that
   * would take it past this is not recovered (`TOO_MANY`) and gets the snapshot. 5,000 trades
   * are ~750 KB read (a few Query pages) and 10 messages of 500 trades, well inside API
   * Gateway's 128 KB per message.
   */
  maxRecoveredTrades: 5_000,
  /** Stage name the local emulator serves. */
  emulatorStage: 'local',
  /** Most messages the local emulator queues per connection before it closes it (1013). */
  emulatorMaxBufferedBytes: 8 * 1024 * 1024,
});

/**
 * Defaults of the fan-out engine ({@link createFanout}). Every queue and buffer the engine
 * keeps is bounded by one of these.
 *
 * @example
 * ```ts
 * import { ENGINE_DEFAULTS } from '@market-stream/fanout';
 *
 * ENGINE_DEFAULTS.flushIntervalMs; // 50
 * ```
 */
export const ENGINE_DEFAULTS = Object.freeze({
  /** Shards connections are spread over; each flushes on its own timer. */
  shards: 16,
  /** Flush window when the engine is not under load, ms. */
  flushIntervalMs: 50,
  /** Widest the flush window grows under load, ms. */
  maxFlushIntervalMs: 200,
  /**
   * Share of the time flushing should take: under load the window is sized so that it does
   * (judged every 4 windows on CPU time, smoothed), between `flushIntervalMs` and
   * `maxFlushIntervalMs`.
   */
  targetFlushLoad: 0.65,
  /**
   * Delivery mode: `latest` (conflated, what a ticker needs, and what bounds each connection's
   * traffic by its symbols, not by the trade rate) — the same default as the Lambda handlers.
   */
  mode: 'latest' as const,
  /** Client messages per second one connection may send (token bucket refill rate). */
  maxMessagesPerSecond: 20,
  /** Burst of client messages a connection may send at once (token bucket size). */
  messageBurst: 50,
  /**
   * Protocol messages (`subscribed`, `snapshot`, `pong`, `error`) queued for one connection that
   * cannot take more; past it, closed with 1013.
   */
  maxQueuedMessages: 256,
  /** Characters of those queued messages; past it, closed with 1013. */
  maxQueuedBytes: 8 * 1024 * 1024,
  /**
   * Trades waiting for one `all`-mode connection that cannot take more (they leave as one
   * message when it can); past it, closed with 1013. `latest` mode keeps one per symbol.
   */
  maxBacklogTrades: 10_000,
  /** Trades one shard holds between flushes; reaching it flushes the shard at once. */
  maxPendingTrades: 20_000,
  /** Check every source trade with `validateTrade` and drop invalid ones (`invalid_trade`). */
  validateTrades: true,
  /**
   * Send a trade at once to a connection whose last `trades` message left a window ago: a
   * window batches only while updates come faster than it, where it saves messages.
   */
  directSend: true,
  /**
   * How far past a symbol's newest `seq` a source trade may jump; further is dropped
   * (`seq_gap`). 100,000 missed trades of one symbol is an outage, not a gap, while a trade at
   * 2⁵³−1 can no longer make every later trade of its symbol look stale.
   */
  maxSeqGap: 100_000,
  /**
   * Symbols the engine keeps a newest trade for (snapshots, duplicate filter): about 250 bytes
   * each, so ~2.5 MB at 10,000. A new symbol past it replaces the symbol without subscribers
   * idle longest, or is dropped (`symbol_limit`).
   */
  maxSymbols: 10_000,
  /**
   * Replay buffer (recovery by `seq`): trades kept per symbol for a subscribe's `since`. 1,000
   * covers 20 s of a symbol ticking at 50 trades/s.
   */
  replayTradesPerSymbol: 1_000,
  /**
   * Replay buffer: trades kept over all symbols, oldest dropped first. About 250 bytes each, so
   * ~25 MB at 100,000, per engine (per worker with `workers`).
   */
  replayMaxTrades: 100_000,
  /**
   * Replay buffer: how long a trade is kept, ms (from its arrival). Two minutes covers a network
   * blip, a laptop lid or a redeploy; a client away longer takes the snapshot.
   */
  replayMaxAgeMs: 120_000,
  /**
   * Most trades one subscribe's recovery sends; a symbol that would take the answer past it is
   * not recovered (`TOO_MANY`) and gets the snapshot: the answer stays within the slow-consumer
   * bounds (`maxBacklogTrades`).
   */
  maxRecoveredTrades: 5_000,
  /** How far back `metrics.snapshot().latencyMs` looks, ms (the Prometheus histogram counts all). */
  latencyWindowMs: 30_000,
  /**
   * Least time between two `onError` reports of the same kind (per symbol for a sequence gap,
   * per engine for the symbol limit), ms, so a flood of bad trades cannot flood `onError`.
   */
  errorReportIntervalMs: 60_000,
});

/**
 * Defaults of the `ws` transport ({@link serveFanout}).
 *
 * @example
 * ```ts
 * import { WS_DEFAULTS } from '@market-stream/fanout';
 *
 * WS_DEFAULTS.path; // '/ws'
 * ```
 */
export const WS_DEFAULTS = Object.freeze({
  /** Port to listen on; 0 picks a free one. */
  port: 0,
  /** Interface to listen on. */
  host: '127.0.0.1',
  /** Upgrade path. */
  path: '/ws',
  /**
   * Largest frame a client may send, bytes; larger frames close the socket (1009). Frames up to
   * this size but over the protocol's `maxMessageBytes` get a `MESSAGE_TOO_LARGE` error.
   */
  maxPayload: 64 * 1024,
  /** Interval of protocol pings; a socket that has not answered the previous one is dropped. */
  heartbeatIntervalMs: 30_000,
  /** Bytes buffered on a socket above which it is treated as a slow consumer. */
  highWaterMark: 1024 * 1024,
  /** Close code and reason sent to clients by `close()`. */
  closeCode: 1001,
  closeReason: 'server shutting down',
});

/**
 * The WebSocket close code for a client closed for falling behind ("try again later").
 *
 * @example
 * ```ts
 * import { SLOW_CONSUMER_CLOSE_CODE } from '@market-stream/fanout';
 *
 * socket.on('close', (code) => code === SLOW_CONSUMER_CLOSE_CODE && reconnectLater());
 * ```
 */
export const SLOW_CONSUMER_CLOSE_CODE = 1013;

/**
 * Defaults of the JWT verifier ({@link createJwtVerifier}).
 *
 * @example
 * ```ts
 * import { AUTH_DEFAULTS } from '@market-stream/fanout';
 *
 * AUTH_DEFAULTS.clockToleranceSeconds; // 5
 * ```
 */
export const AUTH_DEFAULTS = Object.freeze({
  /** Clock skew tolerated on `exp` and `nbf`, seconds. */
  clockToleranceSeconds: 5,
});

/**
 * Defaults of the fan-out planner ({@link planFanout}): what it assumes about a workload when
 * an option is left out.
 *
 * @example
 * ```ts
 * import { PLAN_DEFAULTS } from '@market-stream/fanout';
 *
 * PLAN_DEFAULTS.pingIntervalSeconds; // 300
 * ```
 */
export const PLAN_DEFAULTS = Object.freeze({
  /** Fewest distinct symbols assumed trading; more when one connection subscribes to more. */
  minSymbols: 20,
  /** Delivery mode, the same as the engine's and the Lambda handlers'. */
  mode: 'latest' as const,
  /** Bytes of one serialized trade. */
  tradeBytes: 120,
  /** Seconds between client keep-alive pings (API Gateway drops connections idle 10 minutes). */
  pingIntervalSeconds: 300,
  /** Connection shards: those of a serverless deployment. */
  shards: SERVERLESS_DEFAULTS.shards,
  /** How one container fan-out node is sized and what it is assumed to carry. */
  container: Object.freeze({
    /** vCPU per task. */
    vcpu: 1,
    /** Memory per task, GB. */
    memoryGb: 2,
    /** WebSocket connections one node holds. */
    connectionsPerNode: 10_000,
    /** Messages per second one node sends. */
    messagesPerSecondPerNode: 50_000,
    /** Nodes kept for availability (two zones). */
    minNodes: 2,
  }),
  /** How each topology reads the stream in the latency estimate: by push (enhanced fan-out). */
  streamRead: 'push' as const,
  /** The topologies the recommendation chooses from. */
  compare: Object.freeze(['serverless', 'containers', 'events'] as const),
  /**
   * Hours an `events` viewer stays connected before it connects and subscribes again (AppSync
   * Events documents no longest connection; the same churn as API Gateway's 2-hour limit).
   */
  eventsSessionHours: 2,
});

/**
 * Defaults of the local API Gateway emulator ({@link startApiGatewayEmulator}), on loopback
 * since its management API checks no signatures.
 *
 * @example
 * ```ts
 * import { EMULATOR_DEFAULTS } from '@market-stream/fanout/local';
 *
 * EMULATOR_DEFAULTS.host; // '127.0.0.1'
 * ```
 */
export const EMULATOR_DEFAULTS = Object.freeze({
  /** TCP port; 0 picks a free one. */
  port: 0,
  /** Interface to listen on. */
  host: '127.0.0.1',
  /** Stage name served: `ws://host:port/{stage}`. */
  stage: SERVERLESS_DEFAULTS.emulatorStage,
  /** The API id reported in events. */
  apiId: 'local',
});

/**
 * Defaults of `serveFanout({ workers })` with more than one worker process: how often workers
 * report their metrics, how many restarts a minute the primary allows before it stops
 * restarting (and reports a `WorkerRestartLimitError` to `onError`), and the close codes.
 *
 * @example
 * ```ts
 * import { WORKER_DEFAULTS } from '@market-stream/fanout';
 *
 * WORKER_DEFAULTS.maxRestartsPerMinute; // 10
 * ```
 */
export const WORKER_DEFAULTS = Object.freeze({
  /** Worker processes: 1 serves in this process, with no fork and no cost. */
  workers: 1,
  /** Interval at which each worker sends its metrics to the primary, ms. */
  metricsIntervalMs: 1_000,
  /**
   * Restarts of exited workers the primary makes within any 60 s; one more worker exit past
   * it is reported to `onError` and that worker stays down (a crash loop, not bad luck).
   */
  maxRestartsPerMinute: 10,
  /** How long `close()` waits for a worker to close its clients and exit before killing it, ms. */
  closeTimeoutMs: 5_000,
  /** How long `refreshMetrics()` waits for the workers' reports, ms. */
  reportTimeoutMs: 1_000,
  /**
   * A worker that has sent no metrics report for this long has a blocked event loop (hung):
   * it is killed (SIGKILL) and restarted, so its clients reconnect, and the trades queued for
   * it in the primary stop growing, ms.
   */
  unresponsiveMs: 10_000,
  /**
   * Trades a worker may be behind those forwarded to it (as of its last report) before it is
   * stopped (SIGTERM: its clients get 1012) and restarted, so the messages queued for it in the
   * primary stay bounded: about 15 MB, or 10 s at 10,000 trades/s.
   */
  maxForwardLagTrades: 100_000,
  /**
   * Close code and reason a worker sends its clients when it restarts (SIGTERM, an uncaught
   * exception): 1012 "service restart", so clients reconnect at once, to another worker.
   */
  restartCloseCode: 1012,
  restartCloseReason: 'worker restarting',
});

/**
 * Defaults of the local AppSync Events emulator (`startAppSyncEventsEmulator`). Figures that
 * mirror an AppSync Events limit say so.
 *
 * @example
 * ```ts
 * import { APPSYNC_EMULATOR_DEFAULTS } from '@market-stream/fanout';
 *
 * APPSYNC_EMULATOR_DEFAULTS.maxEventBytes; // 245760 (AppSync Events' 240 KB per event)
 * ```
 */
export const APPSYNC_EMULATOR_DEFAULTS = Object.freeze({
  /** AppSync Events' largest event, in UTF-8 bytes (240 KB). */
  maxEventBytes: 240 * 1024,
  /** AppSync Events' most events in one publish request. */
  maxEventsPerPublish: 5,
  /** TCP port; 0 picks a free one. */
  port: 0,
  /** Interface to listen on: loopback, since the emulator is for one machine. */
  host: '127.0.0.1',
  /**
   * `connectionTimeoutMs` of `connection_ack`: the longest silence a client allows before it
   * treats the connection as dead (AppSync Events answers 300,000).
   */
  connectionTimeoutMs: 300_000,
  /** Interval of the `ka` keep-alive sent to every acknowledged connection, ms. */
  keepAliveIntervalMs: 60_000,
  /**
   * Open realtime connections; one more upgrade is refused with HTTP 429 (AppSync's own limit
   * is a connection rate per account, far higher; this bounds the emulator's memory).
   */
  maxConnections: 10_000,
  /**
   * Subscriptions one connection may hold; one more is answered `subscribe_error`
   * (`LimitExceededException`). AppSync Events' quota: 200 per connection.
   */
  maxSubscriptionsPerConnection: 200,
  /**
   * Bytes a connection's socket may have queued and unsent; past it the client reads too
   * slowly and the connection is terminated (memory never grows with a stalled reader), counted
   * as `SlowConsumer` in `errorsByType`.
   */
  maxBufferedBytes: 8 * 1024 * 1024,
  /**
   * Largest HTTP publish body or WebSocket frame read, bytes: above AppSync's 5 × 240 KB so an
   * oversized event is answered per event as AppSync does; a larger request is refused with
   * HTTP 413 (a frame closes the connection with 1009).
   */
  maxRequestBytes: 4 * 1024 * 1024,
});

/**
 * Defaults of the `events` topology's publisher (the stream processor that publishes each
 * Kinesis batch to AppSync Events).
 *
 * @example
 * ```ts
 * import { EVENTS_PUBLISHER_DEFAULTS } from '@market-stream/fanout';
 *
 * EVENTS_PUBLISHER_DEFAULTS.maxAttempts; // 5
 * ```
 */
export const EVENTS_PUBLISHER_DEFAULTS = Object.freeze({
  /** Tries per publish request when AppSync throttles or fails (429, 5xx), the first included. */
  maxAttempts: 5,
  /** First backoff after a throttle; doubles per attempt, with full jitter. */
  baseBackoffMs: 50,
  /** Longest backoff between two attempts. */
  maxBackoffMs: 2_000,
  /**
   * Publish requests in flight at once (per publisher), and channels a processor publishes at
   * once; a channel never has two requests in flight, so its events stay in order.
   */
  concurrency: 16,
  /** How long one publish request may take before it is aborted and retried like a network error, ms. */
  requestTimeoutMs: 10_000,
});
