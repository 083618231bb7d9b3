import type { ServerMessage } from './messages.js';

/**
 * Encodes a server message as the JSON text frame of the wire protocol. Servers serialize a
 * message once and send the same string to every connection that shares it.
 *
 * @param message - The message to send.
 * @returns The text frame.
 *
 * @example
 * ```ts
 * import { encodeServerMessage } from '@market-stream/core';
 *
 * socket.send(encodeServerMessage({ type: 'subscribed', symbols: ['AAPL'] }));
 * ```
 */
export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}
