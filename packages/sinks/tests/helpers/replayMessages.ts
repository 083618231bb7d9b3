import type { Trade } from '@market-stream/core';

/** A dead letter as `sqsDeadLetter` writes it for a trade a sink gave up on. */
export function deadLetterBody(trade: Trade, sink: 'dynamodb' | 'kinesis' = 'dynamodb'): string {
  return JSON.stringify({
    sink,
    reason: 'attempts-exhausted',
    attempts: 8,
    error: { name: 'RecordRejectedError', message: 'throttled' },
    failedAt: 0,
    record: trade,
  });
}

/** The on-failure record a Lambda Kinesis event source sends for a batch it gave up on. */
export function onFailureBody(
  stream: string,
  shardId: string,
  start: string,
  end: string,
  size: number,
): string {
  return JSON.stringify({
    requestContext: {
      requestId: 'c9b8fa9f-5a7f-4a26-8292-db43ed81693a',
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:processor',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: '2026-12-01T00:00:00.000Z',
    KinesisBatchInfo: {
      shardId,
      startSequenceNumber: start,
      endSequenceNumber: end,
      approximateArrivalOfFirstRecord: '2026-12-01T00:00:00.000Z',
      approximateArrivalOfLastRecord: '2026-12-01T00:00:00.100Z',
      batchSize: size,
      streamArn: `arn:aws:kinesis:us-east-1:123456789012:stream/${stream}`,
    },
  });
}
