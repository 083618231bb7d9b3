import type { WebSocketLike } from '../client/types.js';

/**
 * A WebSocket constructor that takes subprotocols: `globalThis.WebSocket` in browsers,
 * `WebSocket` from `ws` in Node.
 *
 * @example
 * ```ts
 * import type { SubprotocolWebSocketConstructor } from '@market-stream/client/appsync';
 * import { WebSocket } from 'ws';
 *
 * const Impl: SubprotocolWebSocketConstructor = WebSocket;
 * ```
 */
export type SubprotocolWebSocketConstructor = new (
  url: string,
  protocols: string[],
) => WebSocketLike;

/**
 * Options of {@link appSyncEventsWebSocket}. Give exactly one of `apiKey` and `authToken`.
 *
 * @example
 * ```ts
 * import type { AppSyncEventsOptions } from '@market-stream/client/appsync';
 *
 * const options: AppSyncEventsOptions = {
 *   apiKey: 'da2-…',
 *   historyUrl: 'https://example.com/api/trades',
 * };
 * ```
 */
export interface AppSyncEventsOptions {
  /**
   * The API's realtime endpoint, `wss://{realtime-domain}/event/realtime`.
   * @default the `url` the client opens (createTickerClient's `url`)
   */
  realtimeUrl?: string;
  /**
   * The API's HTTP domain, sent as the `host` authorization header.
   * @default the realtime URL's host, `appsync-realtime-api` replaced by `appsync-api`
   */
  host?: string;
  /**
   * API key authorization (`x-api-key`).
   * @default undefined
   */
  apiKey?: string;
  /**
   * Cognito, OIDC or Lambda authorization (`Authorization`): the token, or a function read on
   * every (re)connect so an expiring token can be refreshed. Use this, not
   * createTickerClient's `token` option: that one goes on the URL, where AppSync does not
   * read it.
   * @default undefined
   */
  authToken?: string | (() => string);
  /**
   * The history API's trades route, e.g. `https://example.com/api/trades`
   * (`GET …?symbol=AAPL&limit=50`, newest first). Relative URLs resolve against the page.
   * Without it there is no snapshot on subscribe and recovery answers `UNAVAILABLE`.
   * @default undefined
   */
  historyUrl?: string;
  /**
   * The fetch implementation for the history API.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * The WebSocket implementation. Required in Node 20, which has no global `WebSocket`.
   * @default globalThis.WebSocket
   */
  WebSocket?: SubprotocolWebSocketConstructor;
  /**
   * History requests in flight at once, over all of this client's connections.
   * @default 4
   */
  historyConcurrency?: number;
  /**
   * Time limit of one history request.
   * @default 4000
   */
  historyTimeoutMs?: number;
  /**
   * Most trades fetched for one symbol's recovery.
   * @default 1000
   */
  recoveryLimit?: number;
  /**
   * Most trades in one subscribe's recovery answer, shared by its symbols.
   * @default 5000
   */
  maxRecoveredTrades?: number;
  /**
   * How long to wait for `connection_ack` before closing the socket.
   * @default 10000
   */
  ackTimeoutMs?: number;
  /**
   * Most symbol channels one connection subscribes to (AppSync Events allows 200
   * subscriptions per connection); a subscribe past it is answered `TOO_MANY_SYMBOLS`.
   * @default 200
   */
  maxSymbols?: number;
}
