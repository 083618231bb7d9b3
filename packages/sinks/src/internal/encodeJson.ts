const encoder = new TextEncoder();

/**
 * The default encoding of a record: UTF-8 JSON.
 * @internal
 */
export function encodeJson(record: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(record));
}
