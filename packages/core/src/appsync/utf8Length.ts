/**
 * UTF-8 length of a string without encoding it, the unit AWS size limits count (AppSync Events'
 * 240 KB per event, Kinesis' 1 MB per record, SQS' 256 KB per message). A lone surrogate counts
 * 3 bytes, as `TextEncoder` writes U+FFFD for it.
 *
 * @param text - Any string.
 * @returns Its length in UTF-8 bytes.
 *
 * @example
 * ```ts
 * import { utf8Length } from '@market-stream/core';
 *
 * utf8Length('€1'); // 4
 * ```
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
