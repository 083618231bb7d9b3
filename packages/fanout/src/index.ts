/**
 * Connection-sharded fan-out engine, WebSocket and API Gateway transports, connection stores.
 *
 * @packageDocumentation
 * @module @market-stream/fanout
 */

export { SERVERLESS_DEFAULTS } from './defaults.js';
export type { Delivery } from './engine/buildDeliveries.js';
export { buildDeliveries } from './engine/buildDeliveries.js';
export { ConnectionStoreError, LambdaConfigError, PayloadTooLargeError } from './errors.js';
export type { DynamoConnectionStoreOptions } from './stores/DynamoConnectionStore.js';
export { DynamoConnectionStore } from './stores/DynamoConnectionStore.js';
export { shardOf } from './stores/shardOf.js';
export type {
  ApiGatewayTransport,
  ApiGatewayTransportOptions,
  ApiGatewayTransportStats,
} from './transports/apigateway/createApiGatewayTransport.js';
export { createApiGatewayTransport } from './transports/apigateway/createApiGatewayTransport.js';
export { splitTradesMessage } from './transports/apigateway/splitTradesMessage.js';
export type {
  ConnectionRecord,
  ConnectionStore,
  DeliveryMode,
  SendOutcome,
  Transport,
} from './types.js';
