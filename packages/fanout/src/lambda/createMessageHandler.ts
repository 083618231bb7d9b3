import {
  applyClientMessage,
  encodeServerMessage,
  type ProtocolLimits,
  parseClientMessage,
  recoveryReplies,
  type ServerMessage,
  type Trade,
} from '@market-stream/core';
import { SERVERLESS_DEFAULTS } from '../defaults.js';
import { shardOf } from '../engine/shardOf.js';
import { splitTradesMessage } from '../transports/apigateway/splitTradesMessage.js';
import type { ConnectionStore, DeliveryMode, Transport } from '../types.js';
import type { LatestTradeStore } from './LatestTradeStore.js';
import { recoverFromHistory } from './recoverFromHistory.js';
import type { TradeHistory } from './TradeHistory.js';
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
  /**
   * Source of recovery by `seq` (a subscribe's `since`): the history table the processor
   * writes before it fans out (`dynamoTradeHistory`). Without it every symbol of `since` is
   * answered `UNAVAILABLE` with the snapshot (or recovered with nothing when the client already
   * holds the newest trade).
   */
  history?: TradeHistory;
  /**
   * Delivery mode of connections without their own, as the processor's: `latest` answers
   * `since` with the snapshot only (`LATEST`), `all` recovers from `history`.
   * @default 'latest' (`SERVERLESS_DEFAULTS.mode`)
   */
  mode?: DeliveryMode;
  /**
   * Most trades one subscribe recovers over all its symbols; a symbol that would pass it is
   * answered `TOO_MANY` with the snapshot.
   * @default 5000 (`SERVERLESS_DEFAULTS.maxRecoveredTrades`)
   */
  maxRecoveredTrades?: number;
  /**
   * How long after storing the subscription the history is read, ms. A processor reuses its
   * shard read for `shardCacheTtlMs`, so one that read the shard just before the subscription
   * was stored may fan a trade out without this connection; waiting that long means any such
   * trade was written to history (the processor writes history before it sends) before the
   * read. Set it to the processors' `cacheTtlMs` if you changed that; 0 opens the window.
   * @default 1000 (`SERVERLESS_DEFAULTS.shardCacheTtlMs`)
   */
  recoveryDelayMs?: number;
  /**
   * Largest message sent, in UTF-8 bytes: recovered `trades` messages over it are split.
   * @default 131072 (`SERVERLESS_DEFAULTS.maxPayloadBytes`, API Gateway's 128 KB)
   */
  maxPayloadBytes?: number;
  /**
   * Receives a failed history read; the symbol is answered `UNAVAILABLE` and the message still
   * succeeds.
   * @default () => {}
   */
  onRecoveryError?: (error: unknown, symbol: string) => void;
}

/**
 * One handler for the `subscribe`, `unsubscribe`, `ping` and `$default` routes: decides with
 * core's `applyClientMessage`, as the engine does, and replies to the sender through
 * `@connections` — `subscribed` (the full set, sorted) then, when symbols were added,
 * `snapshot` (the newest known trade of each newly added symbol that has traded) after a
 * subscribe, `subscribed` after an unsubscribe, `pong` to a ping, and `error` with the
 * contract code (`BAD_JSON`, `UNKNOWN_ACTION`, `INVALID_SYMBOL`, `TOO_MANY_SYMBOLS`,
 * `MESSAGE_TOO_LARGE`, `INVALID_SINCE`) for anything else, leaving the subscription as it was.
 * The stored set is kept sorted; only a subscribe or unsubscribe reads it.
 *
 * Recovery by `seq`: a subscribe with `since` is answered, after `subscribed`, with exactly
 * core's `recoveryReplies` — the recovered `trades` (read from `history`, per symbol in `seq`
 * order), one `snapshot` (the other added symbols and the newest trade of each symbol not
 * recovered), then the `recovery` message — with the reasons of `recoverFromHistory`:
 * `LATEST` in `latest` mode, `UNAVAILABLE` without a history or when its read fails (the
 * subscription stands), `TOO_MANY` past `maxRecoveredTrades`, `EXPIRED` when the table no
 * longer holds them, `AHEAD` when `since` is past the newest known trade. The history is read
 * `recoveryDelayMs` after the subscription is stored, so every trade after `since` is either
 * recovered or sent live by the processor (see `recoveryDelayMs`); live trades may arrive
 * before the recovered ones and a trade may come both ways: the client merges by `seq`.
 *
 * Guarantees: bad input never throws and never touches another connection; the
 * subscription set never exceeds `limits.maxSymbols`; no message exceeds `maxPayloadBytes`
 * (recovered `trades` messages are split). A subscribe from a connection with no
 * record (e.g. expired by TTL) recreates it. Limits: the set is read, changed and written
 * back, so two messages of one connection handled at the same instant may race (API Gateway
 * may run them concurrently); per-connection message rates are left to API Gateway's route
 * throttling (no RATE_LIMITED here: a Lambda keeps no state between invocations); a subscribe
 * with `since` takes `recoveryDelayMs` longer, and reads at most `maxRecoveredTrades` + 1
 * history items per symbol.
 *
 * @param options - Store, reply transport, snapshot and recovery sources; see
 * {@link MessageHandlerOptions}.
 * @returns A Lambda handler for the message routes.
 *
 * @example
 * ```ts
 * import { createApiGatewayTransport } from '@market-stream/fanout';
 * import { createMessageHandler, dynamoTradeHistory } from '@market-stream/fanout/lambda';
 *
 * export const handler = createMessageHandler({
 *   store,
 *   transport: createApiGatewayTransport({ endpoint: process.env.WEBSOCKET_API_ENDPOINT }),
 *   latest,
 *   mode: 'all',
 *   history: dynamoTradeHistory({ client, tableName: process.env.HISTORY_TABLE! }),
 * });
 * ```
 */
export function createMessageHandler(
  options: MessageHandlerOptions,
): (event: WebSocketEvent, context?: unknown) => Promise<WebSocketResult> {
  const shards = options.shards ?? SERVERLESS_DEFAULTS.shards;
  const defaultMode = options.mode ?? SERVERLESS_DEFAULTS.mode;
  const maxRecoveredTrades = options.maxRecoveredTrades ?? SERVERLESS_DEFAULTS.maxRecoveredTrades;
  const recoveryDelayMs = options.recoveryDelayMs ?? SERVERLESS_DEFAULTS.shardCacheTtlMs;
  const maxPayloadBytes = options.maxPayloadBytes ?? SERVERLESS_DEFAULTS.maxPayloadBytes;
  const onRecoveryError = options.onRecoveryError ?? (() => {});

  return async (event) => {
    const { connectionId } = event.requestContext;
    const transport =
      typeof options.transport === 'function' ? options.transport(event) : options.transport;
    const reply = async (message: ServerMessage) => {
      const payload = encodeServerMessage(message);
      const frames =
        message.type === 'trades' ? splitTradesMessage(payload, maxPayloadBytes) : [payload];
      for (const frame of frames) await transport.send(connectionId, frame);
    };

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
    const storedAt = Date.now();
    for (const message of outcome.replies) await reply(message);
    if (outcome.snapshotOf.length === 0) return { statusCode: 200 };

    const { since } = outcome;
    const mode = record?.mode ?? defaultMode;
    // A processor may fan out with a shard list read before the subscription for up to its cache
    // TTL; it writes history first, so after that long the read below sees its trades.
    if (since && options.history && mode === 'all') {
      await sleep(storedAt + recoveryDelayMs - Date.now());
    }
    const known = options.latest ? await options.latest.get(outcome.snapshotOf) : [];
    if (!since) {
      await reply({ type: 'snapshot', trades: known });
      return { statusCode: 200 };
    }
    const newest = new Map<string, Trade>();
    const snapshot: Trade[] = [];
    for (const trade of known) {
      if (Object.hasOwn(since, trade.symbol)) newest.set(trade.symbol, trade);
      else snapshot.push(trade);
    }
    const recoveries = await recoverFromHistory(since, {
      ...(options.history ? { history: options.history } : {}),
      newest,
      mode,
      maxTrades: maxRecoveredTrades,
      onError: onRecoveryError,
    });
    for (const message of recoveryReplies(recoveries, snapshot)) await reply(message);
    return { statusCode: 200 };
  };
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
