/**
 * History-only stream processor (the container topology, where fan-out nodes read the stream
 * themselves): decodes each Kinesis record and writes its trades with the sinks' `toDynamo`
 * (idempotent on `symbol#seq`) to `HISTORY_TABLE`; a record whose trades cannot be stored is
 * reported in `batchItemFailures`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoHistoryWriter } from '@market-stream/fanout/lambda';
import { type KinesisEventLike, processTrades } from '@market-stream/sinks/lambda';

let write: ReturnType<typeof dynamoHistoryWriter> | undefined;

export function handler(event: KinesisEventLike, context: unknown) {
  if (!write) {
    const tableName = process.env.HISTORY_TABLE;
    if (!tableName) throw new Error('HISTORY_TABLE is not set');
    write = dynamoHistoryWriter({
      client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
      tableName,
    });
  }
  const writeTrades = write;
  return processTrades(event, context, (trades) => writeTrades(trades), {
    eventType: 'KinesisDataStreams',
  });
}
