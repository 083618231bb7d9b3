/**
 * History-only stream processor (the container topology, where fan-out nodes read the stream
 * themselves): decodes the whole Kinesis batch (KPL aggregates included) and writes its trades
 * in one `toDynamo` pipeline (batched, idempotent on `symbol#seq`) to `HISTORY_TABLE`. Records
 * that are not trades are logged and skipped — they could never succeed and would hold up the
 * shard. If any trade cannot be stored, the batch is reported as failed from its first record,
 * so Lambda retries it (the rewrites are idempotent) and, after the retry limit, names it in the
 * on-failure queue.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LAMBDA_ENV } from '@market-stream/core';
import { dynamoHistoryWriter } from '@market-stream/sinks';
import { decodeKinesisEvent, type KinesisEventLike } from '@market-stream/sinks/lambda';

let write: ReturnType<typeof dynamoHistoryWriter> | undefined;

export async function handler(
  event: KinesisEventLike,
): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> {
  if (!write) {
    const tableName = process.env[LAMBDA_ENV.historyTable];
    if (!tableName) throw new Error(`${LAMBDA_ENV.historyTable} is not set`);
    write = dynamoHistoryWriter({
      client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
      tableName,
    });
  }
  const { trades, failures } = decodeKinesisEvent(event);
  for (const failure of failures) {
    console.warn(`skipped record ${failure.itemIdentifier}: ${failure.reason}`);
  }
  try {
    await write(trades);
    return { batchItemFailures: [] };
  } catch (error) {
    console.error('history write failed; the batch will be retried', error);
    const first = event.Records?.[0]?.kinesis.sequenceNumber;
    return { batchItemFailures: first ? [{ itemIdentifier: first }] : [] };
  }
}
