/**
 * The constants of the AppSync Events protocol market-stream relies on, as the AWS
 * documentation gives them:
 * - `subprotocol`, `headerPrefix`, `realtimePath`: the realtime endpoint is
 *   `wss://{realtime-domain}/event/realtime`, opened with the two WebSocket subprotocols
 *   `aws-appsync-event-ws` and `header-{base64url(JSON authorization headers)}`
 *   ("Understanding the Event API WebSocket protocol");
 * - `publishPath`: publishing over HTTP is `POST https://{http-domain}/event`
 *   ("Publish events via HTTP");
 * - `maxEventBytes`: an event is at most 240 KB ("AWS AppSync Events concepts", service quotas);
 * - `maxEventsPerPublish`: one publish carries at most 5 events, over HTTP or WebSocket
 *   ("Publish events via HTTP", "Publish events via WebSocket").
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-websocket-protocol.html
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/publish-http.html
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/publish-websocket.html
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-concepts.html
 *
 * @example
 * ```ts
 * import { APPSYNC_EVENTS_PROTOCOL, authSubprotocol } from '@market-stream/core';
 *
 * const socket = new WebSocket(`wss://${realtimeDomain}${APPSYNC_EVENTS_PROTOCOL.realtimePath}`, [
 *   APPSYNC_EVENTS_PROTOCOL.subprotocol,
 *   authSubprotocol({ host: httpDomain, 'x-api-key': apiKey }),
 * ]);
 * ```
 */
export const APPSYNC_EVENTS_PROTOCOL = Object.freeze({
  /** The WebSocket subprotocol every realtime connection offers. */
  subprotocol: 'aws-appsync-event-ws',
  /** Prefix of the second subprotocol, which carries the authorization headers. */
  headerPrefix: 'header-',
  /** Path of the realtime WebSocket endpoint. */
  realtimePath: '/event/realtime',
  /** Path of the HTTP publish endpoint. */
  publishPath: '/event',
  /** Largest event, in UTF-8 bytes (240 KB). */
  maxEventBytes: 240 * 1024,
  /** Most events in one publish request. */
  maxEventsPerPublish: 5,
});
