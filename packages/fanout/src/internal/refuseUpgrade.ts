import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Answers an upgrade request with an HTTP error and closes its socket: the status line, the
 * status text as a `text/plain` body, then the socket is destroyed once the answer is flushed
 * (so a client that never closes its side cannot keep it in CLOSE-WAIT). Does nothing on a
 * socket already answered or destroyed, so two listeners refusing the same socket are harmless.
 *
 * @param socket - The socket of the upgrade request.
 * @param status - HTTP status, e.g. 400, 404, 503.
 *
 * @example
 * ```ts
 * server.on('upgrade', (request, socket) => refuseUpgrade(socket, 404));
 * ```
 */
export function refuseUpgrade(socket: Duplex, status: number): void {
  if (socket.destroyed || socket.writableEnded) return;
  // A client that resets before the answer is written must not take the process down.
  if (socket.listenerCount('error') === 0) socket.on('error', () => socket.destroy());
  const text = STATUS_CODES[status] ?? 'Error';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}
