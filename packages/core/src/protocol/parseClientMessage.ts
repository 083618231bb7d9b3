import { DEFAULT_PROTOCOL_LIMITS, type ProtocolLimits } from '../defaults.js';
import type { ClientMessage, ErrorCode } from './messages.js';
import { protocolFailure, readSymbolList, truncate } from './readSymbolList.js';

/**
 * The outcome of {@link parseClientMessage}: the message, or the contract error to send back.
 *
 * @example
 * ```ts
 * import type { ParseResult, ClientMessage } from '@market-stream/core';
 *
 * const result: ParseResult<ClientMessage> = { ok: true, message: { action: 'ping' } };
 * ```
 */
export type ParseResult<T> =
  | { ok: true; message: T }
  | { ok: false; error: { code: ErrorCode; message: string } };

const utf8 = new TextEncoder();

/**
 * Parses and validates one text frame from a client. Never throws: whatever arrives, the
 * result is either a well-formed {@link ClientMessage} or a contract error code with a reason
 * that is safe to send back.
 *
 * Symbols are trimmed, upper-cased and deduplicated; `"symbol": "AAPL"` is accepted as well as
 * `"symbols": [...]`. A message naming more than `maxSymbols` symbols is refused with
 * `TOO_MANY_SYMBOLS`; the per-connection total is the server's to enforce with the same limit.
 * A subscribe's optional `since` (the last `seq` held per symbol, for recovery) names only
 * symbols of the same message, at most `maxSymbols` of them, each with a whole number from 0 to
 * `Number.MAX_SAFE_INTEGER`; anything else is `INVALID_SINCE` (or `TOO_MANY_SYMBOLS`, or
 * `INVALID_SYMBOL` for a key that is no symbol). An empty `since` is dropped.
 *
 * @param text - The raw frame as received.
 * @param limits - Overrides of {@link DEFAULT_PROTOCOL_LIMITS}.
 * @returns `{ ok: true, message }` or `{ ok: false, error: { code, message } }`.
 *
 * @example
 * ```ts
 * import { parseClientMessage } from '@market-stream/core';
 *
 * const result = parseClientMessage('{"action":"subscribe","symbols":["aapl","TSLA"]}');
 * if (result.ok) console.log(result.message); // { action: 'subscribe', symbols: ['AAPL', 'TSLA'] }
 * else console.log(result.error.code);
 * ```
 */
export function parseClientMessage(
  text: string,
  limits?: Partial<ProtocolLimits>,
): ParseResult<ClientMessage> {
  const { maxMessageBytes, maxSymbols, symbolPattern } = { ...DEFAULT_PROTOCOL_LIMITS, ...limits };
  if (typeof text !== 'string')
    return protocolFailure('BAD_JSON', 'message must be a JSON text frame');
  if (byteLengthExceeds(text, maxMessageBytes)) {
    return protocolFailure('MESSAGE_TOO_LARGE', `message exceeds ${maxMessageBytes} bytes`);
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return protocolFailure('BAD_JSON', 'message is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return protocolFailure('BAD_JSON', 'message must be a JSON object');
  }

  const { action } = value as { action?: unknown };
  switch (action) {
    case 'ping':
      return { ok: true, message: { action: 'ping' } };
    case 'subscribe':
    case 'unsubscribe': {
      const body = value as Record<string, unknown>;
      const symbols = readSymbols(body, maxSymbols, symbolPattern);
      if (!symbols.ok) return symbols;
      if (action === 'unsubscribe' || body.since === undefined) {
        return { ok: true, message: { action, symbols: symbols.message } };
      }
      const since = readSince(body.since, symbols.message, maxSymbols, symbolPattern);
      if (!since.ok) return since;
      return {
        ok: true,
        message:
          Object.keys(since.message).length === 0
            ? { action, symbols: symbols.message }
            : { action, symbols: symbols.message, since: since.message },
      };
    }
    default:
      return protocolFailure(
        'UNKNOWN_ACTION',
        typeof action === 'string'
          ? `unknown action "${truncate(action)}"; expected subscribe, unsubscribe or ping`
          : 'message needs an "action": subscribe, unsubscribe or ping',
      );
  }
}

function readSymbols(
  body: Record<string, unknown>,
  maxSymbols: number,
  pattern: RegExp,
): ParseResult<string[]> {
  const raw: unknown[] = [];
  if (body.symbols !== undefined) {
    if (!Array.isArray(body.symbols)) {
      return protocolFailure('INVALID_SYMBOL', '"symbols" must be an array of strings');
    }
    raw.push(...body.symbols);
  }
  if (body.symbol !== undefined) raw.push(body.symbol);
  if (raw.length === 0) {
    return protocolFailure('INVALID_SYMBOL', 'name at least one symbol in "symbols" or "symbol"');
  }
  return readSymbolList(raw, maxSymbols, pattern);
}

/**
 * Reads a subscribe's `since`: an object of at most `maxSymbols` entries, each naming a symbol
 * of the same message (trimmed and upper-cased like `symbols`) with a whole number from 0 to
 * `Number.MAX_SAFE_INTEGER`.
 */
function readSince(
  raw: unknown,
  symbols: readonly string[],
  maxSymbols: number,
  pattern: RegExp,
): ParseResult<Record<string, number>> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return protocolFailure('INVALID_SINCE', '"since" must be an object of symbol: last seq');
  }
  const entries = Object.entries(raw);
  if (entries.length > maxSymbols) {
    return protocolFailure('TOO_MANY_SYMBOLS', `"since" names more than ${maxSymbols} symbols`);
  }
  const named = new Set(symbols);
  // A null prototype: a symbol called "__PROTO__" or "CONSTRUCTOR" is just a key.
  const since: Record<string, number> = Object.create(null);
  for (const [key, seq] of entries) {
    const symbol = key.trim().toUpperCase();
    if (!pattern.test(symbol)) {
      return protocolFailure(
        'INVALID_SYMBOL',
        `invalid symbol ${truncate(JSON.stringify(key))} in "since"`,
      );
    }
    if (!named.has(symbol)) {
      return protocolFailure(
        'INVALID_SINCE',
        `"since" names ${symbol}, which this message does not subscribe to`,
      );
    }
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
      return protocolFailure(
        'INVALID_SINCE',
        `"since" of ${symbol} must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`,
      );
    }
    since[symbol] = seq;
  }
  return { ok: true, message: { ...since } };
}

function byteLengthExceeds(text: string, maxBytes: number): boolean {
  // A UTF-16 code unit encodes to 1–3 UTF-8 bytes, so most frames are decided without encoding.
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return utf8.encode(text).byteLength > maxBytes;
}
