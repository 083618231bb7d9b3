import { type ProtocolLimits, parseClientMessage } from '@market-stream/core';
import { SERVERLESS_DEFAULTS } from '../defaults.js';
import { shardOf } from '../stores/shardOf.js';
import type { ConnectionStore, DeliveryMode } from '../types.js';
import type { WebSocketEvent, WebSocketResult } from './events.js';

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
  /** When set, a connection needs a token (`?token=` or `Authorization: Bearer …`) it accepts. */
  verifyToken?: TokenVerifier;
  /** Limits for `?symbols=` (count, pattern); the core protocol defaults otherwise. */
  limits?: Partial<ProtocolLimits>;
  /** Delivery mode recorded for every connection (otherwise the processor's). */
  mode?: DeliveryMode;
}

/**
 * The `$connect` route: checks the token when `verifyToken` is set (missing or refused → 401,
 * the upgrade fails), reads `?symbols=AAPL,TSLA` (invalid or too many → 400), and registers
 * the connection in its shard with those symbols.
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
 * import { createConnectHandler } from '@market-stream/fanout/lambda';
 *
 * export const handler = createConnectHandler({
 *   store,
 *   verifyToken: async (token) => token === process.env.DEMO_TOKEN,
 * });
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

    let symbols: string[] = [];
    const requested = event.queryStringParameters?.symbols;
    if (requested !== undefined && requested.trim() !== '') {
      const parsed = parseClientMessage(
        JSON.stringify({ action: 'subscribe', symbols: requested.split(',') }),
        options.limits,
      );
      if (!parsed.ok) return refuse(400, parsed.error.code, parsed.error.message);
      symbols = parsed.message.action === 'subscribe' ? parsed.message.symbols : [];
    }

    await options.store.put({
      id: connectionId,
      shard: shardOf(connectionId, shards),
      symbols,
      connectedAt: connectedAt ?? Date.now(),
      ...(options.mode ? { mode: options.mode } : {}),
    });
    return { statusCode: 200 };
  };
}

function tokenOf(event: WebSocketEvent): string | undefined {
  const query = event.queryStringParameters?.token;
  if (query) return query;
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (name.toLowerCase() === 'authorization' && value) {
      const match = /^Bearer\s+(.+)$/i.exec(value.trim());
      if (match) return match[1];
    }
  }
  return undefined;
}

function refuse(statusCode: number, code: string, message: string): WebSocketResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'error', code, message }),
  };
}
