/**
 * The few protocol-buffers primitives the KPL format needs: varints and length-delimited
 * fields. Hand-written so the package carries no protobuf runtime.
 * @internal
 */

/** Wire type of varint fields (uint64 indexes). */
export const WIRE_VARINT = 0;
/** Wire type of fixed 64-bit fields. */
export const WIRE_FIXED64 = 1;
/** Wire type of length-delimited fields (strings, bytes, sub-messages). */
export const WIRE_LENGTH_DELIMITED = 2;
/** Wire type of fixed 32-bit fields. */
export const WIRE_FIXED32 = 5;

/** The key byte of a field: `(field << 3) | wireType`, one byte for the fields KPL uses. */
export function fieldKey(field: number, wireType: number): number {
  return (field << 3) | wireType;
}

/** Bytes a non-negative integer takes as a varint. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  let size = 4;
  let rest = Math.floor(value / 0x10000000);
  while (rest > 0) {
    size++;
    rest = Math.floor(rest / 0x80);
  }
  return size;
}

/** Bytes a length-delimited field of `length` payload bytes takes, key included. */
export function lengthDelimitedSize(length: number): number {
  return 1 + varintSize(length) + length;
}

/** Writes `value` as a varint at `offset`; returns the offset after it. */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  let rest = value;
  let at = offset;
  while (rest >= 0x80) {
    target[at++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  target[at++] = rest;
  return at;
}

/** Why a protobuf message could not be read. */
export class ProtobufDecodeError extends Error {}

/** A cursor over a protobuf message that throws {@link ProtobufDecodeError} on malformed input. */
export class ProtobufReader {
  offset: number;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.offset = start;
  }

  get done(): boolean {
    return this.offset >= this.end;
  }

  /** Reads a varint up to 2^53 - 1 (larger values cannot be indexes or lengths here). */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.end) throw new ProtobufDecodeError('truncated varint');
      const byte = this.bytes[this.offset++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) throw new ProtobufDecodeError('varint too large');
        return value;
      }
      scale *= 0x80;
    }
    throw new ProtobufDecodeError('varint longer than 10 bytes');
  }

  /** Reads a length-delimited payload; returns its `[start, end)` within `bytes`. */
  lengthDelimited(): [number, number] {
    const length = this.varint();
    const start = this.offset;
    if (length > this.end - start) throw new ProtobufDecodeError('length past end of message');
    this.offset = start + length;
    return [start, this.offset];
  }

  /** Skips a field of an unknown number, as protobuf readers must. */
  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_LENGTH_DELIMITED:
        this.lengthDelimited();
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      default:
        throw new ProtobufDecodeError(`unsupported wire type ${wireType}`);
    }
  }

  private advance(bytes: number): void {
    if (bytes > this.end - this.offset) throw new ProtobufDecodeError('truncated field');
    this.offset += bytes;
  }
}
