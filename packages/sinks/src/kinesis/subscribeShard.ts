import {
  type StartingPosition,
  SubscribeToShardCommand,
  type SubscribeToShardCommandOutput,
} from '@aws-sdk/client-kinesis';
import { KinesisReadError } from '../errors.js';
import { fullJitterDelay } from '../internal/backoff.js';
import { isTransientError } from '../internal/transientError.js';
import { emitRecords } from './emitRecords.js';
import type { IteratorStart, ShardReaderContext } from './shardReader.js';

/**
 * What a push (enhanced fan-out) shard reader needs beyond a polling one.
 * @internal
 */
export interface PushReaderContext extends ShardReaderContext {
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** The consumer's ARN, registered again when Kinesis no longer knows it. */
  consumerArn(renew: boolean): Promise<string | undefined>;
  /** Sends once, no retries; rejects when stopped. */
  sendOnce<T>(command: { input: unknown }): Promise<T>;
}

/** Kinesis allows one SubscribeToShard per second per consumer and shard. */
const SUBSCRIBE_INTERVAL_MS = 1_000;

const errorName = (error: unknown) => String((error as { name?: unknown }).name ?? '');

/**
 * Reads one shard by push (`SubscribeToShard`, enhanced fan-out) until it closes or the reader
 * stops. Each subscription lasts up to 5 minutes and is renewed right after the continuation
 * sequence number of its last event, so no record is lost or repeated; a subscription that ends
 * early, errors, or outlives its consumer is renewed the same way, after a backoff
 * (`LimitExceededException` and `ResourceInUseException` wait at least a second; a deleted
 * consumer is registered again). Failures in a row past `maxRetries` fail the reader.
 *
 * @returns `true` when the shard is closed and fully read, `false` when stopped.
 * @internal
 */
export async function subscribeShard(
  context: PushReaderContext,
  shardId: string,
  start: IteratorStart,
): Promise<boolean> {
  /** Where the next subscription starts: after the last continuation, once there is one. */
  let after: string | undefined;
  let first: StartingPosition = startingPosition(start);
  let failures = 0;
  let lastSubscribedAt = Number.NEGATIVE_INFINITY;
  let renewConsumer = false;
  while (!context.stopped) {
    const consumerArn = await context.consumerArn(renewConsumer);
    if (consumerArn === undefined) return false;
    renewConsumer = false;
    const wait = lastSubscribedAt + SUBSCRIBE_INTERVAL_MS - Date.now();
    if (wait > 0 && !(await context.sleep(wait))) return false;
    const position: StartingPosition =
      after !== undefined ? { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : first;
    try {
      lastSubscribedAt = Date.now();
      if (first.Type === 'LATEST') {
        // A renewal before any event must not skip what arrived in between.
        first = { Type: 'AT_TIMESTAMP', Timestamp: new Date(lastSubscribedAt) };
      }
      const output = await context.sendOnce<SubscribeToShardCommandOutput>(
        new SubscribeToShardCommand({
          ConsumerARN: consumerArn,
          ShardId: shardId,
          StartingPosition: position,
        }),
      );
      for await (const event of output.EventStream ?? []) {
        const shardEvent = event.SubscribeToShardEvent;
        if (shardEvent === undefined) continue;
        failures = 0;
        const records = shardEvent.Records ?? [];
        const emitted = emitRecords(context, shardId, records);
        if (emitted.last !== undefined) after = emitted.last;
        if (emitted.stopped || context.stopped) return false;
        if (records.length > 0) context.batchDone();
        if (shardEvent.ContinuationSequenceNumber) after = shardEvent.ContinuationSequenceNumber;
        // The shard's last event: no continuation, its children named (none when deleted).
        if (!shardEvent.ContinuationSequenceNumber) return true;
      }
    } catch (error) {
      if (context.stopped) return false;
      const name = errorName(error);
      const retryable =
        isTransientError(error) ||
        name === 'ResourceInUseException' ||
        name === 'ResourceNotFoundException' ||
        name === 'InternalFailureException';
      if (!retryable || ++failures > context.maxRetries) {
        throw new KinesisReadError(
          'KINESIS_READ_FAILED',
          `SubscribeToShard on stream ${context.streamName} shard ${shardId} failed${failures > 1 ? ` after ${failures} attempts` : ''}: ${(error as Error).message}`,
          { shardId, cause: error },
        );
      }
      // The consumer may be gone (deregistered under us): the next attempt registers it again.
      renewConsumer = name === 'ResourceNotFoundException';
      const floor =
        name === 'LimitExceededException' || name === 'ResourceInUseException'
          ? SUBSCRIBE_INTERVAL_MS
          : 0;
      const delay = Math.max(
        floor,
        fullJitterDelay(failures, context.backoffBaseMs, context.backoffMaxMs, Math.random),
      );
      if (!(await context.sleep(delay))) return false;
    }
  }
  return false;
}

function startingPosition(start: IteratorStart): StartingPosition {
  switch (start.ShardIteratorType) {
    case 'AFTER_SEQUENCE_NUMBER':
    case 'AT_SEQUENCE_NUMBER':
      return { Type: start.ShardIteratorType, SequenceNumber: start.StartingSequenceNumber };
    case 'AT_TIMESTAMP':
      return { Type: 'AT_TIMESTAMP', Timestamp: start.Timestamp };
    default:
      return { Type: start.ShardIteratorType ?? 'LATEST' };
  }
}
