import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Trade } from '@market-stream/core';
import { PROCESS_TRADES_DEFAULTS } from '../defaults.js';
import { decodeDynamoStreamRecord } from './decodeDynamoStreamEvent.js';
import { decodeKinesisRecord } from './decodeKinesisEvent.js';
import { decodeSqsRecord } from './decodeSqsEvent.js';
import type {
  DecodedTrades,
  DecodeFailure,
  DynamoStreamEventLike,
  KinesisEventLike,
  SqsEventLike,
} from './eventTypes.js';
import type { BatchResponse } from './toBatchResponse.js';

/**
 * Which event source `processTrades` handles; the names of Powertools' `EventType`.
 *
 * @example
 * ```ts
 * import type { TradeEventType } from '@market-stream/sinks/lambda';
 *
 * const source: TradeEventType = 'KinesisDataStreams';
 * ```
 */
export type TradeEventType = 'KinesisDataStreams' | 'SQS' | 'DynamoDBStreams';

/**
 * One record of any event `processTrades` handles.
 *
 * @example
 * ```ts
 * import type { TradeEventRecord } from '@market-stream/sinks/lambda';
 *
 * const describe = (record: TradeEventRecord) => ('messageId' in record ? record.messageId : 'stream record');
 * ```
 */
export type TradeEventRecord =
  | KinesisEventLike['Records'][number]
  | SqsEventLike['Records'][number]
  | DynamoStreamEventLike['Records'][number];

/**
 * Options of {@link processTrades}.
 *
 * @example
 * ```ts
 * import type { ProcessTradesOptions } from '@market-stream/sinks/lambda';
 *
 * const options: ProcessTradesOptions = { eventType: 'SQS', invalid: 'fail' };
 * ```
 */
export interface ProcessTradesOptions {
  /** The event source. */
  eventType: TradeEventType;
  /**
   * What to do with a record that does not decode into trades: `'fail'` reports it in
   * `batchItemFailures` (Lambda retries it, then sends it to the source's on-failure path: the
   * SQS dead-letter queue, or the stream's on-failure destination); `'skip'` acknowledges it
   * (after `onInvalid`) and handles the trades it did hold.
   * @default 'fail' for SQS; 'skip' for Kinesis and DynamoDB Streams, where a record that can
   * never decode would hold up its shard until the retry limit (`PROCESS_TRADES_DEFAULTS.invalid`)
   */
  invalid?: 'fail' | 'skip';
  /** Called for each record or KPL user record that did not decode. */
  onInvalid?: (failure: DecodeFailure) => void;
  /**
   * Handle records in parallel. Off by default so trades reach `handler` in stream / queue
   * order (Powertools' own default is on).
   * @default false (`PROCESS_TRADES_DEFAULTS.processInParallel`)
   */
  processInParallel?: boolean;
  /**
   * Throw Powertools' `FullBatchFailureError` when every record failed, so Lambda retries the
   * whole batch (Powertools' behaviour); `false` returns every record in `batchItemFailures`.
   * @default true (`PROCESS_TRADES_DEFAULTS.throwOnFullBatchFailure`)
   */
  throwOnFullBatchFailure?: boolean;
}

/**
 * Runs `handler` for the trades of each record of a Lambda SQS, Kinesis or DynamoDB Streams
 * event and returns the partial batch response, built on Powertools' batch utility: a
 * `BatchProcessor` for `eventType` and `processPartialResponse`, with a record handler that
 * decodes the record (base64, KPL deaggregation and JSON for Kinesis; the body for SQS;
 * `NewImage` for DynamoDB) and calls `handler` with its trades.
 *
 * How it maps: a record fails — and Powertools names it in `batchItemFailures` — when `handler`
 * throws, or when it does not decode and `invalid` is `'fail'`. The identifier is Powertools':
 * the SQS `messageId`, the DynamoDB `SequenceNumber`, and for Kinesis the sequence number of the
 * *outer* Kinesis record, since Lambda checkpoints per Kinesis record: a failure in one trade
 * of a KPL aggregate retries the whole aggregate (and, for streams, everything after it in the
 * shard), so `handler` must be idempotent — `symbol#seq` is the key. Enable
 * `ReportBatchItemFailures` on the event source mapping.
 *
 * @param event - The Lambda event.
 * @param context - The Lambda context, passed on to Powertools.
 * @param handler - Called once per record that holds trades (a KPL aggregate: all its trades).
 * @param options - `eventType` and the policies above.
 * @returns `{ batchItemFailures }`.
 *
 * @example
 * ```ts
 * import type { KinesisStreamHandler } from 'aws-lambda';
 * import { processTrades } from '@market-stream/sinks/lambda';
 *
 * export const handler: KinesisStreamHandler = async (event, context) =>
 *   processTrades(event, context, async (trades) => {
 *     await saveHistory(trades);
 *   }, { eventType: 'KinesisDataStreams' });
 * ```
 */
export async function processTrades(
  event: KinesisEventLike | SqsEventLike | DynamoStreamEventLike,
  context: unknown,
  handler: (trades: Trade[], record: TradeEventRecord) => unknown,
  options: ProcessTradesOptions,
): Promise<BatchResponse> {
  const { eventType } = options;
  const decode = DECODERS[eventType];
  const invalid = options.invalid ?? PROCESS_TRADES_DEFAULTS.invalid[eventType];
  const processor = new BatchProcessor(EventType[eventType]);
  const recordHandler = async (record: TradeEventRecord) => {
    const decoded: DecodedTrades = { trades: [], failures: [] };
    decode(record as never, decoded);
    for (const failure of decoded.failures) options.onInvalid?.(failure);
    const firstFailure = decoded.failures[0];
    if (firstFailure && invalid === 'fail') throw firstFailure.error;
    if (decoded.trades.length > 0) await handler(decoded.trades, record);
  };
  return processPartialResponse(event, recordHandler, processor, {
    context: context as never,
    processInParallel: options.processInParallel ?? PROCESS_TRADES_DEFAULTS.processInParallel,
    throwOnFullBatchFailure:
      options.throwOnFullBatchFailure ?? PROCESS_TRADES_DEFAULTS.throwOnFullBatchFailure,
  });
}

const DECODERS: Record<TradeEventType, (record: never, into: DecodedTrades) => void> = {
  KinesisDataStreams: decodeKinesisRecord,
  SQS: decodeSqsRecord,
  DynamoDBStreams: decodeDynamoStreamRecord,
};
