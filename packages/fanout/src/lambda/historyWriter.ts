import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Trade } from '@market-stream/core';
import { type SinkFailure, toDynamo } from '@market-stream/sinks';
import { from, lastValueFrom } from 'rxjs';

/**
 * A `history` function for {@link createStreamProcessor} that writes each batch to a history
 * table with `toDynamo` from `@market-stream/sinks` (its item design, idempotent on
 * `symbol#seq`, so a retried batch overwrites rather than duplicates). It resolves once every
 * trade is stored and rejects if any was given up on, so the processor reports the batch for
 * retry.
 *
 * @param options - `client`: a DynamoDBDocumentClient; `tableName`: the history table.
 * @returns The history function.
 *
 * @example
 * ```ts
 * import { createStreamProcessor, dynamoHistoryWriter } from '@market-stream/fanout/lambda';
 *
 * export const handler = createStreamProcessor({
 *   store, transport,
 *   history: dynamoHistoryWriter({ client, tableName: process.env.HISTORY_TABLE! }),
 * });
 * ```
 */
export function dynamoHistoryWriter(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): (trades: readonly Trade[]) => Promise<void> {
  return async (trades) => {
    const failures: SinkFailure<Trade>[] = [];
    await lastValueFrom(
      from(trades).pipe(
        toDynamo({
          client: options.client,
          tableName: options.tableName,
          onFailure: (failure: SinkFailure<Trade>) => {
            failures.push(failure);
          },
        }),
      ),
      { defaultValue: undefined },
    );
    if (failures.length > 0) {
      const lost = failures.reduce((sum, failure) => sum + failure.records.length, 0);
      throw new Error(`history: ${lost} trades not stored (${failures[0]?.reason})`, {
        cause: failures[0]?.error,
      });
    }
  };
}
