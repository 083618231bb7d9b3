import {
  APPSYNC_EVENTS_PROTOCOL,
  type AppSyncPublishRequest,
  type AppSyncPublishResponse,
} from '@market-stream/core';
import { EVENTS_PUBLISHER_DEFAULTS } from '../../defaults.js';
import { EventsPublishError } from '../../errors.js';
import { Semaphore } from '../../internal/Semaphore.js';
import type {
  EventsPublisher,
  EventsPublisherOptions,
  EventsPublisherStats,
  PublishReport,
} from './eventsPublisherTypes.js';
import {
  type AuthorizePublish,
  apiKeyAuthorization,
  defaultCredentials,
  sigV4Authorization,
} from './publishAuthorization.js';

/** The outcome of one request's events after its retries. */
interface RequestOutcome {
  /** Positions (in the publish call) still not published. */
  failed: number[];
  failures: Array<{ index: number; code?: string; message?: string }>;
  status?: number;
  reason: string;
  cause?: unknown;
  attempts: number;
}

/**
 * Creates a publisher for an AppSync Events API's HTTP endpoint (`POST https://{http-domain}/event`
 * with `{ channel, events }`), signed with SigV4 for the `appsync` service by the SDK's signer,
 * or authorized with an API key.
 *
 * Guarantees: at most `maxEventsPerRequest` (5) events per request and at most `concurrency`
 * requests in flight; the requests of one `publish` call go one after the other, so a channel's
 * events reach AppSync in order (two calls for one channel at once are not ordered: await one
 * before the next). A 429, a 5xx, a network error or timeout is retried up to `maxAttempts` with
 * exponential backoff and full jitter, and so are the events a 2xx response lists as `failed`
 * (only those; a retried event can then arrive after the later events of its request). A 4xx
 * other than 429 (bad request, refused authorization) is not retried. What is still not
 * published after that — and every later event of the call, which is then not sent — is thrown
 * as an {@link EventsPublishError}; an event over `maxEventBytes` is refused before anything is
 * sent. Nothing is truncated or dropped silently. Memory: the events of the calls in progress.
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/publish-http.html (endpoint, body,
 *   5 events per publish)
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/configure-event-api-auth.html (API
 *   key and IAM authorization)
 *
 * @param options - Endpoint, authorization, limits; see {@link EventsPublisherOptions}.
 * @returns The publisher.
 *
 * @example
 * ```ts
 * import { tradesChannel, encodeTradeEvents } from '@market-stream/core';
 * import { createEventsPublisher } from '@market-stream/fanout/lambda';
 *
 * const publisher = createEventsPublisher({ endpoint: process.env.EVENT_API_ENDPOINT! });
 * await publisher.publish(tradesChannel('AAPL'), encodeTradeEvents(trades));
 * ```
 */
export function createEventsPublisher(options: EventsPublisherOptions): EventsPublisher {
  const url = publishUrl(options.endpoint);
  const authorize = authorization(options);
  const send = options.fetch ?? globalThis.fetch;
  const maxAttempts = options.maxAttempts ?? EVENTS_PUBLISHER_DEFAULTS.maxAttempts;
  const baseBackoffMs = options.baseBackoffMs ?? EVENTS_PUBLISHER_DEFAULTS.baseBackoffMs;
  const maxBackoffMs = options.maxBackoffMs ?? EVENTS_PUBLISHER_DEFAULTS.maxBackoffMs;
  const timeoutMs = options.requestTimeoutMs ?? EVENTS_PUBLISHER_DEFAULTS.requestTimeoutMs;
  const perRequest = options.maxEventsPerRequest ?? APPSYNC_EVENTS_PROTOCOL.maxEventsPerPublish;
  const maxEventBytes = options.maxEventBytes ?? APPSYNC_EVENTS_PROTOCOL.maxEventBytes;
  const semaphore = new Semaphore(options.concurrency ?? EVENTS_PUBLISHER_DEFAULTS.concurrency);
  const counters: EventsPublisherStats = {
    requests: 0,
    retries: 0,
    throttled: 0,
    published: 0,
    failed: 0,
  };

  /** One POST of `indexes`' events; the positions AppSync did not take, or why it failed. */
  async function post(
    channel: string,
    events: readonly string[],
    indexes: readonly number[],
  ): Promise<Omit<RequestOutcome, 'attempts'>> {
    const request: AppSyncPublishRequest = {
      channel,
      events: indexes.map((i) => events[i] as string),
    };
    const body = JSON.stringify(request);
    counters.requests++;
    let response: Response;
    let text: string;
    try {
      const headers = { 'content-type': 'application/json', ...(await authorize(url, body)) };
      response = await send(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      return { failed: [...indexes], failures: [], reason: `request failed: ${cause}`, cause };
    }
    const { status } = response;
    if (status === 429) counters.throttled++;
    if (!response.ok) {
      return {
        failed: [...indexes],
        failures: [],
        status,
        reason: `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`,
      };
    }
    const failures = failedEntries(text).flatMap((entry) => {
      const index = indexes[entry.index];
      return index === undefined ? [] : [{ ...entry, index }];
    });
    return {
      failed: failures.map(({ index }) => index),
      failures,
      status,
      reason: `AppSync listed them as failed (${failures[0]?.code ?? 'no code'}: ${failures[0]?.message ?? ''})`,
    };
  }

  /** Posts `indexes`' events until AppSync has taken all of them or the retries run out. */
  async function postWithRetries(
    channel: string,
    events: readonly string[],
    indexes: readonly number[],
  ): Promise<RequestOutcome> {
    let pending = indexes;
    for (let attempt = 1; ; attempt++) {
      const outcome = await post(channel, events, pending);
      counters.published += pending.length - outcome.failed.length;
      const { status } = outcome;
      // A 4xx other than 429 (bad request, refused authorization) will be refused again.
      const refused = status !== undefined && status >= 400 && status < 500 && status !== 429;
      if (outcome.failed.length === 0 || refused || attempt >= maxAttempts) {
        return { ...outcome, attempts: attempt };
      }
      pending = outcome.failed;
      counters.retries++;
      const ceiling = Math.min(maxBackoffMs, baseBackoffMs * 2 ** (attempt - 1));
      await sleep(Math.random() * ceiling);
    }
  }

  async function publish(channel: string, events: readonly string[]): Promise<PublishReport> {
    const report: PublishReport = { channel, events: 0, requests: 0, retries: 0 };
    const oversized = events.findIndex((event) => Buffer.byteLength(event) > maxEventBytes);
    if (oversized >= 0) {
      counters.failed += events.length;
      throw new EventsPublishError(
        { channel, events, eventIndexes: events.map((_, i) => i), attempts: 0 },
        `event ${oversized} is ${Buffer.byteLength(events[oversized] as string)} bytes, over the ${maxEventBytes}-byte event limit; nothing was sent`,
      );
    }
    for (let start = 0; start < events.length; start += perRequest) {
      const indexes = range(start, Math.min(events.length, start + perRequest));
      const outcome = await semaphore.run(() => postWithRetries(channel, events, indexes));
      report.requests += outcome.attempts;
      report.retries += outcome.attempts - 1;
      report.events += indexes.length - outcome.failed.length;
      if (outcome.failed.length > 0) {
        // The rest of the call is not sent: publishing it would put it ahead of what failed.
        const eventIndexes = [...outcome.failed, ...range(start + indexes.length, events.length)];
        counters.failed += eventIndexes.length;
        throw new EventsPublishError(
          {
            channel,
            events: eventIndexes.map((i) => events[i] as string),
            eventIndexes,
            failures: outcome.failures,
            ...(outcome.status !== undefined ? { status: outcome.status } : {}),
            attempts: outcome.attempts,
          },
          `${outcome.reason} after ${outcome.attempts} attempt(s)`,
          outcome.cause === undefined ? undefined : { cause: outcome.cause },
        );
      }
    }
    return report;
  }

  return { publish, stats: () => ({ ...counters }) };
}

function publishUrl(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError(`createEventsPublisher: endpoint must be a URL, got "${endpoint}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`createEventsPublisher: endpoint must be http(s), got "${endpoint}"`);
  }
  if (url.pathname === '/' || url.pathname === '')
    url.pathname = APPSYNC_EVENTS_PROTOCOL.publishPath;
  return url;
}

function authorization(options: EventsPublisherOptions): AuthorizePublish {
  if (options.apiKey !== undefined) return apiKeyAuthorization(options.apiKey);
  const region = options.region ?? process.env.AWS_REGION;
  if (!region) {
    throw new TypeError(
      'createEventsPublisher needs a region to sign with (or AWS_REGION, or an apiKey)',
    );
  }
  return sigV4Authorization({ region, credentials: options.credentials ?? defaultCredentials() });
}

/**
 * The `failed` entries of a 2xx publish response (`errorCode` / `errorMessage`, as core's
 * `AppSyncFailedEvent` names them; `code` / `message` are read too); none when it has no such
 * list.
 */
function failedEntries(text: string): Array<{ index: number; code?: string; message?: string }> {
  let parsed: { failed?: unknown } | undefined;
  try {
    parsed = JSON.parse(text) as Partial<AppSyncPublishResponse>;
  } catch {
    return [];
  }
  if (!Array.isArray(parsed?.failed)) return [];
  return (parsed.failed as Array<Record<string, unknown>>).flatMap((entry) => {
    const index = entry?.index;
    if (typeof index !== 'number' || !Number.isInteger(index)) return [];
    const code = entry.errorCode ?? entry.code;
    const message = entry.errorMessage ?? entry.message;
    return [
      {
        index,
        ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
        ...(typeof message === 'string' ? { message } : {}),
      },
    ];
  });
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
