import type { WebSocketEvent, WebSocketHandler } from '../lambda/webSocketEvents.js';

/**
 * Options of {@link startApiGatewayEmulator}. The defaults are `EMULATOR_DEFAULTS`.
 *
 * @example
 * ```ts
 * import type { ApiGatewayEmulatorOptions } from '@market-stream/fanout/local';
 *
 * const options: ApiGatewayEmulatorOptions = {
 *   handlers: { message: { $default: async () => ({ statusCode: 200 }) } },
 * };
 * ```
 */
export interface ApiGatewayEmulatorOptions {
  /**
   * TCP port; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Interface to listen on. Keep it on loopback: the management API checks no signatures.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Stage name: the WebSocket URL is `ws://host:port/{stage}` and the management endpoint
   * `http://host:port/{stage}`.
   * @default 'local'
   */
  stage?: string;
  /**
   * Route handlers. `message` maps a route key (the `action` of a JSON frame, per the route
   * selection expression `$request.body.action`) to its handler; frames that match no key go
   * to `$default`, and without one the client gets API Gateway's `Forbidden` reply.
   */
  handlers: {
    connect?: WebSocketHandler;
    disconnect?: WebSocketHandler;
    message: Record<string, WebSocketHandler>;
  };
  /**
   * The API id reported in events.
   * @default 'local'
   */
  apiId?: string;
  /**
   * Called with any error a handler throws (API Gateway logs it; the client sees an error
   * frame for messages, a 500 for `$connect`).
   * @default console.error
   */
  onHandlerError?: (error: unknown, event: WebSocketEvent) => void;
}

/**
 * Counts kept by the emulator's management API.
 *
 * @example
 * ```ts
 * import type { ApiGatewayEmulatorStats } from '@market-stream/fanout/local';
 *
 * function postsPerConnection(stats: ApiGatewayEmulatorStats): number {
 *   return stats.posts / Math.max(1, stats.postsByConnection.size);
 * }
 * ```
 */
export interface ApiGatewayEmulatorStats {
  /** PostToConnection requests received (every attempt, including throttled and gone). */
  readonly posts: number;
  /** Posts that reached an open client. */
  readonly delivered: number;
  /** Posts and other requests answered 410 GoneException. */
  readonly gone: number;
  /** Posts answered 429 LimitExceededException (see `throttleNext`). */
  readonly throttled: number;
  /** The most PostToConnection requests open at the same time. */
  readonly maxConcurrentPosts: number;
  /** PostToConnection requests per connection id. */
  readonly postsByConnection: ReadonlyMap<string, number>;
}

/**
 * A running emulator.
 *
 * @example
 * ```ts
 * import type { ApiGatewayEmulator } from '@market-stream/fanout/local';
 *
 * async function stop(emulator: ApiGatewayEmulator): Promise<void> {
 *   await emulator.close();
 * }
 * ```
 */
export interface ApiGatewayEmulator {
  /** WebSocket URL clients connect to: `ws://host:port/{stage}`. */
  readonly url: string;
  /** `endpoint` for `ApiGatewayManagementApiClient`: `http://host:port/{stage}`. */
  readonly managementEndpoint: string;
  /** The port listened on. */
  readonly port: number;
  /** Ids of the connections open now. */
  connectionIds(): string[];
  /** Counters of the management API since start (or the last `resetStats`). */
  stats(): ApiGatewayEmulatorStats;
  /** Zeroes the counters. */
  resetStats(): void;
  /** Answers the next `count` PostToConnection requests with 429 LimitExceededException. */
  throttleNext(count: number): void;
  /**
   * Closes every client (1001) and the server; `$disconnect` is not invoked for them. Upgrades
   * not yet accepted (`$connect` still running, or being refused) are dropped.
   */
  close(): Promise<void>;
}
