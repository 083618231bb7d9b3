import { utf8Length } from './utf8.js';

/**
 * The size DynamoDB charges an item against its 400 KB limit: attribute names plus values
 * (strings in UTF-8, numbers about one byte per two significant digits plus one, binary as is,
 * 3 bytes of overhead per map or list and 1 per element).
 * @internal
 */
export function itemSize(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const name in item) {
    const value = item[name];
    if (value === undefined) continue;
    bytes += utf8Length(name) + valueSize(value);
  }
  return bytes;
}

function valueSize(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return utf8Length(value);
    case 'number':
    case 'bigint':
      return numberSize(String(value));
    case 'boolean':
      return 1;
    case 'object': {
      if (value === null) return 1;
      if (value instanceof Uint8Array) return value.length;
      if (value instanceof Set) {
        let bytes = 0;
        for (const member of value) bytes += valueSize(member);
        return bytes;
      }
      if (Array.isArray(value)) {
        let bytes = 3;
        for (const member of value) bytes += 1 + valueSize(member);
        return bytes;
      }
      let bytes = 3;
      for (const [name, member] of Object.entries(value)) {
        if (member !== undefined) bytes += 1 + utf8Length(name) + valueSize(member);
      }
      return bytes;
    }
    default:
      return 0;
  }
}

function numberSize(text: string): number {
  // Significant digits: skip sign, decimal point and leading zeros; stop at an exponent.
  let digits = 0;
  let leading = true;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 101 || code === 69) break; // e / E
    if (code < 48 || code > 57) continue; // '-' or '.'
    if (leading && code === 48) continue;
    leading = false;
    digits++;
  }
  return Math.ceil(Math.max(1, digits) / 2) + 1;
}
