import {
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import type { Trade } from '@market-stream/core';
import type { OperatorFunction } from 'rxjs';
import { KINESIS_LIMITS } from '../defaults.js';
import { InvalidSinkOptionsError, RecordRejectedError, RecordTooLargeError } from '../errors.js';
import { deliver } from '../internal/deliver.js';
import { describeRecord } from '../internal/describeRecord.js';
import { encodeJson } from '../internal/encodeJson.js';
import type { Entry, Prepared, RequestOutcome, Transport } from '../internal/transport.js';
import { utf8Length } from '../internal/utf8.js';
import type { DeliveryReport, SinkOptions } from '../types.js';
import { KplAggregator } from './aggregation/KplAggregator.js';
import type { KinesisRecordPayload } from './aggregation/types.js';

/**
 * Options of {@link toKinesis}.
 *
 * @typeParam T - The record type; `Trade` unless you give your own `partitionKey`.
 *
 * @example
 * ```ts
 * import { KinesisClient } from '@aws-sdk/client-kinesis';
 * import type { ToKinesisOptions } from '@market-stream/sinks';
 *
 * const options: ToKinesisOptions = {
 *   client: new KinesisClient({}),
 *   streamName: 'trades',
 *   aggregate: true,
 * };
 * ```
 */
export interface ToKinesisOptions<T = Trade> extends SinkOptions<T> {
  /** Your SDK v3 Kinesis client. Its own retries stack under the sink's. */
  client: KinesisClient;
  /** The stream's name (or give `streamARN`). */
  streamName?: string;
  /** The stream's ARN (or give `streamName`). */
  streamARN?: string;
  /**
   * The partition key of a record: it picks the shard, and it is the ordering key.
   * @default (trade) => trade.symbol
   */
  partitionKey?: (record: T) => string;
  /**
   * Encodes a record's data blob.
   * @default the record as UTF-8 JSON
   */
  encode?: (record: T) => Uint8Array;
  /**
   * Packs the records of one partition key into KPL aggregated records (up to 1 MiB each),
   * readable by the KCL, Lambda with `aws-kinesis-agg`, `fromKinesis` and `deaggregate`.
   * Grouping is by partition key, so an aggregate lands on the shard its trades would have
   * gone to one by one, and a key's trades stay together and in order. Cost of that choice:
   * keys are not packed together, so with many keys and few trades per key per batch the
   * aggregates are small; packing by shard instead needs the stream's shard map (ListShards)
   * and its refresh on every reshard.
   *
   * With few hot keys it is what keeps a sink batching under throttling: per-key order allows
   * one Kinesis record per key per request, and a key waits out each backoff of its record, so
   * plain records average about one per PutRecords when a share of them is rejected (measured
   * 0.77 trades per request with 10 keys, 30 % of records rejected, 5 % of requests failing),
   * while an aggregate carries the key's whole backlog (thousands of trades per request in the
   * same run; see the `sinks-faults` benchmark). Leave it off only when a consumer cannot
   * deaggregate (a Lambda without `aws-kinesis-agg`, Firehose without deaggregation, a custom
   * reader), or set `ordering: 'none'` if that consumer needs no order per key.
   * @default false
   */
  aggregate?: boolean;
}

/**
 * Writes records to a Kinesis data stream with PutRecords and emits a {@link DeliveryReport}
 * per request.
 *
 * Guarantees:
 * - Batches fill to every PutRecords limit at once: 500 records, 5 MiB per call counting
 *   partition keys, 1 MiB per record; a batch waits at most `lingerMs`.
 * - A record over 1 MiB (or a partition key outside 1–256 characters) goes to `onFailure` as a
 *   `RecordTooLargeError`; the others are unharmed.
 * - Records rejected with `ProvisionedThroughputExceededException`, `InternalFailure` or
 *   `KMSThrottlingException`, and whole requests that are throttled, answered with a 5xx or
 *   lose their connection are retried — exactly the failed ones — with exponential backoff and
 *   full jitter, up to `maxAttempts` / `recordTtlMs`; other errors go to `onFailure` at once.
 * - Per partition key, records arrive in the order they came (`ordering: 'per-key'`).
 * - When the source completes, everything is delivered (or handed to `onFailure`) before the
 *   operator completes. Unsubscribing early hands what was held to `onUnsent`.
 * - At least once: a request whose answer is lost after Kinesis stored it is sent again, so a
 *   consumer may see a trade twice; `symbol#seq` identifies it.
 *
 * @typeParam T - The record type.
 * @param options - See {@link ToKinesisOptions} and {@link SinkOptions}.
 * @returns An operator from records to delivery reports.
 * @throws {@link InvalidSinkOptionsError} when neither `streamName` nor `streamARN` is given,
 * or a shared option is out of range.
 *
 * @example
 * ```ts
 * import { KinesisClient } from '@aws-sdk/client-kinesis';
 * import { toKinesis } from '@market-stream/sinks';
 *
 * trades$
 *   .pipe(toKinesis({ client: new KinesisClient({}), streamName: 'trades', aggregate: true }))
 *   .subscribe((report) => console.log(`${report.records} trades in ${report.latencyMs} ms`));
 * ```
 */
export function toKinesis<T = Trade>(
  options: ToKinesisOptions<T>,
): OperatorFunction<T, DeliveryReport> {
  const { client, streamName, streamARN } = options;
  if (!streamName && !streamARN) {
    throw new InvalidSinkOptionsError('toKinesis needs a streamName or a streamARN');
  }
  const partitionKey = options.partitionKey ?? ((record: T) => (record as unknown as Trade).symbol);
  const encode = options.encode ?? encodeJson;

  const transport: Transport<T, KinesisRecordPayload> = {
    sink: 'kinesis',
    maxBatchCount: KINESIS_LIMITS.maxRecordsPerRequest,
    maxBatchBytes: KINESIS_LIMITS.maxBytesPerRequest,
    prepare(record: T): Prepared<KinesisRecordPayload> {
      const key = partitionKey(record);
      if (typeof key !== 'string' || key.length === 0) {
        throw new TypeError('toKinesis: partitionKey must return a non-empty string');
      }
      if (key.length > KINESIS_LIMITS.maxPartitionKeyLength) {
        throw new RecordTooLargeError(
          'kinesis',
          key.length,
          KINESIS_LIMITS.maxPartitionKeyLength,
          `partition key of ${key.slice(0, 32)}…`,
        );
      }
      const data = encode(record);
      const bytes = data.length + utf8Length(key);
      if (bytes > KINESIS_LIMITS.maxBytesPerRecord) {
        throw new RecordTooLargeError(
          'kinesis',
          bytes,
          KINESIS_LIMITS.maxBytesPerRecord,
          `record ${describeRecord(record, key)}`,
        );
      }
      return { key, bytes, payload: { partitionKey: key, data } };
    },
    send: (entries) => putRecords(client, streamName, streamARN, entries),
  };
  if (options.aggregate) transport.pack = packAggregate;
  return deliver(transport, options);
}

async function putRecords<T>(
  client: KinesisClient,
  streamName: string | undefined,
  streamARN: string | undefined,
  entries: readonly Entry<T, KinesisRecordPayload>[],
): Promise<RequestOutcome> {
  const Records: PutRecordsRequestEntry[] = entries.map(({ payload }) => {
    const record: PutRecordsRequestEntry = {
      PartitionKey: payload.partitionKey,
      Data: payload.data,
    };
    if (payload.explicitHashKey !== undefined) record.ExplicitHashKey = payload.explicitHashKey;
    return record;
  });
  const output = await client.send(
    new PutRecordsCommand({ StreamName: streamName, StreamARN: streamARN, Records }),
  );
  const failed: RequestOutcome['failed'] = [];
  if (!output.FailedRecordCount) return { failed };
  const results = output.Records ?? [];
  for (let index = 0; index < entries.length; index++) {
    const code = results[index]?.ErrorCode;
    if (code === undefined) continue;
    const retryable = RETRYABLE_RECORD_ERRORS.has(code);
    failed.push({
      index,
      retryable,
      error: new RecordRejectedError(
        'kinesis',
        code,
        results[index]?.ErrorMessage ?? code,
        retryable,
      ),
    });
  }
  return { failed };
}

// PutRecords documents ProvisionedThroughputExceededException and InternalFailure as the
// per-record error codes; both clear on a later attempt. KMS throttling behaves the same.
const RETRYABLE_RECORD_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'InternalFailure',
  'KMSThrottlingException',
]);

/**
 * Packs the head records of one partition key's lane into one KPL aggregate (or leaves a
 * lone record as it is, as the KPL does).
 */
function packAggregate<T>(
  queue: {
    peek(): Entry<T, KinesisRecordPayload> | undefined;
    shift(): Entry<T, KinesisRecordPayload> | undefined;
  },
  budget: number,
): Entry<T, KinesisRecordPayload> | undefined {
  const head = queue.peek();
  if (head === undefined || head.bytes > budget) return undefined;
  const keyBytes = utf8Length(head.key);
  const limit = Math.min(budget, KINESIS_LIMITS.maxBytesPerRecord) - keyBytes;
  // Too little room left in the request for any aggregate framing: send the head plain.
  if (limit <= 64) return queue.shift();
  const aggregator = new KplAggregator({ maxBytes: limit });
  const taken: Entry<T, KinesisRecordPayload>[] = [];
  for (let next = queue.peek(); next !== undefined; next = queue.peek()) {
    if (!aggregator.tryAdd(next.payload)) break;
    taken.push(queue.shift()!);
  }
  if (taken.length <= 1) {
    // Alone, a record goes plain: the aggregate framing would only add bytes.
    return taken.length === 1 ? taken[0] : queue.shift();
  }
  const payload = aggregator.build();
  const records: T[] = [];
  let arrivedAt = Number.POSITIVE_INFINITY;
  for (const entry of taken) {
    records.push(...entry.records);
    if (entry.arrivedAt < arrivedAt) arrivedAt = entry.arrivedAt;
  }
  return {
    records,
    key: head.key,
    bytes: payload.data.length + keyBytes,
    payload,
    attempts: 0,
    rejections: 0,
    arrivedAt,
  };
}
