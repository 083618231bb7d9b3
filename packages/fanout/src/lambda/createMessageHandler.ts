import {
  DEFAULT_PROTOCOL_LIMITS,
  encodeServerMessage,
  type ProtocolLimits,
  parseClientMessage,
  type ServerMessage,
} from '@market-stream/core';
import { SERVERLESS_DEFAULTS } from '../defaults.js';
import { shardOf } from '../stores/shardOf.js';
import type { ConnectionStore, Transport } from '../types.js';
import type { WebSocketEvent, WebSocketResult } from './events.js';
import type { LatestTradeStore } from './LatestTradeStore.js';

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
 * One handler for the `subscribe`, `unsubscribe`, `ping` and `$default` routes: parses the
 * frame with core's `parseClientMessage` and replies to the sender through `@connections` —
 * `subscribed` (the full set) then, when symbols were added, `snapshot` (the newest known
 * trade of each newly added symbol that has traded) after a subscribe, `subscribed` after an unsubscribe, `pong` to a
 * ping, and `error` with the contract code (`BAD_JSON`, `UNKNOWN_ACTION`, `INVALID_SYMBOL`,
 * `TOO_MANY_SYMBOLS`, `MESSAGE_TOO_LARGE`) for anything else, leaving the subscription as it
 * was.
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
  const maxSymbols = options.limits?.maxSymbols ?? DEFAULT_PROTOCOL_LIMITS.maxSymbols;

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
    if (!parsed.ok) {
      await reply({ type: 'error', code: parsed.error.code, message: parsed.error.message });
      return { statusCode: 200 };
    }
    const message = parsed.message;
    if (message.action === 'ping') {
      await reply({ type: 'pong' });
      return { statusCode: 200 };
    }

    const record = await options.store.get(connectionId);
    const current = record?.symbols ?? [];
    if (message.action === 'subscribe') {
      const added = message.symbols.filter((symbol) => !current.includes(symbol));
      const next = [...current, ...added];
      if (next.length > maxSymbols) {
        await reply({
          type: 'error',
          code: 'TOO_MANY_SYMBOLS',
          message: `at most ${maxSymbols} symbols per connection`,
        });
        return { statusCode: 200 };
      }
      if (record) await options.store.updateSymbols(connectionId, next);
      else {
        await options.store.put({
          id: connectionId,
          shard: shardOf(connectionId, shards),
          symbols: next,
          connectedAt: event.requestContext.connectedAt ?? Date.now(),
        });
      }
      await reply({ type: 'subscribed', symbols: next });
      if (added.length > 0) {
        const trades = options.latest ? await options.latest.get(added) : [];
        await reply({ type: 'snapshot', trades });
      }
      return { statusCode: 200 };
    }

    const next = current.filter((symbol) => !message.symbols.includes(symbol));
    if (record && next.length !== current.length) {
      await options.store.updateSymbols(connectionId, next);
    }
    await reply({ type: 'subscribed', symbols: next });
    return { statusCode: 200 };
  };
}
