import type { Trade } from '@market-stream/core';
import { deaggregate } from './aggregation/deaggregate.js';
import { decodeTradeJson } from './decodeTradeJson.js';
import type { InvalidKinesisRecord } from './readerTypes.js';

/**
 * What emitting a shard's records needs from the reader.
 * @internal
 */
export interface RecordSink {
  /** Whether the reader was stopped (unsubscribed or failed). */
  readonly stopped: boolean;
  emit(trade: Trade): void;
  invalid(record: InvalidKinesisRecord): void;
  /** Every user record of the shard up to `sequenceNumber` was emitted. */
  checkpoint(shardId: string, sequenceNumber: string): void;
}

/** A Kinesis record as GetRecords and SubscribeToShard both return it. */
interface KinesisRecord {
  SequenceNumber?: string;
  PartitionKey?: string;
  Data?: Uint8Array;
}

/**
 * Emits one batch of a shard's records, in order: KPL aggregates are deaggregated, each user
 * record decoded and checked as a trade (a bad one goes to `invalid`), and the shard's position
 * is checkpointed after each whole record.
 *
 * @returns The sequence number of the last whole record emitted (`undefined` when none), and
 *   whether the reader stopped part-way.
 * @internal
 */
export function emitRecords(
  sink: RecordSink,
  shardId: string,
  records: readonly KinesisRecord[],
): { last: string | undefined; stopped: boolean } {
  let last: string | undefined;
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
      if (decoded.ok) sink.emit(decoded.trade);
      else {
        sink.invalid({
          shardId,
          sequenceNumber,
          subSequenceNumber: user.subSequenceNumber,
          partitionKey: user.partitionKey,
          data: user.data,
          error: decoded.error,
        });
      }
      // Stopped part-way through an aggregate: its position is not reached.
      if (sink.stopped && i < users.length - 1) return { last, stopped: true };
    }
    last = sequenceNumber;
    sink.checkpoint(shardId, sequenceNumber);
    if (sink.stopped) return { last, stopped: true };
  }
  return { last, stopped: false };
}
