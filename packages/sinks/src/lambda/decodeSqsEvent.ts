import { decodeTradeJson } from '../kinesis/decodeTradeJson.js';
import type { DecodedTrades, SqsEventLike } from './eventTypes.js';

/**
 * Decodes a Lambda SQS event into trades: each message body is one trade's JSON (what `toSqs`
 * sends), checked with core's `validateTrade`. Never throws for bad messages; each failure
 * names the message id, ready for a partial batch response.
 *
 * @param event - The Lambda SQS event.
 * @returns Trades in message order, and failures.
 *
 * @example
 * ```ts
 * import type { SQSHandler } from 'aws-lambda';
 * import { decodeSqsEvent, toBatchResponse } from '@market-stream/sinks/lambda';
 *
 * export const handler: SQSHandler = async (event) => {
 *   const { trades, failures } = decodeSqsEvent(event);
 *   await store(trades);
 *   return toBatchResponse(failures); // bad messages go back, then to the queue's DLQ
 * };
 * ```
 */
export function decodeSqsEvent(event: SqsEventLike): DecodedTrades {
  const decoded: DecodedTrades = { trades: [], failures: [] };
  for (const record of event.Records ?? []) decodeSqsRecord(record, decoded);
  return decoded;
}

/**
 * Decodes one SQS message into `into`.
 * @internal
 */
export function decodeSqsRecord(
  record: SqsEventLike['Records'][number],
  into: DecodedTrades,
): void {
  const result = decodeTradeJson(typeof record.body === 'string' ? record.body : '');
  if (result.ok) into.trades.push(result.trade);
  else {
    into.failures.push({
      itemIdentifier: record.messageId,
      reason: result.error.message,
      error: result.error,
    });
  }
}
