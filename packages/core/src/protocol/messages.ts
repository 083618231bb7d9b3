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
  'INVALID_SINCE',
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
  /**
   * Recovery after a reconnect: per symbol of `symbols`, the last `seq` the client holds. The
   * server sends the trades after it, or says in a {@link RecoveryMessage} why it cannot.
   * Absent when the client named none.
   */
  since?: Record<string, number>;
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
 * Why a server could not recover a symbol named in a subscribe's `since` (contract):
 * - `EXPIRED`: the trades after `since` are older than what the server keeps (its replay
 *   buffer's count or age, the history table's retention), or it keeps nothing of the symbol;
 * - `TOO_MANY`: more trades are missing than one answer may carry (the slow-consumer bound);
 * - `UNAVAILABLE`: the server has no source to recover from (a serverless path without a
 *   history table), or reading it failed;
 * - `LATEST`: the connection is in `latest` mode, which recovers only the newest trade (the
 *   snapshot);
 * - `AHEAD`: `since` is past the newest `seq` the server knows, so the symbol's sequence
 *   started again (a new source); the snapshot replaces what the client holds.
 *
 * @example
 * ```ts
 * import { UNRECOVERED_REASONS } from '@market-stream/core';
 *
 * UNRECOVERED_REASONS.includes('EXPIRED'); // true
 * ```
 */
export const UNRECOVERED_REASONS = [
  'EXPIRED',
  'TOO_MANY',
  'UNAVAILABLE',
  'LATEST',
  'AHEAD',
] as const;

/**
 * One of {@link UNRECOVERED_REASONS}.
 *
 * @example
 * ```ts
 * import type { UnrecoveredReason } from '@market-stream/core';
 *
 * const reason: UnrecoveredReason = 'EXPIRED';
 * ```
 */
export type UnrecoveredReason = (typeof UNRECOVERED_REASONS)[number];

/**
 * A symbol of a subscribe's `since` that the server did not recover, and the trades the client
 * will not get: `from` … `to` (inclusive `seq`s, present when the server knows them). The
 * `snapshot` of the symbol is sent instead.
 *
 * @example
 * ```ts
 * import type { Unrecovered } from '@market-stream/core';
 *
 * const missed: Unrecovered = { symbol: 'TSLA', reason: 'EXPIRED', from: 1042, to: 2998 };
 * ```
 */
export interface Unrecovered {
  symbol: string;
  reason: UnrecoveredReason;
  /** First `seq` not recovered (`since` + 1). */
  from?: number;
  /** Last `seq` not recovered: the one before the snapshot's. */
  to?: number;
}

/**
 * Server → client: the answer to a subscribe's `since`, sent after the recovered trades (in
 * `trades` messages) and the `snapshot`, before any live trade of those symbols on the
 * engine; on the serverless path live trades may overtake it, and the client merges by `seq`.
 *
 * @example
 * ```ts
 * import type { RecoveryMessage } from '@market-stream/core';
 *
 * const message: RecoveryMessage = {
 *   type: 'recovery',
 *   recovered: { AAPL: 58 },
 *   unrecovered: [{ symbol: 'TSLA', reason: 'EXPIRED', from: 1042, to: 2998 }],
 * };
 * ```
 */
export interface RecoveryMessage {
  type: 'recovery';
  /** Per symbol recovered, how many trades were sent for it (0: nothing was missed). */
  recovered: Record<string, number>;
  /** The symbols not recovered, each with its reason. */
  unrecovered: Unrecovered[];
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
  | RecoveryMessage
  | PongMessage
  | ErrorMessage;
