/**
 * Options of {@link startAppSyncEventsEmulator}. The defaults are `APPSYNC_EMULATOR_DEFAULTS`.
 *
 * @example
 * ```ts
 * import type { AppSyncEventsEmulatorOptions } from '@market-stream/fanout/local';
 *
 * const options: AppSyncEventsEmulatorOptions = { apiKeys: ['da2-local'], keepAliveIntervalMs: 1_000 };
 * ```
 */
export interface AppSyncEventsEmulatorOptions {
  /**
   * TCP port of both endpoints; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Interface to listen on. Keep it on loopback.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Valid API keys (`x-api-key`). The first is the emulator's `apiKey`.
   * @default one generated key, `da2-` and 26 random characters
   */
  apiKeys?: readonly string[];
  /**
   * Valid `Authorization` header values, standing in for Cognito, OIDC or Lambda tokens.
   * @default none
   */
  tokens?: readonly string[];
  /**
   * Channel namespaces: a channel's first segment must be one of them.
   * @default ['trades'] (`TRADES_NAMESPACE`)
   */
  namespaces?: readonly string[];
  /** @default 245760 (240 KB, AppSync Events' event limit) */
  maxEventBytes?: number;
  /** @default 5 (AppSync Events' batch limit) */
  maxEventsPerPublish?: number;
  /** `connectionTimeoutMs` sent in `connection_ack`. @default 300000 */
  connectionTimeoutMs?: number;
  /** Interval of `ka` keep-alives, ms. @default 60000 */
  keepAliveIntervalMs?: number;
  /** Open realtime connections; more are refused with HTTP 429. @default 10000 */
  maxConnections?: number;
  /** Subscriptions per connection; more are refused with `subscribe_error`. @default 200 */
  maxSubscriptionsPerConnection?: number;
  /** Unsent bytes a connection may have queued before it is terminated as too slow. @default 8388608 */
  maxBufferedBytes?: number;
  /** Largest HTTP body or WebSocket frame read, bytes. @default 4194304 */
  maxRequestBytes?: number;
}

/**
 * Operations the emulator counted, for tests and for the cost benchmark (AppSync Events bills
 * inbound publishes and outbound deliveries as operations).
 *
 * @example
 * ```ts
 * import type { AppSyncEventsEmulatorStats } from '@market-stream/fanout/local';
 *
 * const operations = (stats: AppSyncEventsEmulatorStats) => stats.eventsIn + stats.deliveries;
 * ```
 */
export interface AppSyncEventsEmulatorStats {
  /** Publish requests answered per event (HTTP 200 or `publish_success`), HTTP and WebSocket. */
  readonly publishes: number;
  /** Events accepted by those publishes. */
  readonly eventsIn: number;
  /** `data` messages sent: one per accepted event per matching subscription. */
  readonly deliveries: number;
  /** Realtime connections open now. */
  readonly connections: number;
  /** Subscriptions held now, over all connections. */
  readonly subscriptions: number;
  /**
   * Refusals and errors by type: the `errorType` sent (`UnauthorizedException`,
   * `BadRequestException`, `LimitExceededException`, `UnsupportedOperation`), plus
   * `EventRefused` per event listed in `failed`, `SlowConsumer` per connection terminated for
   * reading too slowly and `ConnectionLimit` per upgrade refused with 429.
   */
  readonly errorsByType: Readonly<Record<string, number>>;
}

/**
 * A running AppSync Events emulator.
 *
 * @example
 * ```ts
 * import type { AppSyncEventsEmulator } from '@market-stream/fanout/local';
 *
 * async function stop(emulator: AppSyncEventsEmulator): Promise<void> {
 *   await emulator.close();
 * }
 * ```
 */
export interface AppSyncEventsEmulator {
  /** HTTP publish endpoint, `http://host:port/event` (what `EVENT_API_ENDPOINT` holds on AWS). */
  readonly httpEndpoint: string;
  /** Realtime WebSocket endpoint, `ws://host:port/event/realtime`. */
  readonly realtimeEndpoint: string;
  /** `host` to put in the authorization headers: `host:port`. */
  readonly host: string;
  /** The first valid API key. */
  readonly apiKey: string;
  /** The port listened on. */
  readonly port: number;
  /** Counters since start (or the last `resetStats`). */
  stats(): AppSyncEventsEmulatorStats;
  /** Zeroes the counters of operations and errors (not connections or subscriptions). */
  resetStats(): void;
  /** Closes every realtime connection (1001) and both endpoints. */
  close(): Promise<void>;
}
