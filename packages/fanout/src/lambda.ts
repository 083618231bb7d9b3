/**
 * Lambda handlers of the serverless fan-out: factories (`create…`) and ready handlers
 * configured from environment variables (`connect`, `disconnect`, `message`, `processor`,
 * `broadcaster`), and the `events` topology's AppSync Events publisher and processor
 * (`eventsProcessor`).
 *
 * @packageDocumentation
 * @module @market-stream/fanout/lambda
 */

export type {
  LambdaEnvironmentSettings,
  TableKeyAttribute,
  TableKeys,
} from '@market-stream/core';
// The contracts the constructs write are defined in core (cdk-constructs depends only on core
// at synth time) and shown here, at the door of the package whose handlers read them.
export { CONNECTIONS_TABLE_KEYS, LAMBDA_ENV, lambdaEnvironment } from '@market-stream/core';
export { EventsPublishError, LambdaConfigError } from './errors.js';
export type { ConnectHandlerOptions, TokenVerifier } from './lambda/createConnectHandler.js';
export { createConnectHandler } from './lambda/createConnectHandler.js';
export type { DisconnectHandlerOptions } from './lambda/createDisconnectHandler.js';
export { createDisconnectHandler } from './lambda/createDisconnectHandler.js';
export type { MessageHandlerOptions } from './lambda/createMessageHandler.js';
export { createMessageHandler } from './lambda/createMessageHandler.js';
export type {
  BroadcastRequest,
  ShardBroadcasterOptions,
} from './lambda/createShardBroadcaster.js';
export { createShardBroadcaster } from './lambda/createShardBroadcaster.js';
// DecodedBatch, KinesisEventLike, StreamBatchResponse and dynamoHistoryWriter moved to
// @market-stream/sinks; the old names stay here as plain re-exports.
export type {
  DecodedBatch,
  KinesisEventLike,
  StreamBatchResponse,
  StreamProcessorOptions,
} from './lambda/createStreamProcessor.js';
export { createStreamProcessor } from './lambda/createStreamProcessor.js';
export type { ShardReport } from './lambda/deliverShard.js';
export type { EventsEnvironment, LambdaEnvironment } from './lambda/environment.js';
export { readEnvironment, readEventsEnvironment } from './lambda/environment.js';
export type {
  EventsBatchReport,
  EventsProcessorOptions,
} from './lambda/events/createEventsProcessor.js';
export { createEventsProcessor } from './lambda/events/createEventsProcessor.js';
export { createEventsPublisher } from './lambda/events/createEventsPublisher.js';
export type {
  EventsPublisher,
  EventsPublisherOptions,
  EventsPublisherStats,
  PublishReport,
} from './lambda/events/eventsPublisherTypes.js';
export type { SigningCredentials } from './lambda/events/publishAuthorization.js';
export { invokeBroadcaster } from './lambda/invokeBroadcaster.js';
export type { LatestTradeStore } from './lambda/LatestTradeStore.js';
export { DynamoLatestTradeStore } from './lambda/LatestTradeStore.js';
export {
  broadcaster,
  connect,
  disconnect,
  dynamoHistoryWriter,
  eventsProcessor,
  message,
  processor,
  resetReadyHandlers,
} from './lambda/readyHandlers.js';
export type { TradeHistory } from './lambda/TradeHistory.js';
export { dynamoTradeHistory } from './lambda/TradeHistory.js';
export type {
  WebSocketEvent,
  WebSocketHandler,
  WebSocketRequestContext,
  WebSocketResult,
} from './lambda/webSocketEvents.js';
