import { DEFAULT_PROTOCOL_LIMITS, type ProtocolLimits } from '../defaults.js';
import type { ClientMessage } from './messages.js';
import { type ProtocolOutcome, refusal } from './ProtocolOutcome.js';
import { type ParseResult, parseClientMessage } from './parseClientMessage.js';

/**
 * The server side of one client message, pure and transport-free: given a connection's
 * current subscriptions, decides its new set and the replies. The fan-out engine and the
 * Lambda message handler both call it, so both paths answer alike.
 *
 * - `subscribe` adds the symbols not held yet (`added`, a `snapshot` of them is due) and
 *   replies `subscribed` with the whole set, sorted; its `since` entries for added symbols
 *   come back as `since` (recovery is due for them); a set that would exceed
 *   `limits.maxSymbols` is refused with `TOO_MANY_SYMBOLS` and stays as it was.
 * - `unsubscribe` removes the symbols held (`removed`; unknown ones are ignored) and replies
 *   `subscribed`.
 * - `ping` replies `pong`.
 * - Anything else is refused with the contract code of {@link parseClientMessage}
 *   (`BAD_JSON`, `UNKNOWN_ACTION`, `INVALID_SYMBOL`, `TOO_MANY_SYMBOLS`, `MESSAGE_TOO_LARGE`,
 *   `INVALID_SINCE`).
 *
 * Never throws. Rate limits and authentication are the transport's, not this function's.
 *
 * @param current - The connection's subscribed symbols (any order; upper-case, valid).
 * @param input - The raw frame, or its `parseClientMessage` result when the caller looked at
 *   the action first (e.g. to skip reading the subscriptions for a `ping`).
 * @param limits - Overrides of {@link DEFAULT_PROTOCOL_LIMITS}.
 * @returns The new set, the symbols added and removed, the replies; see {@link ProtocolOutcome}.
 *
 * @example
 * ```ts
 * import { applyClientMessage } from '@market-stream/core';
 *
 * const outcome = applyClientMessage(['TSLA'], '{"action":"subscribe","symbols":["aapl"]}');
 * outcome.symbols; // ['AAPL', 'TSLA']
 * outcome.replies; // [{ type: 'subscribed', symbols: ['AAPL', 'TSLA'] }]
 * outcome.snapshotOf; // ['AAPL']
 * ```
 */
export function applyClientMessage(
  current: Iterable<string>,
  input: string | ParseResult<ClientMessage>,
  limits?: Partial<ProtocolLimits>,
): ProtocolOutcome {
  const held = new Set(current);
  const parsed = typeof input === 'string' ? parseClientMessage(input, limits) : input;
  if (!parsed.ok) return refusal(sorted(held), parsed.error.code, parsed.error.message);
  const message = parsed.message;

  if (message.action === 'ping') {
    return {
      symbols: sorted(held),
      added: [],
      removed: [],
      replies: [{ type: 'pong' }],
      snapshotOf: [],
    };
  }
  if (message.action === 'subscribe') {
    const maxSymbols = limits?.maxSymbols ?? DEFAULT_PROTOCOL_LIMITS.maxSymbols;
    const added = message.symbols.filter((symbol) => !held.has(symbol));
    if (held.size + added.length > maxSymbols) {
      return refusal(
        sorted(held),
        'TOO_MANY_SYMBOLS',
        `at most ${maxSymbols} symbols per connection; ${held.size} held, ${added.length} more asked`,
      );
    }
    for (const symbol of added) held.add(symbol);
    const symbols = sorted(held);
    const outcome: ProtocolOutcome = {
      symbols,
      added,
      removed: [],
      replies: [{ type: 'subscribed', symbols: [...symbols] }],
      snapshotOf: [...added],
    };
    const since = message.since;
    if (since !== undefined) {
      const asked = added.filter((symbol) => since[symbol] !== undefined);
      if (asked.length > 0) {
        outcome.since = Object.fromEntries(asked.map((symbol) => [symbol, since[symbol]!]));
      }
    }
    return outcome;
  }
  const removed = message.symbols.filter((symbol) => held.delete(symbol));
  const symbols = sorted(held);
  return {
    symbols,
    added: [],
    removed,
    replies: [{ type: 'subscribed', symbols: [...symbols] }],
    snapshotOf: [],
  };
}

function sorted(symbols: Iterable<string>): string[] {
  return [...symbols].sort();
}
