import { applyConnectQuery, type ProtocolLimits } from '@market-stream/core';
import { BEARER_PROTOCOL, extractToken } from '../auth/extractToken.js';
import { SERVERLESS_DEFAULTS } from '../defaults.js';
import { shardOf } from '../engine/shardOf.js';
import type { ConnectionStore, DeliveryMode } from '../types.js';
import type { WebSocketEvent, WebSocketResult } from './webSocketEvents.js';

/**
 * Checks a connection's credentials: resolves truthy to accept, falsy (or rejects) to refuse.
 *
 * @example
 * ```ts
 * import type { TokenVerifier } from '@market-stream/fanout/lambda';
 *
 * const verify: TokenVerifier = async (token) => token === process.env.DEMO_TOKEN;
 * ```
 */
export type TokenVerifier = (token: string) => unknown | Promise<unknown>;

/**
 * Options of {@link createConnectHandler}.
 *
 * @example
 * ```ts
 * import type { ConnectHandlerOptions } from '@market-stream/fanout/lambda';
 *
 * const options: ConnectHandlerOptions = { store, shards: 16 };
 * ```
 */
export interface ConnectHandlerOptions {
  /** Where the connection is registered. */
  store: ConnectionStore;
  /**
   * Shard count, the same everywhere.
   * @default 16
   */
  shards?: number;
  /**
   * When set, a connection needs a token it accepts: `?token=`, `Authorization: Bearer …`, or
   * `Sec-WebSocket-Protocol: bearer, <token>` (browsers; the handler then answers with the
   * `bearer` subprotocol, as API Gateway requires).
   */
  verifyToken?: TokenVerifier;
  /** Limits for `?symbols=` (count, pattern); the core protocol defaults otherwise. */
  limits?: Partial<ProtocolLimits>;
  /** Delivery mode recorded for every connection (otherwise the processor's). */
  mode?: DeliveryMode;
}

/**
 * The `$connect` route: checks the token when `verifyToken` is set (missing or refused → 401,
 * the upgrade fails), reads `?symbols=AAPL,TSLA` with core's `applyConnectQuery`, as the engine
 * does (empty entries dropped, set sorted; invalid or too many → 400), and registers the
 * connection in its shard with those symbols.
 *
 * Guarantees: a refused connection is never stored; the record is written before the
 * handler returns 200, so the connection receives the next batch of its symbols. API Gateway
 * does not allow messages to a connection during `$connect`, so symbols given on the URL get
 * no `subscribed` or `snapshot` message — send a `subscribe` to get them.
 *
 * @param options - Store, shards, token check; see {@link ConnectHandlerOptions}.
 * @returns A Lambda handler for the `$connect` route.
 *
 * @example
 * ```ts
 * import { createJwtVerifier } from '@market-stream/fanout';
 * import { createConnectHandler } from '@market-stream/fanout/lambda';
 *
 * const jwt = createJwtVerifier({ secret: process.env.JWT_SECRET! });
 * export const handler = createConnectHandler({ store, verifyToken: (token) => jwt.verify(token) });
 * ```
 */
export function createConnectHandler(
  options: ConnectHandlerOptions,
): (event: WebSocketEvent, context?: unknown) => Promise<WebSocketResult> {
  const shards = options.shards ?? SERVERLESS_DEFAULTS.shards;
  return async (event) => {
    const { connectionId, connectedAt } = event.requestContext;
    if (options.verifyToken) {
      const token = tokenOf(event);
      let accepted: unknown = false;
      if (token) {
        try {
          accepted = await options.verifyToken(token);
        } catch {
          accepted = false;
        }
      }
      if (!accepted) return refuse(401, 'UNAUTHORIZED', 'a valid token is required');
    }

    // Decided as the engine decides; API Gateway allows no message during `$connect`, so a
    // refusal is an HTTP 400 and an accepted set gets no `subscribed` or `snapshot`.
    const outcome = applyConnectQuery(event.queryStringParameters?.symbols, options.limits);
    if (outcome.refused) return refuse(400, outcome.refused.code, outcome.refused.message);

    await options.store.put({
      id: connectionId,
      shard: shardOf(connectionId, shards),
      symbols: outcome.symbols,
      connectedAt: connectedAt ?? Date.now(),
      ...(options.mode ? { mode: options.mode } : {}),
    });
    return offeredBearer(event)
      ? { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': BEARER_PROTOCOL } }
      : { statusCode: 200 };
  };
}

/** The token of a `$connect` event, found where `extractToken` looks in an upgrade request. */
function tokenOf(event: WebSocketEvent): string | undefined {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {}))
    headers[name.toLowerCase()] = value;
  const token = event.queryStringParameters?.token;
  return extractToken({ url: token ? `/?token=${encodeURIComponent(token)}` : '/', headers });
}

/** A browser that sent its token as `Sec-WebSocket-Protocol: bearer, <token>` must get `bearer` back. */
function offeredBearer(event: WebSocketEvent): boolean {
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (name.toLowerCase() === 'sec-websocket-protocol' && value) {
      return value.split(',').some((protocol) => protocol.trim() === BEARER_PROTOCOL);
    }
  }
  return false;
}

function refuse(statusCode: number, code: string, message: string): WebSocketResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'error', code, message }),
  };
}
