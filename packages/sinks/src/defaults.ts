import { BAR_INTERVALS, TRADE_VALIDATION_DEFAULTS } from '@market-stream/core';

/**
 * The largest Kinesis record: data plus partition key, 1 MiB.
 *
 * @example
 * ```ts
 * import { KINESIS_MAX_RECORD_BYTES } from '@market-stream/sinks';
 *
 * KINESIS_MAX_RECORD_BYTES; // 1_048_576
 * ```
 */
export const KINESIS_MAX_RECORD_BYTES = 1_048_576;

/**
 * Defaults every sink shares (see `SinkOptions`): a batch waits at most 100 ms, 4 requests in
 * flight, 100,000 records held at most, order kept per key, 12 attempts: a failed request
 * backs off with full jitter from 100 ms, a record rejected inside an answered request rides
 * the next request twice and then backs off from 20 ms, both up to 10 s.
 *
 * @example
 * ```ts
 * import { SINK_DEFAULTS } from '@market-stream/sinks';
 *
 * SINK_DEFAULTS.lingerMs; // 100
 * ```
 */
export const SINK_DEFAULTS = Object.freeze({
  lingerMs: 100,
  /** Linger only while a request is in flight (see `SinkOptions.lingerWhenIdle`; `toSqs`: true). */
  lingerWhenIdle: false,
  concurrency: 4,
  maxBufferedRecords: 100_000,
  overflow: 'error' as const,
  ordering: 'per-key' as const,
  maxAttempts: 12,
  backoffBaseMs: 100,
  rejectionBackoffBaseMs: 20,
  backoffMaxMs: 10_000,
});

/**
 * Defaults of `toSqs` where they differ from `SINK_DEFAULTS`: SQS bills per request (each 64 KB
 * chunk), so its batches linger even when the sink is idle.
 *
 * @example
 * ```ts
 * import { SQS_DEFAULTS } from '@market-stream/sinks';
 *
 * SQS_DEFAULTS.lingerWhenIdle; // true
 * ```
 */
export const SQS_DEFAULTS = Object.freeze({
  lingerWhenIdle: true,
});

/**
 * Kinesis PutRecords limits: 500 records and 5 MiB per call, partition keys included; 1 MiB
 * per record (data plus partition key); partition keys of 1 to 256 characters.
 *
 * @example
 * ```ts
 * import { KINESIS_LIMITS } from '@market-stream/sinks';
 *
 * KINESIS_LIMITS.maxRecordsPerRequest; // 500
 * ```
 */
export const KINESIS_LIMITS = Object.freeze({
  maxRecordsPerRequest: 500,
  maxBytesPerRequest: 5 * 1_048_576,
  maxBytesPerRecord: 1_048_576,
  maxPartitionKeyLength: 256,
});

/**
 * SQS SendMessageBatch limits: 10 entries per call; 1 MiB (1,048,576 bytes) per message and
 * per batch, counting bodies and message attributes (raised from 256 KiB in 2025).
 *
 * @example
 * ```ts
 * import { SQS_LIMITS } from '@market-stream/sinks';
 *
 * SQS_LIMITS.maxEntriesPerRequest; // 10
 * ```
 */
export const SQS_LIMITS = Object.freeze({
  maxEntriesPerRequest: 10,
  maxBytesPerRequest: 1_048_576,
  maxBytesPerMessage: 1_048_576,
});

/**
 * DynamoDB BatchWriteItem limits: 25 items and 16 MB per call, 400 KB per item (attribute
 * names and values, as DynamoDB sizes them).
 *
 * @example
 * ```ts
 * import { DYNAMO_LIMITS } from '@market-stream/sinks';
 *
 * DYNAMO_LIMITS.maxItemsPerRequest; // 25
 * ```
 */
export const DYNAMO_LIMITS = Object.freeze({
  maxItemsPerRequest: 25,
  maxBytesPerRequest: 16 * 1_048_576,
  maxBytesPerItem: 400 * 1024,
});

/**
 * Defaults of the DynamoDB trade history: items expire 7 days after the trade
 * (`ttlSeconds`), bars are 1 minute (`intervalMs` of `toDynamo({ bars })` and `queryBars`).
 *
 * @example
 * ```ts
 * import { DYNAMO_DEFAULTS } from '@market-stream/sinks';
 *
 * DYNAMO_DEFAULTS.ttlSeconds; // 604_800
 * ```
 */
export const DYNAMO_DEFAULTS = Object.freeze({
  ttlSeconds: 7 * 24 * 60 * 60,
  barIntervalMs: 60_000,
});

/**
 * Defaults of `fromKinesis`: at most 5 GetRecords calls per second per shard (Kinesis' limit),
 * idle shards polled at most every second, up to 10,000 records per call (the API maximum),
 * throttling and transient failures retried with full-jitter backoff up to 5 s, 10 times in a
 * row.
 *
 * @example
 * ```ts
 * import { FROM_KINESIS_DEFAULTS } from '@market-stream/sinks';
 *
 * FROM_KINESIS_DEFAULTS.pollIntervalMs; // 200
 * ```
 */
export const FROM_KINESIS_DEFAULTS = Object.freeze({
  pollIntervalMs: 200,
  maxIdlePollIntervalMs: 1_000,
  recordsPerCall: 10_000,
  backoffBaseMs: 100,
  backoffMaxMs: 5_000,
  maxRetries: 10,
  /** How long a push reader waits for its stream consumer to become `ACTIVE`. */
  consumerActivationTimeoutMs: 120_000,
});

/**
 * The history API's bar intervals, by the name `GET /api/bars?interval=` takes: one set for the
 * deployed `HistoryApi` and the local server, core's `BAR_INTERVALS` (which `<ticker-chart>`
 * offers too). A Map, not an object literal, so `?interval=constructor` (or `__proto__`,
 * `toString`) finds nothing.
 *
 * @default 5s, 1m, 5m, 15m, 1h, 1d
 *
 * @example
 * ```ts
 * import { HISTORY_INTERVALS } from '@market-stream/sinks';
 *
 * HISTORY_INTERVALS.get('5m'); // 300_000
 * ```
 */
export const HISTORY_INTERVALS: ReadonlyMap<string, number> = BAR_INTERVALS;

/**
 * Defaults of {@link parseHistoryQuery}: 50 trades, 60 bars of 1 minute, at most 1,000 of
 * either per request.
 *
 * @example
 * ```ts
 * import { HISTORY_QUERY_DEFAULTS } from '@market-stream/sinks';
 *
 * HISTORY_QUERY_DEFAULTS.barsLimit; // 60
 * ```
 */
export const HISTORY_QUERY_DEFAULTS = Object.freeze({
  /** @default 50 */
  tradesLimit: 50,
  /** @default 60 */
  barsLimit: 60,
  /** @default 1000 */
  maxLimit: 1_000,
  /** @default '1m' */
  interval: '1m',
});

/**
 * Defaults of `sqsDeadLetter`: each dead letter is tried at most 5 times (SendMessageBatch
 * entries SQS fails retryably, and requests that fail transiently), with full-jitter backoff
 * between `SINK_DEFAULTS.backoffBaseMs` and `SINK_DEFAULTS.backoffMaxMs`.
 *
 * @example
 * ```ts
 * import { SQS_DEAD_LETTER_DEFAULTS } from '@market-stream/sinks';
 *
 * SQS_DEAD_LETTER_DEFAULTS.maxAttempts; // 5
 * ```
 */
export const SQS_DEAD_LETTER_DEFAULTS = Object.freeze({
  /** @default 5 */
  maxAttempts: 5,
});

/**
 * Defaults of `processTrades` (`@market-stream/sinks/lambda`):
 *
 * - `invalid` by event source: `'fail'` for SQS (the queue's dead-letter queue takes the record
 *   after its retries); `'skip'` for Kinesis and DynamoDB Streams, where a record that can never
 *   decode would hold up its shard until the retry limit.
 * - `processInParallel` `false`: trades reach the handler in stream / queue order (Powertools'
 *   own default is on).
 * - `throwOnFullBatchFailure` `true`: Powertools' behaviour, Lambda retries the whole batch.
 *
 * @example
 * ```ts
 * import { PROCESS_TRADES_DEFAULTS } from '@market-stream/sinks/lambda';
 *
 * PROCESS_TRADES_DEFAULTS.invalid.SQS; // 'fail'
 * ```
 */
export const PROCESS_TRADES_DEFAULTS = Object.freeze({
  /** @default 'fail' for SQS, 'skip' for Kinesis and DynamoDB Streams */
  invalid: Object.freeze({
    SQS: 'fail' as const,
    KinesisDataStreams: 'skip' as const,
    DynamoDBStreams: 'skip' as const,
  }),
  /** @default false */
  processInParallel: false,
  /** @default true */
  throwOnFullBatchFailure: true,
});

/**
 * Defaults of `replayDeadLetters`: at most 1,000 messages per run, 4 receive batches at once,
 * received messages invisible for 5 minutes (a kept message is not received twice in a run),
 * 1 s long polls (a run ends at the first empty receive), at most 10,000 records per on-failure
 * range (a Lambda Kinesis batch holds at most 10,000).
 *
 * @example
 * ```ts
 * import { REPLAY_DEFAULTS } from '@market-stream/sinks';
 *
 * REPLAY_DEFAULTS.maxMessages; // 1_000
 * ```
 */
export const REPLAY_DEFAULTS = Object.freeze({
  /** @default 1000 */
  maxMessages: 1_000,
  /** @default 4 */
  concurrency: 4,
  /** @default 300 */
  visibilityTimeoutSeconds: 300,
  /** @default 1 */
  waitTimeSeconds: 1,
  /** @default 10000 */
  maxRangeRecords: 10_000,
  /** @default 'dynamodb' */
  onFailureSink: 'dynamodb' as const,
  /** ReceiveMessage attempts on throttling or a transient failure (full-jitter backoff). @default 3 */
  receiveAttempts: 3,
});

/**
 * Defaults of `answerIngest` and `createIngestHandler` (`@market-stream/sinks/lambda`), the
 * same bounds as the local server's `POST /api/ingest`: at most 1,000 trades and 1 MiB per
 * request, timestamps within 60 s of the function's clock. A write that has not reached Kinesis
 * 10 s after the request is given up (dead-lettered), well inside API Gateway's 30 s integration
 * timeout.
 *
 * @example
 * ```ts
 * import { INGEST_DEFAULTS } from '@market-stream/sinks/lambda';
 *
 * INGEST_DEFAULTS.maxTrades; // 1000
 * ```
 */
export const INGEST_DEFAULTS = Object.freeze({
  /** @default 1_048_576 (1 MiB; API Gateway HTTP APIs take up to 10 MB, Lambda up to 6 MB) */
  maxBodyBytes: 1_048_576,
  /** @default 1000 */
  maxTrades: 1000,
  /** @default 60_000 (core's `TRADE_VALIDATION_DEFAULTS.maxClockSkewMs`) */
  maxClockSkewMs: TRADE_VALIDATION_DEFAULTS.maxClockSkewMs,
  /** @default 10_000 */
  writeTtlMs: 10_000,
});

/**
 * Defaults of `createReplayHandler` (`@market-stream/sinks/lambda`): a run stops receiving
 * 30 s before the function's timeout, time enough to finish the batches in hand (a range re-read
 * and re-sent) and delete them; what it did not reach stays in the queue for the next run.
 *
 * @example
 * ```ts
 * import { REPLAY_HANDLER_DEFAULTS } from '@market-stream/sinks/lambda';
 *
 * REPLAY_HANDLER_DEFAULTS.stopMarginMs; // 30_000
 * ```
 */
export const REPLAY_HANDLER_DEFAULTS = Object.freeze({
  /** @default 30_000 */
  stopMarginMs: 30_000,
});
