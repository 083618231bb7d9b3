/**
 * Browser (and Node) client for market-stream: a WebSocket connection that reconnects with
 * backoff, resubscribes, applies snapshots, reports seq gaps and stale symbols. The ticker
 * elements live in `@market-stream/client/elements`.
 *
 * @packageDocumentation
 * @module @market-stream/client
 */
export { createTickerClient } from './client/createTickerClient.js';
export type {
  ConnectionStatus,
  TickerClient,
  TickerClientOptions,
  WebSocketConstructor,
  WebSocketLike,
} from './client/types.js';
export type { ReconnectOptions } from './defaults.js';
export { DEFAULT_CLIENT_OPTIONS, DEFAULT_RECONNECT } from './defaults.js';
export {
  ClientClosedError,
  InvalidSymbolError,
  TooManySymbolsError,
  WebSocketUnavailableError,
} from './errors.js';
