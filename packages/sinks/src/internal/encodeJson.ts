const encoder = new TextEncoder();

// Node's Buffer.from carves small strings out of a shared 8 KiB pool, where TextEncoder
// allocates a new ArrayBuffer per call: per trade, that difference is most of the garbage.
const fromString: (text: string) => Uint8Array =
  typeof Buffer === 'function'
    ? (text) => Buffer.from(text, 'utf8')
    : (text) => encoder.encode(text);

/**
 * The default encoding of a record: UTF-8 JSON.
 * @internal
 */
export function encodeJson(record: unknown): Uint8Array {
  return fromString(JSON.stringify(record));
}
