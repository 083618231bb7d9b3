import { InvalidTradeError, type Trade, validateTrade } from '@market-stream/core';
import { UndecodableRecordError } from '../errors.js';

/**
 * The outcome of {@link decodeTradeJson}.
 * @internal
 */
export type TradeDecoding =
  | { ok: true; trade: Trade }
  | { ok: false; error: InvalidTradeError | UndecodableRecordError };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes one record's payload — UTF-8 JSON of a trade, as every market-stream sink writes it —
 * and validates it with core's `validateTrade`. Never throws.
 *
 * @param payload - The record's bytes, or its text (SQS bodies).
 * @internal
 */
export function decodeTradeJson(payload: Uint8Array | string): TradeDecoding {
  let text: string;
  if (typeof payload === 'string') text = payload;
  else {
    try {
      text = strictUtf8.decode(payload);
    } catch (cause) {
      return { ok: false, error: new UndecodableRecordError('record is not UTF-8', { cause }) };
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    return { ok: false, error: new UndecodableRecordError('record is not JSON', { cause }) };
  }
  const result = validateTrade(value);
  return result.ok ? result : { ok: false, error: new InvalidTradeError(result.issues) };
}
