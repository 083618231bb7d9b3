import type {
  AppSyncEventsEmulator,
  AppSyncEventsEmulatorOptions,
} from './appSyncEmulatorTypes.js';
import { LocalAppSyncEvents } from './LocalAppSyncEvents.js';

/**
 * Starts an in-process stand-in for an AWS AppSync Events API on loopback, with the same
 * message shapes, so the `events` topology runs end to end on one machine: one port serves the
 * HTTP publish endpoint (`POST /event`, `httpEndpoint`) and the realtime WebSocket
 * (`/event/realtime`, `realtimeEndpoint`, subprotocols `aws-appsync-event-ws` and `header-…`).
 *
 * Behaviour copied from AppSync Events (see the AWS pages "Understanding the Event API WebSocket
 * protocol", "Publish events via HTTP", "Publish events via WebSocket"):
 * - auth by API key (`x-api-key`) or token (`Authorization`): on the HTTP request (401
 *   `UnauthorizedException` otherwise), in the `header-` subprotocol on connect
 *   (`connection_error` then close 1008 otherwise), and in each subscribe's and WebSocket
 *   publish's `authorization` (`subscribe_error` / `publish_error`);
 * - `connection_init` → `connection_ack` with `connectionTimeoutMs`; `ka` every
 *   `keepAliveIntervalMs` to acknowledged connections;
 * - channels `/namespace/a/b`: 1 to 5 segments of letters, digits and dashes, the namespace one
 *   of `namespaces`; a subscription may end in `/*`, which matches every channel below that
 *   prefix; each matching subscription gets one `data` message `{ id, event }` per published
 *   event, the event string passed through unchanged, in publish order;
 * - a publish carries 1 to 5 events (more: 400 / `publish_error` `BadRequestException`, nothing
 *   published); an event that is not a JSON string or is over `maxEventBytes` is listed in
 *   `failed` (`errorCode` 400) while the others are published;
 * - a frame that is not JSON, has an unknown `type` or lacks an `id` gets an `error` message on
 *   that connection only; it stays open and nothing changes for others.
 *
 * Differences: one process, no TLS, no SigV4/IAM or Cognito validation (tokens are compared as
 * strings), no event handlers, no rate quotas; the 24-hour connection limit is not enforced.
 * The error type names for a bad channel or namespace are this emulator's choice
 * (`BadRequestException`): AWS does not document them.
 *
 * Bounded: `maxConnections` (429 past it), `maxSubscriptionsPerConnection`
 * (`LimitExceededException`), `maxBufferedBytes` per socket (a slower reader is terminated and
 * counted as `SlowConsumer`), `maxRequestBytes` per body or frame (413 / close 1009).
 *
 * Why not an existing package: `amplify-appsync-simulator` emulates AppSync GraphQL APIs
 * (queries, mutations, GraphQL subscriptions), not the Events API; LocalStack needs Docker and
 * its paid image; no npm package serves the Events protocol in-process.
 *
 * @param options - Keys, namespaces, port and bounds; see {@link AppSyncEventsEmulatorOptions}.
 * @returns The running emulator, once it listens.
 *
 * @example
 * ```ts
 * import { APPSYNC_EVENTS_PROTOCOL, authSubprotocol } from '@market-stream/core';
 * import { startAppSyncEventsEmulator } from '@market-stream/fanout/local';
 * import WebSocket from 'ws';
 *
 * const emulator = await startAppSyncEventsEmulator();
 * const authorization = { host: emulator.host, 'x-api-key': emulator.apiKey };
 * const socket = new WebSocket(emulator.realtimeEndpoint, [
 *   APPSYNC_EVENTS_PROTOCOL.subprotocol,
 *   authSubprotocol(authorization),
 * ]);
 * socket.on('open', () => {
 *   socket.send(JSON.stringify({ type: 'connection_init' }));
 *   socket.send(JSON.stringify({ type: 'subscribe', id: '1', channel: '/trades/*', authorization }));
 * });
 * socket.on('message', async (frame) => {
 *   const message = JSON.parse(String(frame));
 *   if (message.type === 'subscribe_success') {
 *     await fetch(emulator.httpEndpoint, {
 *       method: 'POST',
 *       headers: { 'content-type': 'application/json', 'x-api-key': emulator.apiKey },
 *       body: JSON.stringify({ channel: '/trades/AAPL', events: ['{"type":"trades","trades":[]}'] }),
 *     });
 *   }
 *   if (message.type === 'data') {
 *     console.log(message.event);
 *     socket.close();
 *     await emulator.close();
 *   }
 * });
 * ```
 */
export async function startAppSyncEventsEmulator(
  options: AppSyncEventsEmulatorOptions = {},
): Promise<AppSyncEventsEmulator> {
  const emulator = new LocalAppSyncEvents(options);
  await emulator.listen();
  return emulator;
}
