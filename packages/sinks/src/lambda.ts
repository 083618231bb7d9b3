/**
 * The Lambda side of market-stream's AWS pipeline: decode Kinesis (KPL aggregates included),
 * SQS and DynamoDB Streams events into trades and build partial batch responses; answer the
 * deployed ingest endpoint (`answerIngest`, `createIngestHandler`); drain a dead-letter queue
 * on demand (`createReplayHandler`).
 *
 * @packageDocumentation
 * @module @market-stream/sinks/lambda
 */

export {
  INGEST_DEFAULTS,
  PROCESS_TRADES_DEFAULTS,
  REPLAY_HANDLER_DEFAULTS,
} from './defaults.js';
export { UndecodableRecordError } from './errors.js';
export { decodeDynamoStreamEvent } from './lambda/decodeDynamoStreamEvent.js';
export { decodeKinesisEvent } from './lambda/decodeKinesisEvent.js';
export { decodeSqsEvent } from './lambda/decodeSqsEvent.js';
export type {
  DecodedTrades,
  DecodeFailure,
  DynamoAttributeValue,
  DynamoStreamEventLike,
  KinesisEventLike,
  SqsEventLike,
} from './lambda/eventTypes.js';
export { answerIngest } from './lambda/ingest/answerIngest.js';
export type {
  HttpApiEventLike,
  HttpApiResult,
  IngestHandlerOptions,
} from './lambda/ingest/createIngestHandler.js';
export { createIngestHandler } from './lambda/ingest/createIngestHandler.js';
export type {
  IngestAnswer,
  IngestAnswerBody,
  IngestDecision,
  IngestRequest,
  IngestRules,
} from './lambda/ingest/ingestTypes.js';
export type {
  ProcessTradesOptions,
  TradeEventRecord,
  TradeEventType,
} from './lambda/processTrades.js';
export { processTrades } from './lambda/processTrades.js';
export type {
  ReplayHandlerContext,
  ReplayHandlerEvent,
  ReplayHandlerOptions,
  ReplayHandlerResult,
} from './lambda/replay/createReplayHandler.js';
export { createReplayHandler } from './lambda/replay/createReplayHandler.js';
export type { BatchResponse } from './lambda/toBatchResponse.js';
export { toBatchResponse } from './lambda/toBatchResponse.js';
