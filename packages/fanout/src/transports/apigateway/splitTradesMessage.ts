import type { Trade } from '@market-stream/core';
import { PayloadTooLargeError } from '../../errors.js';

/**
 * Splits a text frame so each part fits `maxBytes` (UTF-8). A frame within the limit is
 * returned as is. A larger `{"type":"trades","trades":[…]}` message is cut into several
 * `trades` messages of whole trades, in order, each as full as the limit allows. Anything else
 * over the limit (or a single trade over it) is refused with {@link PayloadTooLargeError}:
 * nothing is ever truncated.
 *
 * @param payload - The frame to send.
 * @param maxBytes - The largest frame allowed, in UTF-8 bytes.
 * @returns One or more frames, each at most `maxBytes`.
 *
 * @example
 * ```ts
 * import { splitTradesMessage } from '@market-stream/fanout';
 *
 * const frames = splitTradesMessage(JSON.stringify({ type: 'trades', trades }), 128 * 1024);
 * ```
 */
export function splitTradesMessage(payload: string, maxBytes: number): string[] {
  const size = byteLength(payload);
  if (size <= maxBytes) return [payload];

  let message: { type?: unknown; trades?: unknown };
  try {
    message = JSON.parse(payload) as { type?: unknown; trades?: unknown };
  } catch {
    throw new PayloadTooLargeError(size, maxBytes);
  }
  if (message?.type !== 'trades' || !Array.isArray(message.trades)) {
    throw new PayloadTooLargeError(size, maxBytes);
  }

  const envelope = byteLength('{"type":"trades","trades":[]}');
  const frames: string[] = [];
  let batch: string[] = [];
  let batchBytes = envelope;
  for (const trade of message.trades as Trade[]) {
    const text = JSON.stringify(trade);
    const bytes = byteLength(text);
    if (envelope + bytes > maxBytes) throw new PayloadTooLargeError(envelope + bytes, maxBytes);
    const separator = batch.length > 0 ? 1 : 0;
    if (batchBytes + separator + bytes > maxBytes) {
      frames.push(encode(batch));
      batch = [];
      batchBytes = envelope;
    }
    batchBytes += (batch.length > 0 ? 1 : 0) + bytes;
    batch.push(text);
  }
  if (batch.length > 0) frames.push(encode(batch));
  return frames;
}

function encode(trades: string[]): string {
  return `{"type":"trades","trades":[${trades.join(',')}]}`;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
