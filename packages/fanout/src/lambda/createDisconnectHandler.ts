import type { ConnectionStore } from '../types.js';
import type { WebSocketEvent, WebSocketResult } from './webSocketEvents.js';

/**
 * Options of {@link createDisconnectHandler}.
 *
 * @example
 * ```ts
 * import type { DisconnectHandlerOptions } from '@market-stream/fanout/lambda';
 *
 * const options: DisconnectHandlerOptions = { store };
 * ```
 */
export interface DisconnectHandlerOptions {
  /** Where the connection was registered. */
  store: Pick<ConnectionStore, 'remove'>;
}

/**
 * The `$disconnect` route: forgets the connection. Idempotent (removing an unknown id is a
 * no-op). API Gateway runs `$disconnect` on a best-effort basis; records it misses expire by
 * the store's TTL or are removed on the first 410 from PostToConnection.
 *
 * @param options - The store.
 * @returns A Lambda handler for the `$disconnect` route.
 *
 * @example
 * ```ts
 * import { createDisconnectHandler } from '@market-stream/fanout/lambda';
 *
 * export const handler = createDisconnectHandler({ store });
 * ```
 */
export function createDisconnectHandler(
  options: DisconnectHandlerOptions,
): (event: WebSocketEvent, context?: unknown) => Promise<WebSocketResult> {
  return async (event) => {
    await options.store.remove(event.requestContext.connectionId);
    return { statusCode: 200 };
  };
}
