import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Trade } from '@market-stream/core';
import { from, lastValueFrom } from 'rxjs';
import { SinkDeliveryError } from '../errors.js';
import type { SinkFailure } from '../types.js';
import { type ToDynamoOptions, toDynamo } from './toDynamo.js';

/**
 * Options of {@link dynamoHistoryWriter}.
 *
 * @example
 * ```ts
 * import type { DynamoHistoryWriterOptions } from '@market-stream/sinks';
 *
 * const options: DynamoHistoryWriterOptions = { client, tableName: 'history' };
 * ```
 */
export interface DynamoHistoryWriterOptions extends Omit<ToDynamoOptions, 'onFailure'> {
  /** A DynamoDBDocumentClient. */
  client: DynamoDBDocumentClient;
  /** The history table. */
  tableName: string;
}

/**
 * Makes a function that writes one batch of trades to a history table with {@link toDynamo}
 * (its item design, idempotent on `symbol#seq`, so a retried batch overwrites rather than
 * duplicates). The promise resolves once every trade is stored and rejects with a
 * `SinkDeliveryError` naming the trades given up on, so a stream processor (the `history` of
 * `createStreamProcessor` in `@market-stream/fanout/lambda`) reports the batch for retry.
 *
 * @param options - `client`, `tableName`, and any other `toDynamo` option except
 * `onFailure`.
 * @returns The batch writer.
 * @throws SinkDeliveryError (the promise rejects) when any trade was not stored.
 *
 * @example
 * ```ts
 * import { dynamoHistoryWriter } from '@market-stream/sinks';
 * import { createStreamProcessor } from '@market-stream/fanout/lambda';
 *
 * export const handler = createStreamProcessor({
 *   store, transport,
 *   history: dynamoHistoryWriter({ client, tableName: process.env.HISTORY_TABLE! }),
 * });
 * ```
 */
export function dynamoHistoryWriter(
  options: DynamoHistoryWriterOptions,
): (trades: readonly Trade[]) => Promise<void> {
  return async (trades) => {
    const failures: SinkFailure<Trade>[] = [];
    await lastValueFrom(
      from(trades).pipe(
        toDynamo({
          ...options,
          onFailure: (failure: SinkFailure<Trade>) => {
            failures.push(failure);
          },
        }),
      ),
      { defaultValue: undefined },
    );
    if (failures.length > 0) throw new SinkDeliveryError(failures);
  };
}
