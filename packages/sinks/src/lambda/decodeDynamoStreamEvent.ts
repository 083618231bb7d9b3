import { InvalidTradeError, validateTrade } from '@market-stream/core';
import { UndecodableRecordError } from '../errors.js';
import type { DecodedTrades, DynamoStreamEventLike } from './eventTypes.js';
import { unmarshallImage } from './unmarshallImage.js';

/**
 * Decodes a Lambda DynamoDB Streams event from a trade history table (`toDynamo`'s item
 * design) into trades: each INSERT or MODIFY record's `NewImage`, in DynamoDB JSON, is
 * unmarshalled and checked with core's `validateTrade` (key and `ttl` attributes are ignored).
 * REMOVE records — TTL expiry included — carry no new trade and are skipped. A record without
 * `NewImage` (a stream view type other than NEW_IMAGE or NEW_AND_OLD_IMAGES) or an item that is
 * not a trade (e.g. a bar) is a failure naming the record's stream `SequenceNumber`.
 *
 * @param event - The Lambda DynamoDB Streams event.
 * @returns Trades in stream order, and failures.
 *
 * @example
 * ```ts
 * import type { DynamoDBStreamHandler } from 'aws-lambda';
 * import { decodeDynamoStreamEvent } from '@market-stream/sinks/lambda';
 *
 * export const handler: DynamoDBStreamHandler = async (event) => {
 *   const { trades } = decodeDynamoStreamEvent(event);
 *   for (const trade of trades) console.log('stored', trade.symbol, trade.seq);
 * };
 * ```
 */
export function decodeDynamoStreamEvent(event: DynamoStreamEventLike): DecodedTrades {
  const decoded: DecodedTrades = { trades: [], failures: [] };
  for (const record of event.Records ?? []) decodeDynamoStreamRecord(record, decoded);
  return decoded;
}

/**
 * Decodes one DynamoDB stream record into `into`.
 * @internal
 */
export function decodeDynamoStreamRecord(
  record: DynamoStreamEventLike['Records'][number],
  into: DecodedTrades,
): void {
  if (record.eventName === 'REMOVE') return;
  const itemIdentifier = record.dynamodb?.SequenceNumber ?? record.eventID ?? '';
  const image = record.dynamodb?.NewImage;
  const fail = (error: UndecodableRecordError | InvalidTradeError) =>
    into.failures.push({ itemIdentifier, reason: error.message, error });
  if (!image) {
    fail(
      new UndecodableRecordError(
        'stream record has no NewImage: the stream view type must be NEW_IMAGE or NEW_AND_OLD_IMAGES',
      ),
    );
    return;
  }
  let item: Record<string, unknown>;
  try {
    item = unmarshallImage(image);
  } catch (cause) {
    fail(new UndecodableRecordError('NewImage is not valid DynamoDB JSON', { cause }));
    return;
  }
  const result = validateTrade(item);
  if (result.ok) into.trades.push(result.trade);
  else fail(new InvalidTradeError(result.issues));
}
