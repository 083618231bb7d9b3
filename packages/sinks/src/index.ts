/**
 * Kinesis, SQS and DynamoDB sinks that never lose a trade, a Kinesis reader, and the readers of
 * the DynamoDB trade history.
 *
 * @packageDocumentation
 * @module @market-stream/sinks
 */

export type { TableKeyAttribute, TableKeys } from '@market-stream/core';
// The history table's keys are defined in core (cdk-constructs depends only on core at synth
// time) and shown here, at the door of the package that writes and reads the table.
export { HISTORY_TABLE_KEYS } from '@market-stream/core';
export {
  DYNAMO_DEFAULTS,
  DYNAMO_LIMITS,
  FROM_KINESIS_DEFAULTS,
  HISTORY_INTERVALS,
  HISTORY_QUERY_DEFAULTS,
  KINESIS_LIMITS,
  KINESIS_MAX_RECORD_BYTES,
  REPLAY_DEFAULTS,
  SINK_DEFAULTS,
  SQS_DEAD_LETTER_DEFAULTS,
  SQS_DEFAULTS,
  SQS_LIMITS,
} from './defaults.js';
export type { DynamoHistoryWriterOptions } from './dynamo/dynamoHistoryWriter.js';
export { dynamoHistoryWriter } from './dynamo/dynamoHistoryWriter.js';
export type { QueryBarsOptions } from './dynamo/queryBars.js';
export { queryBars } from './dynamo/queryBars.js';
export type { QueryTradesOptions } from './dynamo/queryTrades.js';
export { queryTrades } from './dynamo/queryTrades.js';
export type { QueryTradesAfterOptions } from './dynamo/queryTradesAfter.js';
export { queryTradesAfter } from './dynamo/queryTradesAfter.js';
export type { ToDynamoBarsOptions, ToDynamoOptions } from './dynamo/toDynamo.js';
export { toDynamo } from './dynamo/toDynamo.js';
export {
  BufferOverflowError,
  DeadLetterReplayError,
  InvalidHistoryQueryError,
  InvalidSinkOptionsError,
  KinesisReadError,
  KplAggregationError,
  RecordRejectedError,
  RecordTooLargeError,
  SinkDeliveryError,
  UndecodableRecordError,
} from './errors.js';
export type {
  HistoryQuery,
  HistoryQueryLimits,
} from './history/parseHistoryQuery.js';
export { parseHistoryQuery } from './history/parseHistoryQuery.js';
export { deaggregate } from './kinesis/aggregation/deaggregate.js';
export { isAggregated } from './kinesis/aggregation/isAggregated.js';
export type { KplAggregatorOptions } from './kinesis/aggregation/KplAggregator.js';
export { KplAggregator } from './kinesis/aggregation/KplAggregator.js';
export type {
  DeaggregatedRecord,
  KinesisRecordInput,
  KinesisRecordPayload,
  KplUserRecord,
} from './kinesis/aggregation/types.js';
export { fromKinesis } from './kinesis/fromKinesis.js';
export type {
  FromKinesisOptions,
  InvalidKinesisRecord,
  KinesisPositions,
  KinesisStartPosition,
} from './kinesis/readerTypes.js';
export type { ToKinesisOptions } from './kinesis/toKinesis.js';
export { toKinesis } from './kinesis/toKinesis.js';
export { replayDeadLetters } from './replay/replayDeadLetters.js';
export type {
  ReplayDeadLettersOptions,
  ReplayProblem,
  ReplayProblemReason,
  ReplayReport,
  ReplaySinks,
} from './replay/replayTypes.js';
export type { DeadLetter, SqsDeadLetterOptions } from './sqs/sqsDeadLetter.js';
export { sqsDeadLetter } from './sqs/sqsDeadLetter.js';
export type { ToSqsOptions } from './sqs/toSqs.js';
export { toSqs } from './sqs/toSqs.js';
export type {
  DeliveryReport,
  FailureReason,
  SinkFailure,
  SinkName,
  SinkOptions,
  UnsentRecords,
} from './types.js';
