import { deaggregate } from '../kinesis/aggregation/deaggregate.js';
import { decodeTradeJson } from '../kinesis/decodeTradeJson.js';
import type { DecodedTrades, KinesisEventLike } from './eventTypes.js';

/**
 * Decodes a Lambda Kinesis event into trades: base64 data, KPL deaggregation (aggregated and
 * plain records alike), UTF-8 JSON, core's `validateTrade`. Never throws for bad records.
 *
 * A failure names the Kinesis sequence number of the *outer* record as `itemIdentifier` (and
 * the user record's `subSequenceNumber`): Lambda checkpoints per Kinesis record, so that is the
 * only identifier a partial batch response can name. Reporting it makes Lambda retry the whole
 * outer record — its good trades included, and every record after it in the shard — so only
 * report failures a retry can fix; a record that will never decode blocks its shard until
 * `MaximumRetryAttempts` (configure bisect-on-error and an on-failure destination), or log and
 * drop it instead.
 *
 * @param event - The Lambda Kinesis event.
 * @returns Trades in stream order, and failures.
 *
 * @example
 * ```ts
 * import type { KinesisStreamHandler } from 'aws-lambda';
 * import { decodeKinesisEvent } from '@market-stream/sinks/lambda';
 *
 * export const handler: KinesisStreamHandler = async (event) => {
 *   const { trades, failures } = decodeKinesisEvent(event);
 *   for (const failure of failures) console.warn('skipped', failure.itemIdentifier, failure.reason);
 *   await publish(trades);
 * };
 * ```
 */
export function decodeKinesisEvent(event: KinesisEventLike): DecodedTrades {
  const decoded: DecodedTrades = { trades: [], failures: [] };
  for (const record of event.Records ?? []) decodeKinesisRecord(record, decoded);
  return decoded;
}

/**
 * Decodes one Lambda Kinesis record into `into`.
 * @internal
 */
export function decodeKinesisRecord(
  record: KinesisEventLike['Records'][number],
  into: DecodedTrades,
): void {
  const { data, partitionKey, sequenceNumber } = record.kinesis;
  const users = deaggregate({
    partitionKey,
    sequenceNumber,
    data: Buffer.from(typeof data === 'string' ? data : '', 'base64'),
  });
  for (const user of users) {
    const result = decodeTradeJson(user.data);
    if (result.ok) into.trades.push(result.trade);
    else {
      into.failures.push({
        itemIdentifier: sequenceNumber,
        subSequenceNumber: user.subSequenceNumber,
        reason: result.error.message,
        error: result.error,
      });
    }
  }
}
