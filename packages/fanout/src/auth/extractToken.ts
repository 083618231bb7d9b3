/**
 * What {@link extractToken} reads: a Node `IncomingMessage`, or anything with its `url` and
 * `headers` (an API Gateway event can be adapted to it).
 *
 * @example
 * ```ts
 * import type { TokenCarrier } from '@market-stream/fanout';
 *
 * const carrier: TokenCarrier = { url: '/ws?token=abc', headers: {} };
 * ```
 */
export interface TokenCarrier {
  /** Request target, e.g. `/ws?symbols=AAPL&token=…`. */
  url?: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The WebSocket subprotocol that announces a bearer token in `Sec-WebSocket-Protocol`; servers
 * made by `serveFanout` select it, so browsers accept the handshake.
 *
 * @example
 * ```ts
 * import { BEARER_PROTOCOL } from '@market-stream/fanout';
 *
 * const socket = new WebSocket('wss://ticker.example.com/ws', [BEARER_PROTOCOL, token]);
 * ```
 */
export const BEARER_PROTOCOL = 'bearer';

/**
 * Finds the credentials a WebSocket client sent, in this order: the `?token=` query parameter;
 * an `Authorization: Bearer <token>` header; a `Sec-WebSocket-Protocol` header offering
 * `bearer, <token>` (what a browser can send, as it cannot set headers) or `bearer.<token>`.
 *
 * @param request - The upgrade request.
 * @returns The token, or `undefined` when none was sent.
 *
 * @example
 * ```ts
 * import { extractToken } from '@market-stream/fanout';
 *
 * extractToken({ url: '/ws?token=abc', headers: {} }); // 'abc'
 * extractToken({ url: '/ws', headers: { authorization: 'Bearer abc' } }); // 'abc'
 * // browser: new WebSocket(url, ['bearer', token])
 * ```
 */
export function extractToken(request: TokenCarrier): string | undefined {
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
  if (query) return query;

  const authorization = first(request.headers.authorization);
  const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (bearer) return bearer;

  const protocols = (first(request.headers['sec-websocket-protocol']) ?? '')
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '');
  const announced = protocols.indexOf(BEARER_PROTOCOL);
  if (announced >= 0 && protocols[announced + 1]) return protocols[announced + 1];
  const dotted = protocols.find((protocol) => protocol.startsWith(`${BEARER_PROTOCOL}.`));
  return dotted ? dotted.slice(BEARER_PROTOCOL.length + 1) : undefined;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
