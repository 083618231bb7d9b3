/**
 * Connection-sharded fan-out engine, WebSocket and API Gateway transports, connection stores.
 *
 * @packageDocumentation
 * @module @market-stream/fanout
 */
export type { Delivery } from './engine/buildDeliveries.js';
export { buildDeliveries } from './engine/buildDeliveries.js';
export type {
  ConnectionRecord,
  ConnectionStore,
  DeliveryMode,
  SendOutcome,
  Transport,
} from './types.js';
