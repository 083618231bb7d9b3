import type { ServerMessage } from './messages.js';

const SERVER_TYPES = new Set(['subscribed', 'snapshot', 'trades', 'recovery', 'pong', 'error']);

/**
 * Parses a text frame from a market-stream server on the client side. Never throws; returns
 * `undefined` for anything that is not a server message of the wire protocol, so a client can
 * ignore what it does not understand.
 *
 * The shape is checked (a known `type`, arrays where arrays belong), not every trade's fields:
 * servers only send trades they validated.
 *
 * @param text - The raw frame.
 * @returns The message, or `undefined`.
 *
 * @example
 * ```ts
 * import { parseServerMessage } from '@market-stream/core';
 *
 * socket.onmessage = (event) => {
 *   const message = parseServerMessage(String(event.data));
 *   if (message?.type === 'trades') render(message.trades);
 * };
 * ```
 */
export function parseServerMessage(text: string): ServerMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  if (typeof message.type !== 'string' || !SERVER_TYPES.has(message.type)) return undefined;
  switch (message.type) {
    case 'subscribed':
      return Array.isArray(message.symbols) ? (message as unknown as ServerMessage) : undefined;
    case 'snapshot':
    case 'trades':
      return Array.isArray(message.trades) ? (message as unknown as ServerMessage) : undefined;
    case 'recovery':
      return typeof message.recovered === 'object' &&
        message.recovered !== null &&
        Array.isArray(message.unrecovered)
        ? (message as unknown as ServerMessage)
        : undefined;
    case 'error':
      return typeof message.code === 'string' ? (message as unknown as ServerMessage) : undefined;
    default:
      return message as unknown as ServerMessage;
  }
}
