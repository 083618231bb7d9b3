import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type GetShardIteratorCommandOutput,
} from '@aws-sdk/client-kinesis';
import { emitRecords, type RecordSink } from './emitRecords.js';

/**
 * What a shard reader needs from the stream reader that runs it.
 * @internal
 */
export interface ShardReaderContext extends RecordSink {
  readonly streamName: string;
  readonly recordsPerCall: number;
  readonly pollIntervalMs: number;
  readonly maxIdlePollIntervalMs: number;
  readonly maxRetries: number;
  /** Sends with retries of transient failures; rejects when stopped or out of retries. */
  send<T>(command: { input: unknown }, shardId: string): Promise<T>;
  /** Waits `ms`; resolves early (with `false`) when the reader stops. */
  sleep(ms: number): Promise<boolean>;
  /** A GetRecords answer was fully emitted: time to tell `onPositions`. */
  batchDone(): void;
}

/**
 * How a shard reader gets its first iterator.
 * @internal
 */
export type IteratorStart = Pick<
  GetShardIteratorCommandInput,
  'ShardIteratorType' | 'StartingSequenceNumber' | 'Timestamp'
>;

/**
 * Reads one shard until it closes (`NextShardIterator` absent) or the reader stops: GetRecords
 * at most every `pollIntervalMs`, backing off to `maxIdlePollIntervalMs` while the shard is
 * idle, KPL deaggregation, trade decoding. A new iterator is fetched after the last position
 * when one expires (after 5 minutes unused).
 *
 * @returns `true` when the shard is closed and fully read, `false` when stopped.
 * @internal
 */
export async function readShard(
  context: ShardReaderContext,
  shardId: string,
  start: IteratorStart,
): Promise<boolean> {
  let lastSequenceNumber: string | undefined;
  const getIterator = async () => {
    const input: GetShardIteratorCommandInput = lastSequenceNumber
      ? {
          StreamName: context.streamName,
          ShardId: shardId,
          ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
          StartingSequenceNumber: lastSequenceNumber,
        }
      : { StreamName: context.streamName, ShardId: shardId, ...start };
    const output = await context.send<GetShardIteratorCommandOutput>(
      new GetShardIteratorCommand(input),
      shardId,
    );
    return output.ShardIterator;
  };

  let iterator = await getIterator();
  let idleDelay = context.pollIntervalMs;
  let expiredInARow = 0;
  const maxIdleDelay = Math.max(context.maxIdlePollIntervalMs, context.pollIntervalMs);
  while (iterator && !context.stopped) {
    let output: GetRecordsCommandOutput;
    try {
      output = await context.send<GetRecordsCommandOutput>(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: context.recordsPerCall }),
        shardId,
      );
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'ExpiredIteratorException') throw error;
      // A fresh iterator that expires again at once means something else is wrong (a clock
      // far off): give up like any other persistent failure rather than spin.
      if (++expiredInARow > context.maxRetries) throw error;
      iterator = await getIterator();
      continue;
    }
    expiredInARow = 0;

    const records = output.Records ?? [];
    const emitted = emitRecords(context, shardId, records);
    if (emitted.last !== undefined) lastSequenceNumber = emitted.last;
    if (emitted.stopped) return false;
    if (records.length > 0) context.batchDone();

    iterator = output.NextShardIterator;
    if (!iterator) return true;
    // An empty answer while behind the tip is normal (Kinesis skips ahead); only back off
    // when the shard is really idle.
    let delay = context.pollIntervalMs;
    if (records.length === 0 && !output.MillisBehindLatest) {
      delay = idleDelay;
      idleDelay = Math.min(idleDelay * 2, maxIdleDelay);
    } else idleDelay = context.pollIntervalMs;
    if (!(await context.sleep(delay))) return false;
  }
  return false;
}
