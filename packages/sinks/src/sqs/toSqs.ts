import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type Trade, tradeKey } from '@market-stream/core';
import type { OperatorFunction } from 'rxjs';
import { SQS_DEFAULTS, SQS_LIMITS } from '../defaults.js';
import { InvalidSinkOptionsError, RecordRejectedError, RecordTooLargeError } from '../errors.js';
import { deliver } from '../internal/deliver.js';
import { describeRecord } from '../internal/describeRecord.js';
import type { Entry, Prepared, RequestOutcome, Transport } from '../internal/transport.js';
import { utf8Length } from '../internal/utf8.js';
import type { DeliveryReport, SinkOptions } from '../types.js';

/**
 * Options of {@link toSqs}.
 *
 * @typeParam T - The record type; `Trade` unless you give your own `groupId`, `encode` and
 * `deduplicationId`.
 *
 * @example
 * ```ts
 * import { SQSClient } from '@aws-sdk/client-sqs';
 * import type { ToSqsOptions } from '@market-stream/sinks';
 *
 * const options: ToSqsOptions = {
 *   client: new SQSClient({}),
 *   queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/trades.fifo',
 * };
 * ```
 */
export interface ToSqsOptions<T = Trade> extends SinkOptions<T> {
  /** Your SDK v3 SQS client. */
  client: SQSClient;
  /** The queue's URL. */
  queueUrl: string;
  /**
   * Whether the queue is a FIFO queue: messages then carry a `MessageGroupId` and a
   * `MessageDeduplicationId`.
   * @default queueUrl ends with `.fifo`
   */
  fifo?: boolean;
  /**
   * The message group of a record (FIFO), also the ordering key.
   * @default (trade) => trade.symbol
   */
  groupId?: (record: T) => string;
  /**
   * The deduplication id of a record (FIFO): SQS drops a message whose id it saw in the last
   * 5 minutes, so a retried send is enqueued once.
   * @default (trade) => `${trade.symbol}#${trade.seq}`
   */
  deduplicationId?: (record: T) => string;
  /**
   * The message body of a record.
   * @default JSON.stringify
   */
  encode?: (record: T) => string;
}

/**
 * Sends records to an SQS queue with SendMessageBatch and emits a {@link DeliveryReport} per
 * request.
 *
 * Guarantees:
 * - Batches fill to every SendMessageBatch limit at once: 10 entries, 1 MiB per batch and per
 *   message; a batch waits at most `lingerMs`. A message over 1 MiB goes to `onFailure` as a
 *   `RecordTooLargeError`; the others are unharmed.
 * - `Failed` entries with `SenderFault: false`, and whole requests that are throttled, answered
 *   with a 5xx or lose their connection, are retried — exactly the failed entries — with
 *   exponential backoff and full jitter; `SenderFault: true` entries go to `onFailure`.
 * - FIFO queues: `MessageGroupId` per symbol and `MessageDeduplicationId` from symbol and seq,
 *   so a retry is enqueued once (within SQS's 5-minute deduplication window) and each group is
 *   in order. Ordering defaults to `'per-key'` for FIFO queues and `'none'` for standard
 *   queues, which do not keep order anyway.
 *
 * @typeParam T - The record type.
 * @param options - See {@link ToSqsOptions} and {@link SinkOptions}.
 * @returns An operator from records to delivery reports.
 * @throws {@link InvalidSinkOptionsError} without a `queueUrl`, or with an option out of range.
 *
 * @example
 * ```ts
 * import { SQSClient } from '@aws-sdk/client-sqs';
 * import { toSqs } from '@market-stream/sinks';
 *
 * trades$
 *   .pipe(toSqs({ client: new SQSClient({}), queueUrl: process.env.QUEUE_URL! }))
 *   .subscribe((report) => console.log(`${report.records} messages sent`));
 * ```
 */
export function toSqs<T = Trade>(options: ToSqsOptions<T>): OperatorFunction<T, DeliveryReport> {
  const { client, queueUrl } = options;
  if (!queueUrl) throw new InvalidSinkOptionsError('toSqs needs a queueUrl');
  const fifo = options.fifo ?? queueUrl.endsWith('.fifo');
  const groupId = options.groupId ?? ((record: T) => (record as unknown as Trade).symbol);
  const deduplicationId =
    options.deduplicationId ?? ((record: T) => tradeKey(record as unknown as Trade));
  const encode = options.encode ?? ((record: T) => JSON.stringify(record));

  const transport: Transport<T, SendMessageBatchRequestEntry> = {
    sink: 'sqs',
    maxBatchCount: SQS_LIMITS.maxEntriesPerRequest,
    maxBatchBytes: SQS_LIMITS.maxBytesPerRequest,
    prepare(record: T): Prepared<SendMessageBatchRequestEntry> {
      const body = encode(record);
      if (typeof body !== 'string') throw new TypeError('toSqs: encode must return a string');
      const key = groupId(record);
      if (typeof key !== 'string' || key.length === 0) {
        throw new TypeError('toSqs: groupId must return a non-empty string');
      }
      const bytes = utf8Length(body);
      if (bytes > SQS_LIMITS.maxBytesPerMessage) {
        throw new RecordTooLargeError(
          'sqs',
          bytes,
          SQS_LIMITS.maxBytesPerMessage,
          `message ${describeRecord(record, key)}`,
        );
      }
      const payload: SendMessageBatchRequestEntry = { Id: '', MessageBody: body };
      if (fifo) {
        payload.MessageGroupId = key;
        payload.MessageDeduplicationId = deduplicationId(record);
      }
      return { key, bytes, payload };
    },
    send: (entries) => sendMessageBatch(client, queueUrl, entries),
  };
  return deliver(transport, {
    ...options,
    ordering: options.ordering ?? (fifo ? 'per-key' : 'none'),
    lingerWhenIdle: options.lingerWhenIdle ?? SQS_DEFAULTS.lingerWhenIdle,
  });
}

async function sendMessageBatch<T>(
  client: SQSClient,
  queueUrl: string,
  entries: readonly Entry<T, SendMessageBatchRequestEntry>[],
): Promise<RequestOutcome> {
  // Ids only need to be unique within the request; the index maps answers back to entries.
  const Entries = entries.map(({ payload }, index) => ({ ...payload, Id: String(index) }));
  const output = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries }));
  const failed: RequestOutcome['failed'] = [];
  for (const entry of output.Failed ?? []) {
    const index = Number(entry.Id);
    if (!Number.isInteger(index) || index < 0 || index >= entries.length) continue;
    const retryable = entry.SenderFault !== true;
    const code = entry.Code ?? 'Failed';
    failed.push({
      index,
      retryable,
      error: new RecordRejectedError('sqs', code, entry.Message ?? code, retryable),
    });
  }
  return { failed };
}
