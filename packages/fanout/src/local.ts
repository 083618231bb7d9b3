/**
 * Local stand-ins for an API Gateway WebSocket API, so the serverless path runs end to end
 * on one machine with the real `@aws-sdk/client-apigatewaymanagementapi` client, and for an
 * AppSync Events API, so the events topology does.
 *
 * @packageDocumentation
 * @module @market-stream/fanout/local
 */
export { APPSYNC_EMULATOR_DEFAULTS, EMULATOR_DEFAULTS } from './defaults.js';
export type {
  WebSocketEvent,
  WebSocketHandler,
  WebSocketRequestContext,
  WebSocketResult,
} from './lambda/webSocketEvents.js';
export type {
  ApiGatewayEmulator,
  ApiGatewayEmulatorOptions,
  ApiGatewayEmulatorStats,
} from './local/apiGatewayEmulatorTypes.js';
export type {
  AppSyncEventsEmulator,
  AppSyncEventsEmulatorOptions,
  AppSyncEventsEmulatorStats,
} from './local/appsync/appSyncEmulatorTypes.js';
export { startAppSyncEventsEmulator } from './local/appsync/startAppSyncEventsEmulator.js';
export { startApiGatewayEmulator } from './local/startApiGatewayEmulator.js';
