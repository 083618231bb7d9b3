import { type Trade, validateTrade } from '@market-stream/core';
import { deaggregate } from '@market-stream/sinks';
import type { KinesisEventLike } from './kinesisEvent.js';

/**
 * What the stream processor needs from a decoder: the valid trades of a Kinesis batch, and
 * the sequence numbers of records that could not be decoded.
 *
 * @example
 * ```ts
 * import type { DecodedBatch } from '@market-stream/fanout/lambda';
 *
 * const empty: DecodedBatch = { trades: [], failures: [] };
 * ```
 */
export interface DecodedBatch {
  /** Valid trades, in record order. */
  trades: Trade[];
  /** Records to report in `batchItemFailures` (their sequence numbers). */
  failures: Array<{ itemIdentifier: string; reason: string }>;
}

/**
 * Decodes a Kinesis batch of JSON trades (one Trade or an array per record, KPL-aggregated
 * or not): base64 → deaggregate (`@market-stream/sinks`) → JSON → `validateTrade`. A record
 * that is not JSON is a failure; invalid trades inside a decodable record are dropped (a
 * retry could never fix them).
 *
 * @param event - The Lambda Kinesis event.
 * @returns The trades and the records that failed.
 *
 * @example
 * ```ts
 * import { decodeTrades } from '@market-stream/fanout/lambda';
 *
 * const { trades, failures } = decodeTrades(event);
 * ```
 */
export function decodeTrades(event: KinesisEventLike): DecodedBatch {
  const batch: DecodedBatch = { trades: [], failures: [] };
  for (const record of event.Records ?? []) {
    const { data, partitionKey, sequenceNumber, explicitHashKey } = record.kinesis;
    try {
      const bytes = Buffer.from(data, 'base64');
      const users = deaggregate({
        data: bytes,
        partitionKey,
        sequenceNumber,
        ...(explicitHashKey ? { explicitHashKey } : {}),
      });
      for (const user of users) {
        const value: unknown = JSON.parse(Buffer.from(user.data).toString('utf8'));
        for (const candidate of Array.isArray(value) ? value : [value]) {
          const result = validateTrade(candidate);
          if (result.ok) batch.trades.push(result.trade);
        }
      }
    } catch (error) {
      batch.failures.push({
        itemIdentifier: sequenceNumber,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return batch;
}
