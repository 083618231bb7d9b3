/**
 * `createTickerClient` over AWS AppSync Events: {@link appSyncEventsWebSocket} makes a
 * WebSocket constructor for the client's `WebSocket` option that speaks the AppSync Events
 * realtime protocol underneath and market-stream's wire protocol to the client, with snapshots
 * and recovery from the history API. An optional entry, so pages on the other topologies do
 * not pay for it.
 *
 * @packageDocumentation
 * @module @market-stream/client/appsync
 */
export { appSyncEventsWebSocket } from './appsync/appSyncEventsWebSocket.js';
export { APPSYNC_EVENTS_DEFAULTS } from './appsync/defaults.js';
export { InvalidAppSyncOptionsError } from './appsync/errors.js';
export type { AppSyncEventsOptions, SubprotocolWebSocketConstructor } from './appsync/types.js';
