/**
 * A local stand-in for an API Gateway WebSocket API, so the serverless path runs end to end
 * on one machine with the real `@aws-sdk/client-apigatewaymanagementapi` client.
 *
 * @packageDocumentation
 * @module @market-stream/fanout/local
 */
export { EMULATOR_DEFAULTS } from './defaults.js';
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
export { startApiGatewayEmulator } from './local/startApiGatewayEmulator.js';
