/**
 * Authorization headers of one AppSync Events operation: `x-api-key` (with `host`) for API key
 * auth, `Authorization` for Cognito, OIDC or Lambda auth, the SigV4 headers for IAM.
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-websocket-protocol.html
 *
 * @example
 * ```ts
 * import type { AppSyncAuthorization } from '@market-stream/core';
 *
 * const authorization: AppSyncAuthorization = { host: httpDomain, 'x-api-key': apiKey };
 * ```
 */
export type AppSyncAuthorization = Record<string, string>;

/**
 * One error in an AppSync Events `errors` array, e.g.
 * `{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }`.
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-websocket-protocol.html
 *
 * @example
 * ```ts
 * import type { AppSyncEventsError } from '@market-stream/core';
 *
 * const error: AppSyncEventsError = { errorType: 'UnauthorizedException', message: 'wrong key' };
 * ```
 */
export interface AppSyncEventsError {
  /** The kind of error, e.g. `UnauthorizedException`, `BadRequestException`. */
  errorType: string;
  /** A human-readable reason. */
  message?: string;
}

/**
 * An event AppSync accepted in a publish: `index` is its position in the request's `events`,
 * `identifier` the id AppSync gave it.
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/publish-http.html
 *
 * @example
 * ```ts
 * import type { AppSyncPublishedEvent } from '@market-stream/core';
 *
 * const ok: AppSyncPublishedEvent = { identifier: '0e8f…', index: 0 };
 * ```
 */
export interface AppSyncPublishedEvent {
  /** The id AppSync assigned to the event. */
  identifier: string;
  /** The event's position in the publish request. */
  index: number;
}

/**
 * An event AppSync refused in an otherwise answered publish. The field names follow AWS's own
 * AppSync Events client (aws-amplify/aws-appsync-events-swift `FailedEvent`: `identifier`,
 * `index`, `errorCode`, `errorMessage`); AWS documents the failure fields as optional.
 *
 * @example
 * ```ts
 * import type { AppSyncFailedEvent } from '@market-stream/core';
 *
 * const failed: AppSyncFailedEvent = {
 *   identifier: '0e8f…', index: 1, errorCode: 400, errorMessage: 'Event exceeds 240 KB',
 * };
 * ```
 */
export interface AppSyncFailedEvent extends AppSyncPublishedEvent {
  /** An HTTP-style status for this event, e.g. `400`. */
  errorCode?: number;
  /** Why this event was refused. */
  errorMessage?: string;
}

/**
 * The body of an HTTP publish, `POST https://{http-domain}/event`: a channel path and up to 5
 * events, each a JSON value already serialized to a string.
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/publish-http.html
 *
 * @example
 * ```ts
 * import { encodeTradeEvents, tradesChannel, type AppSyncPublishRequest } from '@market-stream/core';
 *
 * const body: AppSyncPublishRequest = { channel: tradesChannel('AAPL'), events: encodeTradeEvents(trades) };
 * ```
 */
export interface AppSyncPublishRequest {
  /** The channel path, e.g. `/trades/AAPL` (no wildcard). */
  channel: string;
  /** Up to 5 events, each a stringified JSON value. */
  events: string[];
}

/**
 * The answer to an HTTP publish that AppSync accepted as a request (HTTP 200): which events were
 * published and which were refused, by index.
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/publish-http.html
 *
 * @example
 * ```ts
 * import type { AppSyncPublishResponse } from '@market-stream/core';
 *
 * const answer = (await response.json()) as AppSyncPublishResponse;
 * const retry = answer.failed.map((failed) => events[failed.index]);
 * ```
 */
export interface AppSyncPublishResponse {
  /** Events published, by index. */
  successful: AppSyncPublishedEvent[];
  /** Events refused, by index. */
  failed: AppSyncFailedEvent[];
}

/**
 * A message a client sends on the AppSync Events realtime WebSocket: `connection_init`, then
 * `subscribe` (a channel path, `/*` allowed at the end, with the authorization for that
 * subscription), `unsubscribe` by subscription id, and `publish` (up to 5 events).
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-websocket-protocol.html
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/publish-websocket.html
 *
 * @example
 * ```ts
 * import type { AppSyncEventsClientMessage } from '@market-stream/core';
 *
 * const subscribe: AppSyncEventsClientMessage = {
 *   type: 'subscribe', id: crypto.randomUUID(), channel: '/trades/AAPL', authorization,
 * };
 * socket.send(JSON.stringify(subscribe));
 * ```
 */
export type AppSyncEventsClientMessage =
  | { type: 'connection_init' }
  | { type: 'subscribe'; id: string; channel: string; authorization: AppSyncAuthorization }
  | { type: 'unsubscribe'; id: string }
  | {
      type: 'publish';
      id: string;
      channel: string;
      events: string[];
      authorization: AppSyncAuthorization;
    };

/**
 * A message the AppSync Events realtime WebSocket sends: `connection_ack` (with the longest
 * silence allowed between two `ka`), `ka` keep-alives, the answer to each subscribe,
 * unsubscribe and publish (by the id the client chose), `data` (one event, as the JSON string
 * that was published, for the subscription `id`), and `error` / `connection_error`.
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-websocket-protocol.html
 *
 * @example
 * ```ts
 * import { parseTradeEvent, type AppSyncEventsServerMessage } from '@market-stream/core';
 *
 * const message = JSON.parse(frame) as AppSyncEventsServerMessage;
 * if (message.type === 'data') render(parseTradeEvent(message.event) ?? []);
 * ```
 */
export type AppSyncEventsServerMessage =
  | { type: 'connection_ack'; connectionTimeoutMs: number }
  | { type: 'ka' }
  | { type: 'subscribe_success'; id: string }
  | { type: 'subscribe_error'; id: string; errors: AppSyncEventsError[] }
  | { type: 'unsubscribe_success'; id: string }
  | { type: 'unsubscribe_error'; id: string; errors: AppSyncEventsError[] }
  | { type: 'data'; id: string; event: string }
  | {
      type: 'publish_success';
      id: string;
      successful: AppSyncPublishedEvent[];
      failed: AppSyncFailedEvent[];
    }
  | { type: 'publish_error'; id: string; errors: AppSyncEventsError[] }
  | { type: 'error'; id?: string; errors: AppSyncEventsError[] }
  | { type: 'connection_error'; errors: AppSyncEventsError[] };
