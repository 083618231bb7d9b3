/**
 * A Lambda partial batch response for SQS, Kinesis and DynamoDB Streams event sources with
 * `ReportBatchItemFailures` enabled.
 *
 * @example
 * ```ts
 * import type { BatchResponse } from '@market-stream/sinks/lambda';
 *
 * const allGood: BatchResponse = { batchItemFailures: [] };
 * ```
 */
export interface BatchResponse {
  /** The records Lambda should retry, by identifier. */
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/**
 * Builds a partial batch response from failures (a decoder's `failures`, or your own list),
 * naming each identifier once, in first-seen order. With a KPL aggregate, several user records
 * can fail under one Kinesis sequence number; Lambda needs it only once.
 *
 * For Kinesis and DynamoDB Streams, Lambda retries from the lowest sequence number reported,
 * so everything after it in the shard is processed again; for SQS, only the named messages
 * return to the queue.
 *
 * @param failures - Anything with an `itemIdentifier`.
 * @returns `{ batchItemFailures }`, empty when nothing failed.
 *
 * @example
 * ```ts
 * import { decodeSqsEvent, toBatchResponse } from '@market-stream/sinks/lambda';
 *
 * export const handler = async (event) => {
 *   const { trades, failures } = decodeSqsEvent(event);
 *   await store(trades);
 *   return toBatchResponse(failures);
 * };
 * ```
 */
export function toBatchResponse(failures: Iterable<{ itemIdentifier: string }>): BatchResponse {
  const seen = new Set<string>();
  const batchItemFailures: Array<{ itemIdentifier: string }> = [];
  for (const { itemIdentifier } of failures) {
    if (seen.has(itemIdentifier)) continue;
    seen.add(itemIdentifier);
    batchItemFailures.push({ itemIdentifier });
  }
  return { batchItemFailures };
}
