import type { SigningCredentials } from './publishAuthorization.js';

/**
 * Options of {@link createEventsPublisher}. Give `apiKey` (API key authorization, e.g. the local
 * emulator) or neither (IAM: SigV4 with `credentials`, by default the provider chain).
 *
 * @example
 * ```ts
 * import type { EventsPublisherOptions } from '@market-stream/fanout/lambda';
 *
 * const options: EventsPublisherOptions = {
 *   endpoint: 'https://abc.appsync-api.us-east-1.amazonaws.com/event',
 *   region: 'us-east-1',
 * };
 * ```
 */
export interface EventsPublisherOptions {
  /** The Event API's HTTP publish endpoint, `https://{http-domain}/event` (`EVENT_API_ENDPOINT`). */
  endpoint: string;
  /**
   * Region the requests are signed for (SigV4).
   * @default process.env.AWS_REGION (Lambda sets it)
   */
  region?: string;
  /** An API key, sent as `x-api-key` instead of signing. */
  apiKey?: string;
  /**
   * Credentials to sign with (static, or a provider).
   * @default the default provider chain of `@aws-sdk/credential-provider-node` (in Lambda, the
   * function's role)
   */
  credentials?: SigningCredentials;
  /**
   * The fetch to send with.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Publish requests in flight at once.
   * @default 16
   */
  concurrency?: number;
  /**
   * Tries per request when AppSync throttles (429), fails (5xx, network error, timeout) or
   * lists events as `failed`, the first included.
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
   * How long one request may take before it is aborted (and retried), ms.
   * @default 10000
   */
  requestTimeoutMs?: number;
  /**
   * Most events per request.
   * @default 5 (AppSync Events' limit per publish)
   */
  maxEventsPerRequest?: number;
  /**
   * Largest event, in UTF-8 bytes; a larger one is refused before anything is sent.
   * @default 245760 (AppSync Events' 240 KB per event)
   */
  maxEventBytes?: number;
}

/**
 * Counts kept by an events publisher.
 *
 * @example
 * ```ts
 * import type { EventsPublisherStats } from '@market-stream/fanout/lambda';
 *
 * const empty: EventsPublisherStats = { requests: 0, retries: 0, throttled: 0, published: 0, failed: 0 };
 * ```
 */
export interface EventsPublisherStats {
  /** HTTP requests made, retries included. */
  requests: number;
  /** Requests repeated (throttled, 5xx, network error, or events listed as `failed`). */
  retries: number;
  /** Responses with status 429. */
  throttled: number;
  /** Events AppSync accepted. */
  published: number;
  /** Events given up on (thrown in an {@link EventsPublishError}). */
  failed: number;
}

/**
 * What one `publish` call did.
 *
 * @example
 * ```ts
 * import type { PublishReport } from '@market-stream/fanout/lambda';
 *
 * const report: PublishReport = { channel: '/trades/AAPL', events: 7, requests: 2, retries: 0 };
 * ```
 */
export interface PublishReport {
  /** The channel published to. */
  channel: string;
  /** Events published. */
  events: number;
  /** HTTP requests made, retries included. */
  requests: number;
  /** Of those, repeats. */
  retries: number;
}

/**
 * Publishes events to AppSync Events channels over HTTP.
 *
 * @example
 * ```ts
 * import type { EventsPublisher } from '@market-stream/fanout/lambda';
 *
 * async function publishOne(publisher: EventsPublisher, trade: object) {
 *   await publisher.publish('/trades/AAPL', [JSON.stringify({ type: 'trades', trades: [trade] })]);
 * }
 * ```
 */
export interface EventsPublisher {
  /**
   * Publishes `events` (each a JSON text) to `channel`, in order: requests of at most 5 events,
   * one after the other. Resolves when all are published; rejects with
   * {@link EventsPublishError} naming every event that was not.
   */
  publish(channel: string, events: readonly string[]): Promise<PublishReport>;
  /** Counters since creation. */
  stats(): EventsPublisherStats;
}
