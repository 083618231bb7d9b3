import { MarketStreamError } from '@market-stream/core';
import type { SinkFailure, SinkName } from './types.js';

/**
 * A KPL aggregation call was misused: `KPL_INVALID_OPTIONS` (a `maxBytes` too small to hold
 * anything), `KPL_INVALID_RECORD` (a user record without a partition key) or
 * `KPL_EMPTY_AGGREGATE` (`build()` before any record was added).
 *
 * @example
 * ```ts
 * import { KplAggregationError, KplAggregator } from '@market-stream/sinks';
 *
 * try {
 *   new KplAggregator().build();
 * } catch (error) {
 *   if (error instanceof KplAggregationError) console.error(error.code); // 'KPL_EMPTY_AGGREGATE'
 * }
 * ```
 */
export class KplAggregationError extends MarketStreamError {
  declare readonly code: 'KPL_INVALID_OPTIONS' | 'KPL_INVALID_RECORD' | 'KPL_EMPTY_AGGREGATE';

  /**
   * @param code - What was misused.
   * @param message - A human-readable reason.
   */
  constructor(
    code: 'KPL_INVALID_OPTIONS' | 'KPL_INVALID_RECORD' | 'KPL_EMPTY_AGGREGATE',
    message: string,
  ) {
    super(code, message);
  }
}

/**
 * A sink was given options it cannot work with (a `concurrency` of 0, a negative `lingerMs`,
 * a missing `streamName`, …). Thrown when the operator is created, before any record moves.
 *
 * @example
 * ```ts
 * import { InvalidSinkOptionsError, toKinesis } from '@market-stream/sinks';
 *
 * try {
 *   toKinesis({ client, streamName: 'trades', concurrency: 0 });
 * } catch (error) {
 *   if (error instanceof InvalidSinkOptionsError) console.error(error.message);
 * }
 * ```
 */
export class InvalidSinkOptionsError extends MarketStreamError {
  declare readonly code: 'INVALID_SINK_OPTIONS';

  /**
   * @param message - Which option is wrong and why.
   */
  constructor(message: string) {
    super('INVALID_SINK_OPTIONS', message);
  }
}

/**
 * One record is over a per-record limit of its service (Kinesis 1 MiB, SQS 1 MiB, DynamoDB
 * 400 KB), or its partition key is out of bounds. It is never sent; the other records are not
 * affected. Reaches `onFailure` with reason `too-large`.
 *
 * @example
 * ```ts
 * import { RecordTooLargeError, type SinkFailure } from '@market-stream/sinks';
 *
 * const onFailure = ({ error }: SinkFailure<unknown>) => {
 *   if (error instanceof RecordTooLargeError) console.warn(error.bytes, '>', error.limit);
 * };
 * ```
 */
export class RecordTooLargeError extends MarketStreamError {
  declare readonly code: 'RECORD_TOO_LARGE';
  /** The sink whose limit was exceeded. */
  readonly sink: SinkName;
  /** The record's size as the service counts it, in bytes (or characters for a key). */
  readonly bytes: number;
  /** The limit it exceeds. */
  readonly limit: number;

  /**
   * @param sink - The sink.
   * @param bytes - The record's size.
   * @param limit - The limit.
   * @param what - What is too large, e.g. `"record AAPL#42"`.
   */
  constructor(sink: SinkName, bytes: number, limit: number, what = 'record') {
    super('RECORD_TOO_LARGE', `${sink}: ${what} is ${bytes} bytes, over the limit of ${limit}`);
    this.sink = sink;
    this.bytes = bytes;
    this.limit = limit;
  }
}

/**
 * The service refused one record of a batch request: a Kinesis per-record `ErrorCode`, an
 * SQS `Failed` entry or DynamoDB `UnprocessedItems`. `retryable` says whether the sink retried
 * it; the error reaches `onFailure` when it gave up.
 *
 * @example
 * ```ts
 * import { RecordRejectedError, type SinkFailure } from '@market-stream/sinks';
 *
 * const onFailure = ({ error }: SinkFailure<unknown>) => {
 *   if (error instanceof RecordRejectedError) console.warn(error.errorCode, error.retryable);
 * };
 * ```
 */
export class RecordRejectedError extends MarketStreamError {
  declare readonly code: 'RECORD_REJECTED';
  /** The sink. */
  readonly sink: SinkName;
  /** The service's code, e.g. `ProvisionedThroughputExceededException`. */
  readonly errorCode: string;
  /** Whether the service's documentation makes this worth retrying. */
  readonly retryable: boolean;

  /**
   * @param sink - The sink.
   * @param errorCode - The service's error code.
   * @param message - The service's message.
   * @param retryable - Whether it is worth retrying.
   */
  constructor(sink: SinkName, errorCode: string, message: string, retryable: boolean) {
    super('RECORD_REJECTED', `${sink}: ${errorCode}: ${message}`);
    this.sink = sink;
    this.errorCode = errorCode;
    this.retryable = retryable;
  }
}

/**
 * A record arrived while the sink already held `maxBufferedRecords`: the target cannot keep
 * up. With `overflow: 'error'` (the default) the stream errors with it, and that record and
 * every record the sink held go to `onUnsent`; with `'reject'` the record reaches `onFailure`
 * with reason `buffer-full`.
 *
 * @example
 * ```ts
 * import { BufferOverflowError } from '@market-stream/sinks';
 *
 * trades$.pipe(toKinesis({ client, streamName: 'trades' })).subscribe({
 *   error: (error) => {
 *     if (error instanceof BufferOverflowError) console.error('add shards:', error.capacity);
 *   },
 * });
 * ```
 */
export class BufferOverflowError extends MarketStreamError {
  declare readonly code: 'SINK_BUFFER_FULL';
  /** The sink. */
  readonly sink: SinkName;
  /** The `maxBufferedRecords` that was reached. */
  readonly capacity: number;

  /**
   * @param sink - The sink.
   * @param capacity - The buffer bound.
   */
  constructor(sink: SinkName, capacity: number) {
    super(
      'SINK_BUFFER_FULL',
      `${sink}: ${capacity} records buffered and the target is not keeping up; raise maxBufferedRecords, concurrency or the target's capacity`,
    );
    this.sink = sink;
    this.capacity = capacity;
  }
}

/**
 * A sink gave up on records and no `onFailure` was given, or `onFailure` itself failed: the
 * stream errors with this. `records` are the records that were not delivered; what the sink
 * still held goes to `onUnsent`.
 *
 * @example
 * ```ts
 * import { SinkDeliveryError, toSqs } from '@market-stream/sinks';
 *
 * trades$.pipe(toSqs({ client, queueUrl })).subscribe({
 *   error: (error) => {
 *     if (error instanceof SinkDeliveryError) saveForLater(error.records);
 *   },
 * });
 * ```
 */
export class SinkDeliveryError extends MarketStreamError {
  declare readonly code: 'SINK_DELIVERY_FAILED';
  /** What failed, with the reason and the last error of each. */
  readonly failures: readonly SinkFailure<unknown>[];
  /** Every undelivered record of `failures`, flattened. */
  readonly records: readonly unknown[];

  /**
   * @param failures - The failures.
   * @param options - `cause`: why `onFailure` failed, when it did.
   */
  constructor(failures: readonly SinkFailure<unknown>[], options?: { cause?: unknown }) {
    const records = failures.flatMap((failure) => failure.records);
    const first = failures[0];
    super(
      'SINK_DELIVERY_FAILED',
      first
        ? `${first.sink}: ${records.length} record(s) not delivered (${first.reason}: ${first.error.message})`
        : 'records not delivered',
      options,
    );
    this.failures = failures;
    this.records = records;
  }
}

/**
 * A record's bytes are not a trade's JSON: not UTF-8, or not JSON at all. (Valid JSON that is
 * not a valid trade is an `InvalidTradeError` from `@market-stream/core` instead.) Readers and
 * Lambda decoders report it per record and carry on.
 *
 * @example
 * ```ts
 * import { fromKinesis, UndecodableRecordError } from '@market-stream/sinks';
 *
 * fromKinesis({
 *   client,
 *   streamName: 'trades',
 *   onInvalid: ({ error, sequenceNumber }) => {
 *     if (error instanceof UndecodableRecordError) console.warn('not JSON', sequenceNumber);
 *   },
 * });
 * ```
 */
export class UndecodableRecordError extends MarketStreamError {
  declare readonly code: 'UNDECODABLE_RECORD';

  /**
   * @param message - Why the bytes could not be decoded.
   * @param options - `cause`: the parser's error.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNDECODABLE_RECORD', message, options);
  }
}

/**
 * `fromKinesis` stopped: Kinesis refused a request in a way retrying cannot fix (a missing
 * stream, access denied, an invalid argument), or kept failing with throttling, 5xx or
 * dropped connections for `maxRetries` attempts in a row. `INVALID_READER_OPTIONS` when the
 * options themselves are wrong.
 *
 * @example
 * ```ts
 * import { fromKinesis, KinesisReadError } from '@market-stream/sinks';
 *
 * fromKinesis({ client, streamName: 'trades' }).subscribe({
 *   error: (error) => {
 *     if (error instanceof KinesisReadError) console.error(error.shardId, error.cause);
 *   },
 * });
 * ```
 */
export class KinesisReadError extends MarketStreamError {
  declare readonly code: 'KINESIS_READ_FAILED' | 'INVALID_READER_OPTIONS';
  /** The shard being read when it failed, if the failure was about one shard. */
  readonly shardId: string | undefined;

  /**
   * @param code - `KINESIS_READ_FAILED` or `INVALID_READER_OPTIONS`.
   * @param message - What failed.
   * @param options - `shardId`: the shard; `cause`: the SDK's error.
   */
  constructor(
    code: 'KINESIS_READ_FAILED' | 'INVALID_READER_OPTIONS',
    message: string,
    options: { shardId?: string; cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.shardId = options.shardId;
  }
}

/**
 * A history API query (`GET /api/trades` or `GET /api/bars`) the history cannot answer: a bad
 * `symbol`, `from`/`to`, `limit` or `interval`. Both history servers answer it with `status`
 * (400) and `{ error: { code, message } }`.
 *
 * @example
 * ```ts
 * import { InvalidHistoryQueryError, parseHistoryQuery } from '@market-stream/sinks';
 *
 * try {
 *   parseHistoryQuery('bars', { symbol: 'AAPL', interval: '7m' });
 * } catch (error) {
 *   if (error instanceof InvalidHistoryQueryError) console.error(error.status, error.code); // 400 'INVALID_INTERVAL'
 * }
 * ```
 */
export class InvalidHistoryQueryError extends MarketStreamError {
  declare readonly code: 'INVALID_SYMBOL' | 'INVALID_RANGE' | 'INVALID_LIMIT' | 'INVALID_INTERVAL';
  /** The HTTP status to answer with. */
  readonly status = 400;

  /**
   * @param code - Which parameter is wrong.
   * @param message - Why, for the client.
   */
  constructor(
    code: 'INVALID_SYMBOL' | 'INVALID_RANGE' | 'INVALID_LIMIT' | 'INVALID_INTERVAL',
    message: string,
  ) {
    super(code, message);
  }
}

/**
 * Why `replayDeadLetters` kept a message (`code` is the `ReplayProblemReason`, upper-cased), or
 * `INVALID_REPLAY_OPTIONS` when it was given options it cannot work with (thrown at once).
 *
 * @example
 * ```ts
 * import { DeadLetterReplayError, replayDeadLetters } from '@market-stream/sinks';
 *
 * const report = await replayDeadLetters(options);
 * for (const { error } of report.kept) {
 *   if (error instanceof DeadLetterReplayError) console.warn(error.code, error.message);
 * }
 * ```
 */
export class DeadLetterReplayError extends MarketStreamError {
  declare readonly code:
    | 'MALFORMED'
    | 'NO_RECORD'
    | 'NO_SINK'
    | 'PAST_RETENTION'
    | 'UNDECODABLE_RECORDS'
    | 'DELIVERY_FAILED'
    | 'DELETE_FAILED'
    | 'INVALID_REPLAY_OPTIONS';

  /**
   * @param code - Why.
   * @param message - The details.
   * @param options - `cause`: the underlying error.
   */
  constructor(code: DeadLetterReplayError['code'], message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
