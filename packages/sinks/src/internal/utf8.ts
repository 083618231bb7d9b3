import { utf8Length as countUtf8 } from '@market-stream/core';

const encoder = new TextEncoder();
const hasBuffer = typeof Buffer === 'function';

/**
 * UTF-8 bytes of `text`, the unit every AWS size limit counts.
 * @internal
 */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * UTF-8 length of `text` without encoding it: AWS limits count bytes, not UTF-16 code units.
 * Node's own count where there is one, core's elsewhere.
 * @internal
 */
export function utf8Length(text: string): number {
  return hasBuffer ? Buffer.byteLength(text, 'utf8') : countUtf8(text);
}
