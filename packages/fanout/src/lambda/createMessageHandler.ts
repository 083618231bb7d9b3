import {
  applyClientMessage,
  encodeServerMessage,
  type ProtocolLimits,
  parseClientMessage,
  type ServerMessage,
} from '@market-stream/core';
import { SERVERLESS_DEFAULTS } from '../defaults.js';
import { shardOf } from '../engine/shardOf.js';
import type { ConnectionStore, Transport } from '../types.js';
import type { LatestTradeStore } from './LatestTradeStore.js';
import type { WebSocketEvent, WebSocketResult } from './webSocketEvents.js';

/**
 * Options of {@link createMessageHandler}.
 *
 * @example
 * ```ts
 * import type { MessageHandlerOptions } from '@market-stream/fanout/lambda';
 *
 * const options: MessageHandlerOptions = { store, transport, latest };
 * ```
 */
export interface MessageHandlerOptions {
  /** The connection store. */
  store: ConnectionStore;
  /**
   * How replies reach the sender: a transport, or a function that picks one for the event
   * (e.g. from its `domainName` and `stage`).
   */
  transport: Pick<Transport, 'send'> | ((event: WebSocketEvent) => Pick<Transport, 'send'>);
  /** Source of `snapshot` trades; without it a snapshot is always empty. */
  latest?: LatestTradeStore;
  /**
   * Shard count, the same everywhere.
   * @default 16
   */
  shards?: number;
  /** Protocol limits (message size, symbols per connection); the core defaults otherwise. */
  limits?: Partial<ProtocolLimits>;
}

/**
 * One handler for the `subscribe`, `unsubscribe`, `ping` and `$default` routes: decides with
 * core's `applyClientMessage`, as the engine does, and replies to the sender through
 * `@connections` — `subscribed` (the full set, sorted) then, when symbols were added,
 * `snapshot` (the newest known trade of each newly added symbol that has traded) after a
 * subscribe, `subscribed` after an unsubscribe, `pong` to a ping, and `error` with the
 * contract code (`BAD_JSON`, `UNKNOWN_ACTION`, `INVALID_SYMBOL`, `TOO_MANY_SYMBOLS`,
 * `MESSAGE_TOO_LARGE`) for anything else, leaving the subscription as it was. The stored set
 * is kept sorted; only a subscribe or unsubscribe reads it.
 *
 * Guarantees: bad input never throws and never touches another connection; the
 * subscription set never exceeds `limits.maxSymbols`. A subscribe from a connection with no
 * record (e.g. expired by TTL) recreates it. Limits: the set is read, changed and written
 * back, so two messages of one connection handled at the same instant may race (API Gateway
 * may run them concurrently); per-connection message rates are left to API Gateway's route
 * throttling (no RATE_LIMITED here: a Lambda keeps no state between invocations).
 *
 * @param options - Store, reply transport, snapshot source; see {@link MessageHandlerOptions}.
 * @returns A Lambda handler for the message routes.
 *
 * @example
 * ```ts
 * import { createApiGatewayTransport } from '@market-stream/fanout';
 * import { createMessageHandler } from '@market-stream/fanout/lambda';
 *
 * export const handler = createMessageHandler({
 *   store,
 *   transport: createApiGatewayTransport({ endpoint: process.env.WEBSOCKET_API_ENDPOINT }),
 *   latest,
 * });
 * ```
 */
export function createMessageHandler(
  options: MessageHandlerOptions,
): (event: WebSocketEvent, context?: unknown) => Promise<WebSocketResult> {
  const shards = options.shards ?? SERVERLESS_DEFAULTS.shards;

  return async (event) => {
    const { connectionId } = event.requestContext;
    const transport =
      typeof options.transport === 'function' ? options.transport(event) : options.transport;
    const reply = (message: ServerMessage) =>
      transport.send(connectionId, encodeServerMessage(message));

    const text =
      event.isBase64Encoded && event.body !== undefined
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : (event.body ?? '');
    const parsed = parseClientMessage(text, options.limits);
    // Only a subscribe or unsubscribe needs the stored set: a ping or a refusal reads nothing.
    const changes = parsed.ok && parsed.message.action !== 'ping';
    const record = changes ? await options.store.get(connectionId) : undefined;
    const outcome = applyClientMessage(record?.symbols ?? [], parsed, options.limits);

    if (outcome.added.length > 0 || outcome.removed.length > 0) {
      if (record) await options.store.updateSymbols(connectionId, outcome.symbols);
      else {
        await options.store.put({
          id: connectionId,
          shard: shardOf(connectionId, shards),
          symbols: outcome.symbols,
          connectedAt: event.requestContext.connectedAt ?? Date.now(),
        });
      }
    }
    for (const message of outcome.replies) await reply(message);
    if (outcome.snapshotOf.length > 0) {
      const trades = options.latest ? await options.latest.get(outcome.snapshotOf) : [];
      await reply({ type: 'snapshot', trades });
    }
    return { statusCode: 200 };
  };
}
