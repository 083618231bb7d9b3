import { DEFAULT_PROTOCOL_LIMITS, type ProtocolLimits } from '../defaults.js';
import { type ProtocolOutcome, refusal } from './ProtocolOutcome.js';
import { readSymbolList } from './readSymbolList.js';

/**
 * The server side of a connect query (`?symbols=AAPL,TSLA`), pure and transport-free: the
 * subscription set a new connection starts with, decided the same way for the fan-out engine
 * and the Lambda `$connect` handler.
 *
 * Entries are trimmed and upper-cased; empty entries are dropped (`?symbols=AAPL,` and
 * `?symbols=` are fine), duplicates kept once. An entry that is not a symbol is refused with
 * `INVALID_SYMBOL`, more than `limits.maxSymbols` entries with `TOO_MANY_SYMBOLS` (counted
 * before deduplication, as {@link parseClientMessage} counts a message's). When symbols were
 * named, `replies` holds `subscribed` (sorted) and `snapshotOf` the symbols in the order given;
 * a server that cannot message a connection while it connects (API Gateway's `$connect`)
 * answers a refusal with an HTTP status instead and sends no replies.
 *
 * @param query - The `symbols` query value (comma-separated), or the symbols as a list;
 *   `undefined` for none.
 * @param limits - Overrides of {@link DEFAULT_PROTOCOL_LIMITS}.
 * @returns The starting set and the replies; see {@link ProtocolOutcome}.
 *
 * @example
 * ```ts
 * import { applyConnectQuery } from '@market-stream/core';
 *
 * const outcome = applyConnectQuery('tsla,,AAPL,');
 * outcome.symbols; // ['AAPL', 'TSLA']
 * outcome.refused; // undefined
 * applyConnectQuery('AAPL,no way').refused?.code; // 'INVALID_SYMBOL'
 * ```
 */
export function applyConnectQuery(
  query: string | readonly string[] | undefined,
  limits?: Partial<ProtocolLimits>,
): ProtocolOutcome {
  const { maxSymbols, symbolPattern } = { ...DEFAULT_PROTOCOL_LIMITS, ...limits };
  const entries = (typeof query === 'string' ? query.split(',') : (query ?? []))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const read = readSymbolList(entries, maxSymbols, symbolPattern);
  if (!read.ok) return refusal([], read.error.code, read.error.message);
  const added = read.message;
  if (added.length === 0)
    return { symbols: [], added: [], removed: [], replies: [], snapshotOf: [] };
  const symbols = [...added].sort();
  return {
    symbols,
    added: [...added],
    removed: [],
    replies: [{ type: 'subscribed', symbols: [...symbols] }],
    snapshotOf: [...added],
  };
}
