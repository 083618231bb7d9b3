import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LAMBDA_ENV } from '@market-stream/core';
import { dynamoHistoryWriter } from '@market-stream/sinks';
import type { BatchResponse, KinesisEventLike } from '@market-stream/sinks/lambda';
import { createJwtVerifier } from '../auth/createJwtVerifier.js';
import { LambdaConfigError } from '../errors.js';
import { DynamoConnectionStore } from '../stores/DynamoConnectionStore.js';
import {
  type ApiGatewayTransport,
  createApiGatewayTransport,
} from '../transports/apigateway/createApiGatewayTransport.js';
import { createConnectHandler } from './createConnectHandler.js';
import { createDisconnectHandler } from './createDisconnectHandler.js';
import { createMessageHandler } from './createMessageHandler.js';
import { type BroadcastRequest, createShardBroadcaster } from './createShardBroadcaster.js';
import { createStreamProcessor } from './createStreamProcessor.js';
import type { ShardReport } from './deliverShard.js';
import { type LambdaEnvironment, readEnvironment, readEventsEnvironment } from './environment.js';
import { createEventsProcessor, type EventsBatchReport } from './events/createEventsProcessor.js';
import { createEventsPublisher } from './events/createEventsPublisher.js';
import { invokeBroadcaster } from './invokeBroadcaster.js';
import { DynamoLatestTradeStore } from './LatestTradeStore.js';
import { dynamoTradeHistory } from './TradeHistory.js';
import type { WebSocketEvent, WebSocketResult } from './webSocketEvents.js';

/** Moved to `@market-stream/sinks`; re-exported under its old door. */
export { dynamoHistoryWriter } from '@market-stream/sinks';

/** Clients and stores shared by the ready handlers of one Lambda container, made on first use. */
interface Parts {
  env: LambdaEnvironment;
  documentClient: DynamoDBDocumentClient;
  store: DynamoConnectionStore;
  latest: DynamoLatestTradeStore;
  transportFor(endpoint: string): ApiGatewayTransport;
}

let parts: Parts | undefined;
const resets: Array<() => void> = [];

function shared(): Parts {
  if (parts) return parts;
  const env = readEnvironment();
  const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const store = new DynamoConnectionStore({
    client: documentClient,
    tableName: env.connectionsTable,
    shards: env.shards,
  });
  const transports = new Map<string, ApiGatewayTransport>();
  parts = {
    env,
    documentClient,
    store,
    latest: new DynamoLatestTradeStore({ client: documentClient, tableName: env.connectionsTable }),
    transportFor(endpoint) {
      let transport = transports.get(endpoint);
      if (!transport) {
        // One SDK attempt per call: the transport does the throttling backoff itself.
        const client = new ApiGatewayManagementApiClient({ endpoint, maxAttempts: 1 });
        transport = createApiGatewayTransport({ client, store, onError: logError });
        transports.set(endpoint, transport);
      }
      return transport;
    },
  };
  return parts;
}

/** One JSON log line per failure that reaches no client: a send or close that failed for good. */
function logError(error: unknown, connectionId: string): void {
  const e = error as { name?: string; message?: string };
  console.error(
    JSON.stringify({
      level: 'error',
      message: 'fanout: request to a connection failed after retries',
      connectionId,
      error: e?.name ?? String(error),
      reason: e?.message,
    }),
  );
}

/** One JSON log line per failed history read of a recovery (the client was told UNAVAILABLE). */
function logRecoveryError(error: unknown, symbol: string): void {
  const e = error as { name?: string; message?: string };
  console.error(
    JSON.stringify({
      level: 'error',
      message: 'fanout: reading history for a recovery failed',
      symbol,
      error: e?.name ?? String(error),
      reason: e?.message,
    }),
  );
}

/** One JSON log line per shard whose delivery was not complete (for a metric filter). */
function logShardReport(report: ShardReport): void {
  if (report.failed === 0) return;
  console.warn(JSON.stringify({ level: 'warn', message: 'fanout: shard sends failed', ...report }));
}

/** The stage URL of the API an event came from (loopback emulators speak plain http). */
function endpointOf(event: WebSocketEvent): string {
  const { domainName, stage } = event.requestContext;
  const local = /^(localhost|127\.|\[::1\])/.test(domainName);
  return `${local ? 'http' : 'https'}://${domainName}/${stage}`;
}

function requireEndpoint(env: LambdaEnvironment): string {
  if (!env.endpoint) throw new LambdaConfigError(LAMBDA_ENV.endpoint, 'is required');
  return env.endpoint;
}

function lazy<E, R>(
  make: () => (event: E) => Promise<R>,
): (event: E, context?: unknown) => Promise<R> {
  let handler: ((event: E) => Promise<R>) | undefined;
  resets.push(() => {
    handler = undefined;
  });
  return (event) => {
    handler ??= make();
    return handler(event);
  };
}

/**
 * Ready `$connect` handler configured from the environment (`CONNECTIONS_TABLE`,
 * `CONNECTION_SHARDS`, and `JWT_SECRET` or `JWT_JWKS_URL` to require a token with an `exp`;
 * `JWT_AUDIENCE`, required with `JWT_JWKS_URL`, and `JWT_ISSUER` add claims it must carry). Created on first invocation. See
 * {@link createConnectHandler}.
 *
 * @example
 * ```ts
 * // A Lambda entry file; the function's handler is "index.handler".
 * export { connect as handler } from '@market-stream/fanout/lambda';
 * ```
 */
export const connect: (event: WebSocketEvent, context?: unknown) => Promise<WebSocketResult> = lazy(
  () => {
    const { env, store } = shared();
    const verifier =
      env.jwtSecret !== undefined || env.jwtJwksUrl !== undefined
        ? createJwtVerifier({
            ...(env.jwtSecret ? { secret: env.jwtSecret } : { jwksUrl: env.jwtJwksUrl as string }),
            ...(env.jwtIssuer ? { issuer: env.jwtIssuer } : {}),
            ...(env.jwtAudience ? { audience: env.jwtAudience } : {}),
          })
        : undefined;
    return createConnectHandler({
      store,
      shards: env.shards,
      ...(verifier ? { verifyToken: (token: string) => verifier.verify(token) } : {}),
    });
  },
);

/**
 * Ready `$disconnect` handler configured from the environment (`CONNECTIONS_TABLE`,
 * `CONNECTION_SHARDS`). See {@link createDisconnectHandler}.
 *
 * @example
 * ```ts
 * export { disconnect as handler } from '@market-stream/fanout/lambda';
 * ```
 */
export const disconnect: (event: WebSocketEvent, context?: unknown) => Promise<WebSocketResult> =
  lazy(() => createDisconnectHandler({ store: shared().store }));

/**
 * Ready handler of the `subscribe`, `unsubscribe`, `ping` and `$default` routes, configured
 * from the environment; replies go to `WEBSOCKET_API_ENDPOINT`, or when unset to the API the
 * event came from (`https://{domainName}/{stage}`). Snapshots come from the latest-trade
 * items the processor keeps in `CONNECTIONS_TABLE`; a subscribe's `since` is recovered from
 * `HISTORY_TABLE` (Query only) in `FANOUT_MODE` `all`, and answered `UNAVAILABLE` without it.
 * A failed history read is logged as one JSON line (`"fanout: reading history for a recovery
 * failed"`). See {@link createMessageHandler}.
 *
 * @example
 * ```ts
 * export { message as handler } from '@market-stream/fanout/lambda';
 * ```
 */
export const message: (event: WebSocketEvent, context?: unknown) => Promise<WebSocketResult> = lazy(
  () => {
    const { env, store, latest, documentClient, transportFor } = shared();
    return createMessageHandler({
      store,
      latest,
      shards: env.shards,
      mode: env.mode,
      ...(env.historyTable
        ? { history: dynamoTradeHistory({ client: documentClient, tableName: env.historyTable }) }
        : {}),
      onRecoveryError: logRecoveryError,
      transport: (event) => transportFor(env.endpoint ?? endpointOf(event)),
    });
  },
);

/**
 * Ready Kinesis stream processor configured from the environment: `CONNECTIONS_TABLE`,
 * `CONNECTION_SHARDS`, `FANOUT_MODE`, `WEBSOCKET_API_ENDPOINT` (required unless
 * `BROADCASTER_FUNCTION` is set, in which case each shard is handed to that function with an
 * asynchronous Invoke), and `HISTORY_TABLE` (history via `toDynamo`). Failed sends are logged as
 * JSON lines: one `"level":"error"` line per connection, one `"fanout: shard sends failed"` line
 * with the shard's report (`failed`, `closed`). See
 * {@link createStreamProcessor}.
 *
 * @example
 * ```ts
 * export { processor as handler } from '@market-stream/fanout/lambda';
 * ```
 */
export const processor: (event: KinesisEventLike, context?: unknown) => Promise<BatchResponse> =
  lazy(() => {
    const { env, store, latest, documentClient, transportFor } = shared();
    const broadcasterFunction = env.broadcasterFunction;
    return createStreamProcessor({
      store,
      latest,
      shards: env.shards,
      mode: env.mode,
      ...(broadcasterFunction
        ? {
            broadcast: (request: BroadcastRequest) =>
              invokeBroadcaster(broadcasterFunction, request),
          }
        : { transport: transportFor(requireEndpoint(env)) }),
      onShardReport: logShardReport,
      onError: logError,
      ...(env.historyTable
        ? { history: dynamoHistoryWriter({ client: documentClient, tableName: env.historyTable }) }
        : {}),
    });
  });

/**
 * Ready per-shard broadcaster configured from the environment (`CONNECTIONS_TABLE`,
 * `CONNECTION_SHARDS`, `FANOUT_MODE`, `WEBSOCKET_API_ENDPOINT`). Like the processor, it logs one
 * JSON line (`"message":"fanout: shard sends failed"`) per shard with failed sends. See
 * {@link createShardBroadcaster}.
 *
 * @example
 * ```ts
 * export { broadcaster as handler } from '@market-stream/fanout/lambda';
 * ```
 */
export const broadcaster: (request: BroadcastRequest, context?: unknown) => Promise<ShardReport> =
  lazy(() => {
    const { env, store, transportFor } = shared();
    return createShardBroadcaster({
      store,
      mode: env.mode,
      transport: transportFor(requireEndpoint(env)),
      onShardReport: logShardReport,
      onError: logError,
    });
  });

/** One JSON log line per batch with events not published after the retries (for a metric filter). */
function logEventsReport(report: EventsBatchReport): void {
  if (report.failedRecords === 0 && report.failed === 0) return;
  console.warn(
    JSON.stringify({ level: 'warn', message: 'fanout: events not published', ...report }),
  );
}

/** One JSON log line per channel whose publish failed after the retries. */
function logPublishError(error: unknown, channel: string): void {
  const e = error as { name?: string; message?: string; status?: number; attempts?: number };
  console.error(
    JSON.stringify({
      level: 'error',
      message: 'fanout: publish to a channel failed after retries',
      channel,
      error: e?.name ?? String(error),
      reason: e?.message,
      status: e?.status,
      attempts: e?.attempts,
    }),
  );
}

/**
 * Ready Kinesis stream processor of the `events` topology, configured from the environment:
 * `EVENT_API_ENDPOINT` (the Event API's `https://{http-domain}/event`, required), `AWS_REGION`
 * (Lambda sets it) and `HISTORY_TABLE` (history via `dynamoHistoryWriter`). Publishes are
 * signed with SigV4 with the function's role (it needs `appsync:EventPublish` on the `trades`
 * namespace). Logs one `"fanout: publish to a channel failed after retries"` error line per
 * failing channel and one `"fanout: events not published"` line per batch with failures. Needs
 * no connection table. See {@link createEventsProcessor}.
 *
 * @example
 * ```ts
 * export { eventsProcessor as handler } from '@market-stream/fanout/lambda';
 * ```
 */
export const eventsProcessor: (
  event: KinesisEventLike,
  context?: unknown,
) => Promise<BatchResponse> = lazy(() => {
  const env = readEventsEnvironment();
  const history = env.historyTable
    ? dynamoHistoryWriter({
        client: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
          marshallOptions: { removeUndefinedValues: true },
        }),
        tableName: env.historyTable,
      })
    : undefined;
  return createEventsProcessor({
    publisher: createEventsPublisher({ endpoint: env.eventApiEndpoint, region: env.region }),
    ...(history ? { history } : {}),
    onReport: logEventsReport,
    onPublishError: logPublishError,
  });
});

/**
 * Forgets the clients, stores and handlers the ready handlers made, so the next invocation
 * reads the environment again (for tests that change it).
 *
 * @example
 * ```ts
 * import { resetReadyHandlers } from '@market-stream/fanout/lambda';
 *
 * process.env.CONNECTIONS_TABLE = 'other-table';
 * resetReadyHandlers();
 * ```
 */
export function resetReadyHandlers(): void {
  parts = undefined;
  for (const reset of resets) reset();
}
