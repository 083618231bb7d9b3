import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { SERVERLESS_DEFAULTS } from '../../defaults.js';
import { Semaphore } from '../../internal/Semaphore.js';
import type { ConnectionStore, SendOutcome, Transport } from '../../types.js';
import { splitTradesMessage } from './splitTradesMessage.js';

/**
 * Options of {@link createApiGatewayTransport}. Give `client` or `endpoint`.
 *
 * @example
 * ```ts
 * import type { ApiGatewayTransportOptions } from '@market-stream/fanout';
 *
 * const options: ApiGatewayTransportOptions = {
 *   endpoint: 'https://abc123.execute-api.us-east-1.amazonaws.com/prod',
 *   concurrency: 64,
 * };
 * ```
 */
export interface ApiGatewayTransportOptions {
  /**
   * A management API client whose `endpoint` is the stage URL. Its own retry strategy still
   * applies; a client created from `endpoint` makes one attempt per call and leaves retries
   * to this transport.
   */
  client?: ApiGatewayManagementApiClient;
  /** The stage URL (`https://{api-id}.execute-api.{region}.amazonaws.com/{stage}`), when no `client`. */
  endpoint?: string;
  /** Region of a client created from `endpoint`; defaults to the SDK's region resolution. */
  region?: string;
  /**
   * Most PostToConnection requests in flight at once.
   * @default 32
   */
  concurrency?: number;
  /**
   * Tries per request when API Gateway throttles (429 LimitExceededException /
   * TooManyRequestsException) or fails with a 5xx, the first included.
   * @default 5
   */
  maxAttempts?: number;
  /**
   * First backoff; doubles per attempt up to `maxBackoffMs`, with full jitter.
   * @default 50
   */
  baseBackoffMs?: number;
  /**
   * Longest backoff.
   * @default 2000
   */
  maxBackoffMs?: number;
  /**
   * Where a connection found gone (410) is removed. Only that connection is removed.
   */
  store?: Pick<ConnectionStore, 'remove'>;
  /**
   * Largest frame sent, in UTF-8 bytes; larger `trades` messages are split.
   * @default 131072 (API Gateway's 128 KB message payload limit)
   */
  maxPayloadBytes?: number;
  /**
   * Called with failures that do not reject `send`: a send that failed for good, a store
   * removal that failed.
   * @default () => {}
   */
  onError?: (error: unknown, connectionId: string) => void;
}

/**
 * Counts kept by an API Gateway transport.
 *
 * @example
 * ```ts
 * import type { ApiGatewayTransportStats } from '@market-stream/fanout';
 *
 * const empty: ApiGatewayTransportStats = { requests: 0, sent: 0, gone: 0, failed: 0, retries: 0, splits: 0, closed: 0 };
 * ```
 */
export interface ApiGatewayTransportStats {
  /** Management API requests made (PostToConnection, DeleteConnection), retries included. */
  requests: number;
  /** `send` calls that ended `sent`. */
  sent: number;
  /** `send` calls that ended `gone`. */
  gone: number;
  /** `send` calls that ended `failed`. */
  failed: number;
  /** Requests repeated after a throttle or a 5xx. */
  retries: number;
  /** Messages split because they were over `maxPayloadBytes`. */
  splits: number;
  /** Connections closed with `close` (DeleteConnection), including ones already gone. */
  closed: number;
}

/**
 * A {@link Transport} over API Gateway's `@connections` API, with `stats()` and the client.
 *
 * @example
 * ```ts
 * import { createApiGatewayTransport, type ApiGatewayTransport } from '@market-stream/fanout';
 *
 * const transport: ApiGatewayTransport = createApiGatewayTransport({ endpoint: process.env.WEBSOCKET_API_ENDPOINT });
 * ```
 */
export interface ApiGatewayTransport extends Transport {
  /** Sends one text frame (split when over the limit); resolves with the outcome. */
  send(connectionId: string, payload: string): Promise<SendOutcome>;
  /**
   * Disconnects a client with DeleteConnection, retried like a send; API Gateway sends no code
   * or reason. Resolves when it is closed or was already gone; rejects when it could not be.
   */
  close(connectionId: string, code?: number, reason?: string): Promise<void>;
  /** Counters since creation. */
  stats(): ApiGatewayTransportStats;
  /** The management client in use. */
  readonly client: ApiGatewayManagementApiClient;
}

/**
 * Delivers frames through API Gateway's `@connections` API (PostToConnection), for the
 * serverless topology.
 *
 * Guarantees: at most `concurrency` requests in flight; throttling (429) and 5xx responses
 * are retried up to `maxAttempts` with exponential backoff and full jitter, then reported as
 * `failed` (and passed to `onError`); `close` (DeleteConnection) is retried the same way; a 410 GoneException ends the send as `gone` and removes that connection (the one
 * sent to, never the sender of anything) from `store`; a frame over 128 KB that is a `trades`
 * message is split into several `trades` messages sent in order, anything else over the limit
 * rejects with `PayloadTooLargeError` — never truncated. Each call to `send` is one
 * PostToConnection when the frame fits (plus retries).
 *
 * @param options - Client or endpoint, limits, store; see {@link ApiGatewayTransportOptions}.
 * @returns The transport.
 *
 * @example
 * ```ts
 * import { createApiGatewayTransport } from '@market-stream/fanout';
 *
 * const transport = createApiGatewayTransport({
 *   endpoint: 'https://abc123.execute-api.us-east-1.amazonaws.com/prod',
 *   store, // removes connections found gone
 * });
 * const outcome = await transport.send('L0SM9cOFvHcCIhw=', '{"type":"pong"}'); // 'sent' | 'gone' | 'failed'
 * ```
 */
export function createApiGatewayTransport(
  options: ApiGatewayTransportOptions,
): ApiGatewayTransport {
  const client = options.client ?? createClient(options);
  const maxAttempts = options.maxAttempts ?? SERVERLESS_DEFAULTS.maxAttempts;
  const baseBackoffMs = options.baseBackoffMs ?? SERVERLESS_DEFAULTS.baseBackoffMs;
  const maxBackoffMs = options.maxBackoffMs ?? SERVERLESS_DEFAULTS.maxBackoffMs;
  const maxPayloadBytes = options.maxPayloadBytes ?? SERVERLESS_DEFAULTS.maxPayloadBytes;
  const onError = options.onError ?? (() => {});
  const semaphore = new Semaphore(options.concurrency ?? SERVERLESS_DEFAULTS.concurrency);
  const counters: ApiGatewayTransportStats = {
    requests: 0,
    sent: 0,
    gone: 0,
    failed: 0,
    retries: 0,
    splits: 0,
    closed: 0,
  };
  const encoder = new TextEncoder();

  /** Runs `request` until it succeeds, is gone, or fails for good (then throws). */
  async function withRetries(request: () => Promise<unknown>): Promise<'done' | 'gone'> {
    for (let attempt = 1; ; attempt++) {
      counters.requests++;
      try {
        await request();
        return 'done';
      } catch (error) {
        if (isGone(error)) return 'gone';
        if (!isRetryable(error) || attempt >= maxAttempts) throw error;
        counters.retries++;
        const ceiling = Math.min(maxBackoffMs, baseBackoffMs * 2 ** (attempt - 1));
        await sleep(Math.random() * ceiling);
      }
    }
  }

  async function post(connectionId: string, frame: string): Promise<SendOutcome> {
    const data = encoder.encode(frame);
    try {
      const result = await withRetries(() =>
        client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data })),
      );
      return result === 'done' ? 'sent' : 'gone';
    } catch (error) {
      onError(error, connectionId);
      return 'failed';
    }
  }

  async function send(connectionId: string, payload: string): Promise<SendOutcome> {
    const frames = splitTradesMessage(payload, maxPayloadBytes);
    if (frames.length > 1) counters.splits++;
    const outcome = await semaphore.run(async () => {
      for (const frame of frames) {
        const result = await post(connectionId, frame);
        if (result !== 'sent') return result;
      }
      return 'sent' as const;
    });
    counters[outcome]++;
    if (outcome === 'gone' && options.store) {
      try {
        await options.store.remove(connectionId);
      } catch (error) {
        onError(error, connectionId);
      }
    }
    return outcome;
  }

  async function close(connectionId: string): Promise<void> {
    await withRetries(() =>
      client.send(new DeleteConnectionCommand({ ConnectionId: connectionId })),
    );
    counters.closed++;
  }

  return { send, close, stats: () => ({ ...counters }), client };
}

function createClient(options: ApiGatewayTransportOptions): ApiGatewayManagementApiClient {
  if (!options.endpoint) {
    throw new TypeError('createApiGatewayTransport needs a client or an endpoint');
  }
  return new ApiGatewayManagementApiClient({
    endpoint: options.endpoint,
    maxAttempts: 1,
    ...(options.region ? { region: options.region } : {}),
  });
}

function isGone(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'GoneException' || e?.$metadata?.httpStatusCode === 410;
}

function isRetryable(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  if (
    e?.name === 'LimitExceededException' ||
    e?.name === 'TooManyRequestsException' ||
    e?.name === 'ThrottlingException' ||
    status === 429
  ) {
    return true;
  }
  if (status !== undefined) return status >= 500;
  // No HTTP status: a network error (reset, timeout) — worth another try.
  return e?.name !== 'PayloadTooLargeException' && e?.name !== 'ForbiddenException';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
