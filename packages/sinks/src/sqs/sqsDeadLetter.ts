import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { SINK_DEFAULTS, SQS_DEAD_LETTER_DEFAULTS, SQS_LIMITS } from '../defaults.js';
import { RecordRejectedError } from '../errors.js';
import { fullJitterDelay } from '../internal/backoff.js';
import { isTransientError } from '../internal/transientError.js';
import { utf8Length } from '../internal/utf8.js';
import type { SinkFailure } from '../types.js';

/**
 * Options of {@link sqsDeadLetter}.
 *
 * @example
 * ```ts
 * import { SQSClient } from '@aws-sdk/client-sqs';
 * import type { SqsDeadLetterOptions } from '@market-stream/sinks';
 *
 * const options: SqsDeadLetterOptions = {
 *   client: new SQSClient({}),
 *   queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/trades-dlq',
 * };
 * ```
 */
export interface SqsDeadLetterOptions {
  /** Your SDK v3 SQS client. */
  client: SQSClient;
  /** The dead-letter queue's URL (a `.fifo` URL gets group and deduplication ids). */
  queueUrl: string;
  /**
   * Attempts per dead letter: SendMessageBatch entries SQS fails with `SenderFault: false`,
   * and whole requests that fail transiently (throttling, 5xx, dropped connections), are
   * retried with exponential backoff and full jitter up to this many times.
   * @default 5 (`SQS_DEAD_LETTER_DEFAULTS.maxAttempts`)
   */
  maxAttempts?: number;
}

/**
 * The body of one dead letter: the record, and why and where it failed.
 *
 * @example
 * ```ts
 * import type { DeadLetter } from '@market-stream/sinks';
 *
 * const letter = JSON.parse(message.Body!) as DeadLetter;
 * console.log(letter.sink, letter.reason, letter.error.message);
 * ```
 */
export interface DeadLetter {
  /** The sink that gave up. */
  sink: string;
  /** Why (a `FailureReason`). */
  reason: string;
  /** Attempts made. */
  attempts: number;
  /** The last error. */
  error: { name: string; code?: string; message: string };
  /** When it was dead-lettered, ms since the epoch. */
  failedAt: number;
  /** The record; absent when it alone would exceed the 1 MiB message limit. */
  record?: unknown;
}

/**
 * An `onFailure` callback that sends every record a sink gives up on to an SQS queue, one
 * message per record (a {@link DeadLetter} as JSON), in SendMessageBatch calls of up to 10.
 * It resolves when SQS accepted every message and rejects otherwise, so a sink using it
 * completes only after the dead letters are safe, and errors (never silently drops) when they
 * cannot be.
 *
 * @param options - See {@link SqsDeadLetterOptions}.
 * @returns A callback for any sink's `onFailure`.
 *
 * @example
 * ```ts
 * import { SQSClient } from '@aws-sdk/client-sqs';
 * import { sqsDeadLetter, toKinesis } from '@market-stream/sinks';
 *
 * const onFailure = sqsDeadLetter({ client: new SQSClient({}), queueUrl: process.env.DLQ_URL! });
 * trades$.pipe(toKinesis({ client, streamName: 'trades', onFailure })).subscribe();
 * ```
 */
export function sqsDeadLetter<R>(
  options: SqsDeadLetterOptions,
): (failure: SinkFailure<R>) => Promise<void> {
  const { client, queueUrl } = options;
  const maxAttempts = options.maxAttempts ?? SQS_DEAD_LETTER_DEFAULTS.maxAttempts;
  const fifo = queueUrl.endsWith('.fifo');
  return async (failure) => {
    const failedAt = Date.now();
    const error: DeadLetter['error'] = { name: failure.error.name, message: failure.error.message };
    const code = (failure.error as { code?: unknown }).code;
    if (typeof code === 'string') error.code = code;
    const entries: SendMessageBatchRequestEntry[] = failure.records.map((record, index) => {
      const letter: DeadLetter = {
        sink: failure.sink,
        reason: failure.reason,
        attempts: failure.attempts,
        error,
        failedAt,
        record,
      };
      let body = JSON.stringify(letter);
      if (utf8Length(body) > SQS_LIMITS.maxBytesPerMessage) {
        delete letter.record;
        body = JSON.stringify(letter);
      }
      const entry: SendMessageBatchRequestEntry = { Id: String(index), MessageBody: body };
      if (fifo) {
        entry.MessageGroupId = failure.sink;
        entry.MessageDeduplicationId = globalThis.crypto.randomUUID();
      }
      return entry;
    });
    for (const batch of chunks(entries)) await sendAll(client, queueUrl, batch, maxAttempts);
  };
}

function* chunks(
  entries: SendMessageBatchRequestEntry[],
): Generator<SendMessageBatchRequestEntry[]> {
  let batch: SendMessageBatchRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = utf8Length(entry.MessageBody ?? '');
    if (
      batch.length === SQS_LIMITS.maxEntriesPerRequest ||
      (batch.length > 0 && bytes + size > SQS_LIMITS.maxBytesPerRequest)
    ) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

async function sendAll(
  client: SQSClient,
  queueUrl: string,
  entries: SendMessageBatchRequestEntry[],
  maxAttempts: number,
): Promise<void> {
  let pending = entries;
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) {
      const delay = fullJitterDelay(
        attempt - 1,
        SINK_DEFAULTS.backoffBaseMs,
        SINK_DEFAULTS.backoffMaxMs,
        Math.random,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    let output: SendMessageBatchCommandOutput;
    try {
      output = await client.send(
        new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }),
      );
    } catch (error) {
      // A throttled or failed request is the same dead letters again: retry it like a Failed entry.
      if (attempt < maxAttempts && isTransientError(error)) continue;
      throw error;
    }
    const failed = output.Failed ?? [];
    if (failed.length === 0) return;
    const permanent = failed.find((entry) => entry.SenderFault);
    if (permanent !== undefined || attempt >= maxAttempts) {
      const first = permanent ?? failed[0]!;
      throw new RecordRejectedError(
        'sqs',
        first.Code ?? 'Failed',
        `dead letter not accepted: ${first.Message ?? ''}`,
        !first.SenderFault,
      );
    }
    const retry = new Set(failed.map((entry) => entry.Id));
    pending = pending.filter((entry) => retry.has(entry.Id));
  }
}
