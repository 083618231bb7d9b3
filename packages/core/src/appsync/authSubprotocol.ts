import { APPSYNC_EVENTS_PROTOCOL } from './protocol.js';

/**
 * The WebSocket subprotocol that carries a realtime connection's authorization headers:
 * `header-` followed by the base64url encoding (no padding) of the headers as JSON. Browsers
 * cannot set headers on a WebSocket, so AppSync reads them from here: `host` (the API's HTTP
 * domain) with `x-api-key` for API key auth, or `Authorization` for Cognito, OIDC or Lambda
 * auth. Browser-safe (TextEncoder and btoa, no Node APIs).
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-websocket-protocol.html
 *
 * @param headers - The authorization headers.
 * @returns The subprotocol, to offer after `aws-appsync-event-ws`.
 *
 * @example
 * ```ts
 * import { APPSYNC_EVENTS_PROTOCOL, authSubprotocol } from '@market-stream/core';
 *
 * new WebSocket(realtimeUrl, [
 *   APPSYNC_EVENTS_PROTOCOL.subprotocol,
 *   authSubprotocol({ host: 'example.appsync-api.us-east-1.amazonaws.com', 'x-api-key': 'da2-…' }),
 * ]);
 * ```
 */
export function authSubprotocol(headers: Record<string, string>): string {
  const bytes = new TextEncoder().encode(JSON.stringify(headers));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  const base64url = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return APPSYNC_EVENTS_PROTOCOL.headerPrefix + base64url;
}

/**
 * Reads the authorization headers back from a `header-…` subprotocol, the inverse of
 * {@link authSubprotocol}. Never throws.
 *
 * @param protocol - One subprotocol offered by a client.
 * @returns The headers, or `undefined` when the protocol is not a `header-` subprotocol, is not
 *   base64url, or does not hold a JSON object of strings.
 *
 * @example
 * ```ts
 * import { readAuthSubprotocol } from '@market-stream/core';
 *
 * const headers = readAuthSubprotocol(request.headers['sec-websocket-protocol']?.split(', ')[1] ?? '');
 * if (headers?.['x-api-key'] !== apiKey) refuse();
 * ```
 */
export function readAuthSubprotocol(protocol: string): Record<string, string> | undefined {
  if (!protocol.startsWith(APPSYNC_EVENTS_PROTOCOL.headerPrefix)) return undefined;
  const encoded = protocol.slice(APPSYNC_EVENTS_PROTOCOL.headerPrefix.length);
  if (!/^[A-Za-z0-9_-]*$/.test(encoded)) return undefined;
  try {
    const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const headers = value as Record<string, unknown>;
    return Object.values(headers).every((header) => typeof header === 'string')
      ? (headers as Record<string, string>)
      : undefined;
  } catch {
    return undefined;
  }
}
