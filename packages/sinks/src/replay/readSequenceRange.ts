import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { Trade } from '@market-stream/core';
import { FROM_KINESIS_DEFAULTS } from '../defaults.js';
import { DeadLetterReplayError } from '../errors.js';
import { fullJitterDelay } from '../internal/backoff.js';
import { isTransientError } from '../internal/transientError.js';
import { deaggregate } from '../kinesis/aggregation/deaggregate.js';
import { decodeTradeJson } from '../kinesis/decodeTradeJson.js';
import type { KinesisBatchRange } from './parseReplayMessage.js';

/**
 * The trades of an on-failure range, and what stands in the way of replaying all of it.
 * @internal
 */
export interface RangeRead {
  trades: Trade[];
  /** Set when the range cannot be replayed whole: past retention, or records that are not trades. */
  problem?: { reason: 'past-retention' | 'undecodable-records'; error: DeadLetterReplayError };
}

/**
 * Re-reads the records a Lambda Kinesis event source gave up on: `GetShardIterator`
 * `AT_SEQUENCE_NUMBER` the range's start, then `GetRecords` up to its end, KPL aggregates
 * split. The range is past retention when the stream or shard is gone, the first record read
 * is not the start (trimmed), or the shard ends before the end. Throttling and transient
 * failures are retried with full-jitter backoff (`FROM_KINESIS_DEFAULTS`); other errors reject.
 * @internal
 */
export async function readSequenceRange(
  client: KinesisClient,
  range: KinesisBatchRange,
  maxRecords: number,
): Promise<RangeRead> {
  const start = BigInt(range.startSequenceNumber);
  const end = BigInt(range.endSequenceNumber);
  const where = `${range.streamName}/${range.shardId} ${range.startSequenceNumber}..${range.endSequenceNumber}`;
  const pastRetention = (why: string, cause?: unknown): RangeRead => ({
    trades: [],
    problem: {
      reason: 'past-retention',
      error: new DeadLetterReplayError('PAST_RETENTION', `${where}: ${why}`, { cause }),
    },
  });
  let iterator: string | undefined;
  try {
    ({ ShardIterator: iterator } = await withRetries(() =>
      client.send(
        new GetShardIteratorCommand({
          StreamName: range.streamName,
          ShardId: range.shardId,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: range.startSequenceNumber,
        }),
      ),
    ));
  } catch (error) {
    const name = (error as { name?: unknown }).name;
    if (name === 'ResourceNotFoundException' || name === 'InvalidArgumentException') {
      return pastRetention('the stream, shard or sequence number is no longer there', error);
    }
    throw error;
  }
  const trades: Trade[] = [];
  let undecodable = 0;
  let records = 0;
  let first = true;
  let trimmedAt: bigint | undefined;
  // A page may be empty while the iterator is still behind the shard's tip; the bound keeps a
  // range that never reaches its end from polling forever.
  for (let page = 0; page < 1_000 && iterator !== undefined; page++) {
    const current: string = iterator;
    const output: GetRecordsCommandOutput = await withRetries(() =>
      client.send(
        new GetRecordsCommand({
          ShardIterator: current,
          Limit: FROM_KINESIS_DEFAULTS.recordsPerCall,
        }),
      ),
    );
    for (const record of output.Records ?? []) {
      const sequence = BigInt(record.SequenceNumber ?? '0');
      // The range's first record is gone (trimmed): what is left of the range is still replayed.
      if (first && sequence !== start) trimmedAt = sequence;
      first = false;
      if (sequence > end) break;
      if (++records > maxRecords) {
        throw new DeadLetterReplayError(
          'MALFORMED',
          `${where}: more than maxRangeRecords (${maxRecords}) records in the range`,
        );
      }
      for (const user of deaggregate({
        partitionKey: record.PartitionKey ?? '',
        data: record.Data ?? new Uint8Array(),
      })) {
        const decoded = decodeTradeJson(user.data);
        if (decoded.ok) trades.push(decoded.trade);
        else undecodable++;
      }
      if (sequence === end) break;
    }
    if (reachedEnd(output, end)) return finish(trades, undecodable, where, trimmedAt);
    iterator = output.NextShardIterator;
    // An empty page while behind the tip is only a quiet stretch of the shard; at the tip, the
    // range's end was never written (or the shard's records before it are gone).
    if ((output.Records ?? []).length === 0 && !((output.MillisBehindLatest ?? 0) > 0)) break;
  }
  return {
    trades,
    problem: {
      reason: 'past-retention',
      error: new DeadLetterReplayError(
        'PAST_RETENTION',
        `${where}: the shard ends before the range does (${trades.length} trade(s) of it replayed)`,
      ),
    },
  };
}

function reachedEnd(output: GetRecordsCommandOutput, end: bigint): boolean {
  const last = output.Records?.at(-1)?.SequenceNumber;
  return last !== undefined && BigInt(last) >= end;
}

function finish(
  trades: Trade[],
  undecodable: number,
  where: string,
  trimmedAt: bigint | undefined,
): RangeRead {
  if (trimmedAt !== undefined) {
    return {
      trades,
      problem: {
        reason: 'past-retention',
        error: new DeadLetterReplayError(
          'PAST_RETENTION',
          `${where}: the range's first records are gone (the shard now starts at ${trimmedAt}); ${trades.length} trade(s) still there were replayed`,
        ),
      },
    };
  }
  if (undecodable === 0) return { trades };
  return {
    trades,
    problem: {
      reason: 'undecodable-records',
      error: new DeadLetterReplayError(
        'UNDECODABLE_RECORDS',
        `${where}: ${undecodable} record(s) are not trades and cannot be replayed`,
      ),
    },
  };
}

async function withRetries<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= FROM_KINESIS_DEFAULTS.maxRetries || !isTransientError(error)) throw error;
      const delay = fullJitterDelay(
        attempt,
        FROM_KINESIS_DEFAULTS.backoffBaseMs,
        FROM_KINESIS_DEFAULTS.backoffMaxMs,
        Math.random,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
