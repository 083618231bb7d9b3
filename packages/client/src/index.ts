/**
 * Browser (and Node) client for market-stream: a WebSocket connection that reconnects with
 * backoff, resubscribes, recovers the trades missed while disconnected (by `seq`), applies
 * snapshots, reports seq gaps and stale symbols. The ticker
 * elements live in `@market-stream/client/elements`.
 *
 * @packageDocumentation
 * @module @market-stream/client
 */
export { createAlerts } from './alerts/createAlerts.js';
export { DEFAULT_ALERTS } from './alerts/defaults.js';
export { InvalidAlertRuleError, TooManyAlertRulesError } from './alerts/errors.js';
export type {
  AboveRule,
  AlertEvent,
  AlertRule,
  Alerts,
  AlertsOptions,
  BelowRule,
  MoveRule,
} from './alerts/types.js';
export { createTickerClient } from './client/createTickerClient.js';
export type {
  ConnectionStatus,
  RecoveryFailure,
  RecoveryReport,
  TickerClient,
  TickerClientOptions,
  UnrecoveredSymbol,
  WebSocketConstructor,
  WebSocketLike,
} from './client/types.js';
export type { ReconnectOptions, RecoveryOptions } from './defaults.js';
export { DEFAULT_CLIENT_OPTIONS, DEFAULT_RECONNECT, DEFAULT_RECOVERY } from './defaults.js';
export {
  ClientClosedError,
  InvalidSymbolError,
  TooManySymbolsError,
  WebSocketUnavailableError,
} from './errors.js';
