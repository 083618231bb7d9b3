import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type GetShardIteratorCommandOutput,
} from '@aws-sdk/client-kinesis';
import type { Trade } from '@market-stream/core';
import { deaggregate } from './aggregation/deaggregate.js';
import { decodeTradeJson } from './decodeTradeJson.js';
import type { InvalidKinesisRecord } from './readerTypes.js';

/**
 * What a shard reader needs from the stream reader that runs it.
 * @internal
 */
export interface ShardReaderContext {
  readonly streamName: string;
  readonly recordsPerCall: number;
  readonly pollIntervalMs: number;
  readonly maxIdlePollIntervalMs: number;
  readonly maxRetries: number;
  /** Whether the reader was stopped (unsubscribed or failed). */
  readonly stopped: boolean;
  /** Sends with retries of transient failures; rejects when stopped or out of retries. */
  send<T>(command: { input: unknown }, shardId: string): Promise<T>;
  /** Waits `ms`; resolves early (with `false`) when the reader stops. */
  sleep(ms: number): Promise<boolean>;
  emit(trade: Trade): void;
  invalid(record: InvalidKinesisRecord): void;
  /** Every user record of the shard up to `sequenceNumber` was emitted. */
  checkpoint(shardId: string, sequenceNumber: string): void;
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
    for (const record of records) {
      const sequenceNumber = record.SequenceNumber ?? '';
      const users = deaggregate({
        partitionKey: record.PartitionKey ?? '',
        data: record.Data ?? new Uint8Array(),
        sequenceNumber,
      });
      for (let i = 0; i < users.length; i++) {
        const user = users[i]!;
        const decoded = decodeTradeJson(user.data);
        if (decoded.ok) context.emit(decoded.trade);
        else {
          context.invalid({
            shardId,
            sequenceNumber,
            subSequenceNumber: user.subSequenceNumber,
            partitionKey: user.partitionKey,
            data: user.data,
            error: decoded.error,
          });
        }
        // Stopped part-way through an aggregate: its position is not reached.
        if (context.stopped && i < users.length - 1) return false;
      }
      lastSequenceNumber = sequenceNumber;
      context.checkpoint(shardId, sequenceNumber);
      if (context.stopped) return false;
    }
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
