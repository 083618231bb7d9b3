import type { ErrorCode, RecoveryMessage, ServerMessage } from './messages.js';

/**
 * What a server does with one client message or connect query, decided by
 * {@link applyClientMessage} or {@link applyConnectQuery}: the connection's new subscription
 * set, what changed, and what to send back. Transport-free: the caller stores `symbols`,
 * sends `replies` in order, then (when `snapshotOf` is non-empty) a `snapshot` message with
 * the newest known trade of each of those symbols.
 *
 * @example
 * ```ts
 * import type { ProtocolOutcome } from '@market-stream/core';
 *
 * const outcome: ProtocolOutcome = {
 *   symbols: ['AAPL', 'TSLA'],
 *   added: ['TSLA'],
 *   removed: [],
 *   replies: [{ type: 'subscribed', symbols: ['AAPL', 'TSLA'] }],
 *   snapshotOf: ['TSLA'],
 * };
 * ```
 */
export interface ProtocolOutcome {
  /** The connection's subscription set afterwards, sorted; unchanged when refused. */
  symbols: string[];
  /** Symbols the set gained, in the order the client named them. */
  added: string[];
  /** Symbols the set lost, in the order the client named them. */
  removed: string[];
  /** Messages to send back, in order: `subscribed`, `pong` or `error`. */
  replies: ServerMessage[];
  /**
   * Symbols whose newest trades follow `replies` in one `snapshot` message (the symbols a
   * subscribe added); empty when no snapshot is due.
   */
  snapshotOf: string[];
  /**
   * Recovery asked for (a subscribe's `since`): the last `seq` the client holds of each symbol
   * the message added. The caller sends the trades after it and drops the recovered symbols
   * from the snapshot, or answers why not; see {@link RecoveryMessage}. `since` entries of
   * symbols the connection already held are dropped: nothing of theirs was missed.
   */
  since?: Record<string, number>;
  /** Set when the message or query was refused; `replies` then holds the `error` message. */
  refused?: { code: ErrorCode; message: string };
}

/**
 * An outcome that leaves `current` as it is and replies `error`. Internal.
 *
 * @example
 * ```ts
 * refusal(['AAPL'], 'INVALID_SYMBOL', 'invalid symbol "a b"').replies[0]?.type; // 'error'
 * ```
 */
export function refusal(
  current: readonly string[],
  code: ErrorCode,
  message: string,
): ProtocolOutcome {
  return {
    symbols: [...current],
    added: [],
    removed: [],
    replies: [{ type: 'error', code, message }],
    snapshotOf: [],
    refused: { code, message },
  };
}
