import type { SchedulerLike } from 'rxjs';

/**
 * Which AWS service a sink writes to.
 *
 * @example
 * ```ts
 * import type { SinkName } from '@market-stream/sinks';
 *
 * const sink: SinkName = 'kinesis';
 * ```
 */
export type SinkName = 'kinesis' | 'sqs' | 'dynamodb';

/**
 * Why a sink gave up on records:
 * - `rejected`: the service refused them with an error that retrying cannot fix;
 * - `attempts-exhausted`: still failing after `maxAttempts` attempts;
 * - `expired`: older than `recordTtlMs` when another attempt was due;
 * - `too-large`: over a per-record limit, never sent;
 * - `encode-failed`: `encode` / `toItem` / `partitionKey` threw;
 * - `buffer-full`: arrived while the buffer held `maxBufferedRecords` (with `overflow: 'reject'`).
 *
 * @example
 * ```ts
 * import type { FailureReason } from '@market-stream/sinks';
 *
 * const retriedInVain: FailureReason = 'attempts-exhausted';
 * ```
 */
export type FailureReason =
  | 'rejected'
  | 'attempts-exhausted'
  | 'expired'
  | 'too-large'
  | 'encode-failed'
  | 'buffer-full';

/**
 * Records a sink gave up on, handed to `onFailure` (or carried by a `SinkDeliveryError`).
 *
 * @typeParam R - The record type the sink was given (a `Trade` by default).
 *
 * @example
 * ```ts
 * import type { SinkFailure, Trade } from '@market-stream/sinks';
 *
 * const onFailure = (failure: SinkFailure<Trade>) =>
 *   console.error(failure.reason, failure.error.message, failure.records.length);
 * ```
 */
export interface SinkFailure<R> {
  /** The sink that gave up. */
  sink: SinkName;
  /** The records not delivered: one, or every trade of a KPL aggregate that failed. */
  records: R[];
  /** Why the sink gave up. */
  reason: FailureReason;
  /** The last error: a `RecordRejectedError`, `RecordTooLargeError`, the SDK's error, … */
  error: Error;
  /** Attempts made (0 when the records were never sent). */
  attempts: number;
}

/**
 * What one completed request did: the sinks emit one per request (successful or not).
 *
 * @example
 * ```ts
 * import { toKinesis, type DeliveryReport } from '@market-stream/sinks';
 *
 * trades$.pipe(toKinesis({ client, streamName: 'trades' })).subscribe((report: DeliveryReport) =>
 *   console.log(`${report.records} delivered in ${report.latencyMs} ms, ${report.failed} failed`),
 * );
 * ```
 */
export interface DeliveryReport {
  /** The sink that made the request. */
  sink: SinkName;
  /** Records (trades) this request delivered. */
  records: number;
  /** Records this request carried but did not deliver (`retrying` of them will be retried). */
  failed: number;
  /** Of `failed`, the records scheduled for another attempt; the rest went to `onFailure`. */
  retrying: number;
  /** Entries in the request: records, or KPL aggregates when aggregating. */
  entries: number;
  /** The highest attempt number among the request's records: 1 when none was a retry. */
  attempts: number;
  /** Bytes of the delivered entries, as the service counts them against its limits. */
  bytes: number;
  /** From sending the request to its answer, in ms of the sink's scheduler. */
  latencyMs: number;
  /** The error the whole request failed with, when it did (then `records` is 0). */
  error?: Error;
  /**
   * Records the sink holds once this request has settled: queued, waiting for a retry (this
   * request's `retrying` included) or in other requests in flight. How far behind the sink is;
   * compare it with `maxBufferedRecords`. A stalled target sends no report at all, so to apply
   * backpressure read `onBuffered`, which also moves as records come in.
   */
  buffered: number;
  /** Running totals since subscription: records delivered, retried and given up. */
  totals: { delivered: number; retried: number; failed: number };
}

/**
 * Records a sink still held when it stopped early (unsubscribed, or errored): handed to
 * `onUnsent`, so nothing disappears without a trace.
 *
 * @typeParam R - The record type.
 *
 * @example
 * ```ts
 * import type { Trade, UnsentRecords } from '@market-stream/sinks';
 *
 * const onUnsent = ({ unsent, inFlight }: UnsentRecords<Trade>) =>
 *   console.warn(`${unsent.length} never sent, ${inFlight.length} outcome unknown`);
 * ```
 */
export interface UnsentRecords<R> {
  /** Records never sent, or waiting for a retry: certainly not delivered. */
  unsent: R[];
  /** Records in requests still in flight: they may or may not arrive. */
  inFlight: R[];
}

/**
 * Options every sink shares: batching, retries, ordering, memory bounds and failure handling.
 *
 * @typeParam R - The record type.
 *
 * @example
 * ```ts
 * import type { SinkOptions, Trade } from '@market-stream/sinks';
 *
 * const options: SinkOptions<Trade> = { lingerMs: 50, concurrency: 8, maxAttempts: 5 };
 * ```
 */
export interface SinkOptions<R> {
  /**
   * How long a record may wait for a fuller batch, in ms. A batch goes as soon as it is full
   * (count or bytes), or when its oldest record has waited this long.
   * @default 100
   */
  lingerMs?: number;
  /**
   * Whether a batch waits out `lingerMs` when no request is in flight. `false`: records leave at
   * once when the sink is idle, and only those that arrive while a request is in flight wait (up
   * to `lingerMs`) to fill the next one, so a quiet stream pays no linger and a busy one still
   * batches. `true`: every batch lingers, the fewest requests whatever the rate, which is what
   * SQS bills by.
   * @default false for `toKinesis` and `toDynamo` (billed per record or item, not per request);
   *   true for `toSqs` (billed per request)
   */
  lingerWhenIdle?: boolean;
  /**
   * Requests in flight at once.
   * @default 4
   */
  concurrency?: number;
  /**
   * Most records the sink holds (queued, waiting for a retry, in flight). See `overflow`.
   * @default 100_000
   */
  maxBufferedRecords?: number;
  /**
   * What happens to a record that arrives while the buffer is full. An RxJS source cannot be
   * paused, so the sink cannot apply backpressure itself: apply it where trades come in, with
   * `onBuffered` (see the README's backpressure recipe), so the buffer never fills.
   * - `'error'`: the sink stops and the stream errors with a `BufferOverflowError`. Every record
   *   it did not deliver goes to `onUnsent`: the one that overflowed (last in `unsent`), every
   *   record it held, and any record the source still emits afterwards. None goes to
   *   `onFailure`, so delivered + `onFailure` + `onUnsent` accounts for every record. A full
   *   buffer means the target is under-provisioned; failing loudly is the only choice that
   *   never loses a trade silently.
   * - `'reject'`: the new record goes to `onFailure` (reason `buffer-full`) and the stream
   *   goes on — for feeds where the newest trades matter less than staying up.
   * @default 'error'
   */
  overflow?: 'error' | 'reject';
  /**
   * Record order per key (partition key / message group / item partition key):
   * - `'per-key'`: at most one entry per key is in flight or waiting for a retry at any
   *   time, so records of one key arrive in the order they came, also across retries. Cost:
   *   one request round trip per entry of a key, so a request carries at most one entry per
   *   distinct key (Kinesis aggregation packs many trades of a key into that one entry).
   * - `'none'`: fill every request to the limits from any key; retries may overtake.
   * @default 'per-key'
   */
  ordering?: 'per-key' | 'none';
  /**
   * Attempts per record, the first included, before it goes to `onFailure`. With the default
   * backoffs a record keeps being retried for about 5 s of waiting on average (at most about
   * 10 s) when the service keeps rejecting it, and about 26 s when whole requests keep failing.
   * @default 12
   */
  maxAttempts?: number;
  /**
   * Longest a record may stay undelivered, in ms from its arrival: no retry starts after it.
   * @default undefined (only `maxAttempts` bounds retries)
   */
  recordTtlMs?: number;
  /**
   * Cap of the first retry delay after a whole request failed (throttled, a 5xx, a dropped
   * connection), in ms; each later attempt doubles it (full jitter).
   * @default 100
   */
  backoffBaseMs?: number;
  /**
   * Backoff of a record the service rejected inside a request it answered (Kinesis
   * `ProvisionedThroughputExceededException` or `InternalFailure`, a DynamoDB unprocessed item,
   * a failed SQS entry). Its first two rejections are retried in the next request, with no wait,
   * as the KPL does: the request round trip paces them, and the retry is packed with the other
   * keys' records rather than sent alone after a timer. From its third rejection on it waits
   * full-jitter backoff from this cap, doubling up to `backoffMaxMs`, so a shard that stays
   * throttled is retried less and less often.
   * @default 20
   */
  rejectionBackoffBaseMs?: number;
  /**
   * Largest retry delay cap, in ms.
   * @default 10_000
   */
  backoffMaxMs?: number;
  /**
   * Receives records the sink gave up on. May return a promise (e.g. {@link sqsDeadLetter}):
   * the sink completes only after it settles, and a rejection errors the stream. Without
   * `onFailure`, the first failure errors the stream with a `SinkDeliveryError`.
   * @default undefined
   */
  onFailure?: (failure: SinkFailure<R>) => void | Promise<void>;
  /**
   * Receives the records still held when the sink stops early (unsubscribed or errored),
   * including the record that overflowed the buffer (`overflow: 'error'`). A synchronous
   * source may still emit one record after the stop; it arrives in a call of its own.
   * @default undefined
   */
  onUnsent?: (records: UnsentRecords<R>) => void;
  /**
   * Receives the number of records the sink holds (queued, waiting for a retry, in flight)
   * after every change while it runs: each record taken in, each request settled. It moves
   * even when the target stalls and no report comes, so it is the signal to apply
   * backpressure on: stop taking trades in above a high-water mark, well below
   * `maxBufferedRecords`. Once the sink has stopped (completed, errored, unsubscribed) it holds
   * nothing and is not called again. A callback that throws errors the stream.
   * @default undefined
   */
  onBuffered?: (buffered: number) => void;
  /**
   * Scheduler for linger and backoff timers and latency clocks; a `VirtualTimeScheduler` or
   * `TestScheduler` makes a sink testable in virtual time.
   * @default asyncScheduler
   */
  scheduler?: SchedulerLike;
  /**
   * Source of uniform random numbers in [0, 1) for backoff jitter.
   * @default Math.random
   */
  random?: () => number;
}
