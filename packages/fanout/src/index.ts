/**
 * Connection-sharded fan-out engine, WebSocket and API Gateway transports, connection stores.
 *
 * @packageDocumentation
 * @module @market-stream/fanout
 */

export type { JwtVerifier, JwtVerifierOptions } from './auth/createJwtVerifier.js';
export { createJwtVerifier } from './auth/createJwtVerifier.js';
export type { TokenCarrier } from './auth/extractToken.js';
export { BEARER_PROTOCOL, extractToken } from './auth/extractToken.js';
export {
  APPSYNC_EMULATOR_DEFAULTS,
  AUTH_DEFAULTS,
  ENGINE_DEFAULTS,
  EVENTS_PUBLISHER_DEFAULTS,
  PLAN_DEFAULTS,
  SERVERLESS_DEFAULTS,
  SLOW_CONSUMER_CLOSE_CODE,
  WORKER_DEFAULTS,
  WS_DEFAULTS,
} from './defaults.js';
export type { Delivery } from './engine/buildDeliveries.js';
export { buildDeliveries } from './engine/buildDeliveries.js';
export { createFanout } from './engine/createFanout.js';
export { shardOf } from './engine/shardOf.js';
export type { ConnectOptions, Fanout, FanoutOptions, ReplayOptions } from './engine/types.js';
export {
  ConnectionStoreError,
  ConnectionsInWorkersError,
  EventsPublishError,
  LambdaConfigError,
  PayloadTooLargeError,
  SequenceGapError,
  SymbolLimitError,
  UnauthorizedError,
  WorkerError,
  WorkerOptionError,
  WorkerRestartLimitError,
} from './errors.js';
export type { DropReason, FanoutMetricsSnapshot } from './metrics/FanoutMetrics.js';
export { FanoutMetrics } from './metrics/FanoutMetrics.js';
export type { FanoutMetricsFigures, FanoutMetricsReport } from './metrics/FanoutMetricsReport.js';
export type { HistogramData } from './metrics/Histogram.js';
export { Histogram } from './metrics/Histogram.js';
export { MergedFanoutMetrics } from './metrics/MergedFanoutMetrics.js';
export { planFanout } from './plan/planFanout.js';
export type {
  ContainerSizing,
  FanoutPlan,
  FanoutTopology,
  PlanFanoutOptions,
} from './plan/planFanoutTypes.js';
export type { PricedFigure, PriceTable } from './plan/prices.js';
export { PRICE_TABLE } from './plan/prices.js';
export type { DynamoConnectionStoreOptions } from './stores/DynamoConnectionStore.js';
export { DynamoConnectionStore } from './stores/DynamoConnectionStore.js';
export { MemoryConnectionStore } from './stores/MemoryConnectionStore.js';
export type {
  ApiGatewayTransport,
  ApiGatewayTransportOptions,
  ApiGatewayTransportStats,
} from './transports/apigateway/createApiGatewayTransport.js';
export { createApiGatewayTransport } from './transports/apigateway/createApiGatewayTransport.js';
export { splitTradesMessage } from './transports/apigateway/splitTradesMessage.js';
export type {
  Authenticate,
  FanoutServer,
  ServeFanoutOptions,
  WorkerModuleOptions,
} from './transports/ws/serveFanout.js';
export { serveFanout } from './transports/ws/serveFanout.js';
export { WsTransport } from './transports/ws/WsTransport.js';
export type {
  ConnectionRecord,
  ConnectionStore,
  DeliveryMode,
  SendOutcome,
  Transport,
} from './types.js';
