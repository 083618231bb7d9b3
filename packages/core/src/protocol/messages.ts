import type { Trade } from '../trade.js';

/**
 * Every error code a server sends in an `error` message (contract).
 *
 * @example
 * ```ts
 * import { ERROR_CODES } from '@market-stream/core';
 *
 * ERROR_CODES.includes('RATE_LIMITED'); // true
 * ```
 */
export const ERROR_CODES = [
  'BAD_JSON',
  'UNKNOWN_ACTION',
  'INVALID_SYMBOL',
  'TOO_MANY_SYMBOLS',
  'MESSAGE_TOO_LARGE',
  'RATE_LIMITED',
  'UNAUTHORIZED',
] as const;

/**
 * One of {@link ERROR_CODES}.
 *
 * @example
 * ```ts
 * import type { ErrorCode } from '@market-stream/core';
 *
 * const code: ErrorCode = 'INVALID_SYMBOL';
 * ```
 */
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Client → server: add symbols to the connection's subscription set. On the wire either
 * `symbols: [...]` or `symbol: "AAPL"`; {@link parseClientMessage} always yields `symbols`.
 *
 * @example
 * ```ts
 * import type { SubscribeMessage } from '@market-stream/core';
 *
 * const message: SubscribeMessage = { action: 'subscribe', symbols: ['AAPL', 'TSLA'] };
 * ```
 */
export interface SubscribeMessage {
  action: 'subscribe';
  /** Upper-case symbols, deduplicated, in the order given. */
  symbols: string[];
}

/**
 * Client → server: remove symbols from the connection's subscription set.
 *
 * @example
 * ```ts
 * import type { UnsubscribeMessage } from '@market-stream/core';
 *
 * const message: UnsubscribeMessage = { action: 'unsubscribe', symbols: ['TSLA'] };
 * ```
 */
export interface UnsubscribeMessage {
  action: 'unsubscribe';
  /** Upper-case symbols, deduplicated, in the order given. */
  symbols: string[];
}

/**
 * Client → server: keep-alive, answered with {@link PongMessage}.
 *
 * @example
 * ```ts
 * import type { PingMessage } from '@market-stream/core';
 *
 * const message: PingMessage = { action: 'ping' };
 * ```
 */
export interface PingMessage {
  action: 'ping';
}

/**
 * Any message a client may send (contract). The `action` field selects the route, as API
 * Gateway's `$request.body.action` route selection expression does.
 *
 * @example
 * ```ts
 * import type { ClientMessage } from '@market-stream/core';
 *
 * const messages: ClientMessage[] = [
 *   { action: 'subscribe', symbols: ['AAPL'] },
 *   { action: 'ping' },
 * ];
 * ```
 */
export type ClientMessage = SubscribeMessage | UnsubscribeMessage | PingMessage;

/**
 * Server → client: the connection's full subscription set, sent after every change.
 *
 * @example
 * ```ts
 * import type { SubscribedMessage } from '@market-stream/core';
 *
 * const message: SubscribedMessage = { type: 'subscribed', symbols: ['AAPL', 'TSLA'] };
 * ```
 */
export interface SubscribedMessage {
  type: 'subscribed';
  symbols: string[];
}

/**
 * Server → client: right after a subscribe, the latest known trade of each newly added symbol,
 * sent before any `trades` message that holds those symbols.
 *
 * @example
 * ```ts
 * import type { SnapshotMessage } from '@market-stream/core';
 *
 * const message: SnapshotMessage = { type: 'snapshot', trades: [] };
 * ```
 */
export interface SnapshotMessage {
  type: 'snapshot';
  trades: Trade[];
}

/**
 * Server → client: the updates of one flush window for this connection's symbols, per symbol
 * in `seq` order.
 *
 * @example
 * ```ts
 * import type { TradesMessage } from '@market-stream/core';
 *
 * const message: TradesMessage = { type: 'trades', trades: [] };
 * ```
 */
export interface TradesMessage {
  type: 'trades';
  trades: Trade[];
}

/**
 * Server → client: the answer to a `ping`.
 *
 * @example
 * ```ts
 * import type { PongMessage } from '@market-stream/core';
 *
 * const message: PongMessage = { type: 'pong' };
 * ```
 */
export interface PongMessage {
  type: 'pong';
}

/**
 * Server → client: a request was refused. The connection stays open unless the server says
 * otherwise with a close frame.
 *
 * @example
 * ```ts
 * import type { ErrorMessage } from '@market-stream/core';
 *
 * const message: ErrorMessage = {
 *   type: 'error', code: 'INVALID_SYMBOL', message: 'symbol "aa pl" does not match the pattern',
 * };
 * ```
 */
export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
}

/**
 * Any message a server sends (contract).
 *
 * @example
 * ```ts
 * import type { ServerMessage } from '@market-stream/core';
 *
 * function describe(message: ServerMessage): string {
 *   return message.type === 'trades' ? `${message.trades.length} trades` : message.type;
 * }
 * ```
 */
export type ServerMessage =
  | SubscribedMessage
  | SnapshotMessage
  | TradesMessage
  | PongMessage
  | ErrorMessage;
