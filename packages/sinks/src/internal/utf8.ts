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
 * @internal
 */
export function utf8Length(text: string): number {
  if (hasBuffer) return Buffer.byteLength(text, 'utf8');
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
