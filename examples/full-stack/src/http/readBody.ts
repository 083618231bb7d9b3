import type { IncomingMessage } from 'node:http';
import { HttpError } from './HttpError.js';

/**
 * Reads a request body of at most `maxBytes`. A larger body (by its `Content-Length`, or as it
 * streams) rejects with a 413 `HttpError` and stops buffering; the socket is left open so the
 * answer can reach the client (the caller answers with `Connection: close`).
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      request.off('data', onData);
      reject(tooLarge(maxBytes));
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError('BODY_TOO_LARGE', `body exceeds ${maxBytes} bytes`, 413);
}
