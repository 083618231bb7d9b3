import type { ErrorCode } from './messages.js';

/**
 * Reads the symbols a client named (in a message's `symbols`/`symbol` or a connect query), the
 * one rule both {@link parseClientMessage} and {@link applyConnectQuery} apply: more than
 * `maxSymbols` entries is `TOO_MANY_SYMBOLS` (counted before deduplication); an entry that is
 * not a string matching `pattern` once trimmed and upper-cased is `INVALID_SYMBOL`; the rest
 * are kept once each, in the order named. Internal to the protocol module.
 *
 * @param entries - The entries as named.
 * @param maxSymbols - Most entries accepted.
 * @param pattern - What a symbol must match.
 * @returns The symbols, or the contract error to send back.
 *
 * @example
 * ```ts
 * readSymbolList(['aapl', ' TSLA', 'AAPL'], 50, SYMBOL_PATTERN); // { ok: true, message: ['AAPL', 'TSLA'] }
 * ```
 */
export function readSymbolList(
  entries: readonly unknown[],
  maxSymbols: number,
  pattern: RegExp,
): { ok: true; message: string[] } | ProtocolFailure {
  if (entries.length > maxSymbols) {
    return protocolFailure('TOO_MANY_SYMBOLS', `at most ${maxSymbols} symbols per connection`);
  }
  const symbols = new Set<string>();
  for (const entry of entries) {
    const symbol = typeof entry === 'string' ? entry.trim().toUpperCase() : undefined;
    if (symbol === undefined || !pattern.test(symbol)) {
      return protocolFailure(
        'INVALID_SYMBOL',
        `invalid symbol ${truncate(JSON.stringify(entry) ?? String(entry))}`,
      );
    }
    symbols.add(symbol);
  }
  return { ok: true, message: [...symbols] };
}

/**
 * A refused client input: the contract error code and a reason safe to send back (the failed
 * side of `ParseResult`).
 */
export type ProtocolFailure = { ok: false; error: { code: ErrorCode; message: string } };

/**
 * Builds a {@link ProtocolFailure}.
 *
 * @param code - The error code.
 * @param message - The reason.
 * @returns `{ ok: false, error: { code, message } }`.
 *
 * @example
 * ```ts
 * protocolFailure('BAD_JSON', 'message is not valid JSON').ok; // false
 * ```
 */
export function protocolFailure(code: ErrorCode, message: string): ProtocolFailure {
  return { ok: false, error: { code, message } };
}

/**
 * Shortens client input quoted in a reason to 40 characters, so a reply never echoes a
 * message-sized string back.
 *
 * @param text - The quoted input.
 * @returns It, or its first 40 characters and `…`.
 *
 * @example
 * ```ts
 * truncate('A'.repeat(50)).length; // 41
 * ```
 */
export function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
