import type { Trade } from '@market-stream/core';
import type { DynamoDBRecord, KinesisStreamRecord, SQSRecord } from 'aws-lambda';
import { KplAggregator } from '../../src/index.js';

// Factories for Lambda events shaped like the ones AWS delivers (field for field, per the
// aws-lambda type definitions), so the decoders are tested against what they will meet.

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
let sequence = 49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898n;

function nextSequenceNumber(): string {
  sequence += 1_000_000n;
  return sequence.toString();
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** A Kinesis event record carrying `data` (bytes) under `partitionKey`. */
export function kinesisRecordFactory({
  data,
  partitionKey = 'AAPL',
  sequenceNumber = nextSequenceNumber(),
  streamName = 'trades',
}: {
  data: Uint8Array;
  partitionKey?: string;
  sequenceNumber?: string;
  streamName?: string;
}): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: Buffer.from(data).toString('base64'),
      approximateArrivalTimestamp: 1_700_000_000.123,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: `arn:aws:iam::${ACCOUNT}:role/processor`,
    awsRegion: REGION,
    eventSourceARN: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${streamName}`,
  };
}

/** A plain Kinesis record holding one trade's JSON, as `toKinesis` writes it. */
export function kinesisTradeRecordFactory(trade: Trade): KinesisStreamRecord {
  return kinesisRecordFactory({ data: json(trade), partitionKey: trade.symbol });
}

/** A Kinesis record holding a KPL aggregate of `payloads` (trades, or raw bytes). */
export function kinesisAggregateRecordFactory(
  payloads: ReadonlyArray<Trade | Uint8Array>,
): KinesisStreamRecord {
  const aggregator = new KplAggregator();
  for (const payload of payloads) {
    const isBytes = payload instanceof Uint8Array;
    aggregator.tryAdd({
      partitionKey: isBytes ? 'RAW' : payload.symbol,
      data: isBytes ? payload : json(payload),
    });
  }
  const built = aggregator.build();
  return kinesisRecordFactory({ data: built.data, partitionKey: built.partitionKey });
}

/** A Lambda Kinesis event. */
export function kinesisEventFactory(records: KinesisStreamRecord[]): {
  Records: KinesisStreamRecord[];
} {
  return { Records: records };
}

let messageCounter = 0;

/** An SQS event record with `body`, as a standard queue delivers it. */
export function sqsRecordFactory(body: string, queueName = 'trades'): SQSRecord {
  messageCounter++;
  return {
    messageId: `059f36b4-87a3-44ab-83d2-${String(messageCounter).padStart(12, '0')}`,
    receiptHandle: `AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a${messageCounter}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1700000000000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1700000000001',
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queueName}`,
    awsRegion: REGION,
  };
}

/** An SQS record holding one trade's JSON, as `toSqs` sends it. */
export function sqsTradeRecordFactory(trade: Trade): SQSRecord {
  return sqsRecordFactory(JSON.stringify(trade));
}

/** A Lambda SQS event. */
export function sqsEventFactory(records: SQSRecord[]): { Records: SQSRecord[] } {
  return { Records: records };
}

/** A trade as `toDynamo` stores it (pk, sk, the trade's fields, ttl), in DynamoDB JSON. */
export function dynamoTradeImageFactory(
  trade: Trade,
): NonNullable<DynamoDBRecord['dynamodb']>['NewImage'] {
  const sk = `${String(trade.timestamp).padStart(15, '0')}#${String(trade.seq).padStart(12, '0')}`;
  return {
    pk: { S: trade.symbol },
    sk: { S: sk },
    symbol: { S: trade.symbol },
    price: { N: String(trade.price) },
    size: { N: String(trade.size) },
    bid: { N: String(trade.bid) },
    ask: { N: String(trade.ask) },
    timestamp: { N: String(trade.timestamp) },
    seq: { N: String(trade.seq) },
    ttl: { N: String(Math.floor(trade.timestamp / 1000) + 7 * 86_400) },
  };
}

let dynamoSequence = 100_000_000_000_000_000_000n;

/** A DynamoDB Streams record (NEW_AND_OLD_IMAGES) for a history item. */
export function dynamoRecordFactory({
  eventName = 'INSERT',
  newImage,
  keys = { pk: { S: 'AAPL' }, sk: { S: '0' } },
}: {
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE';
  newImage?: NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];
  keys?: NonNullable<DynamoDBRecord['dynamodb']>['Keys'];
}): DynamoDBRecord {
  dynamoSequence += 1n;
  return {
    eventID: `c4ca4238a0b923820dcc509a6f75849${dynamoSequence % 10n}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: REGION,
    dynamodb: {
      ApproximateCreationDateTime: 1_700_000_000,
      Keys: keys,
      ...(newImage ? { NewImage: newImage } : {}),
      SequenceNumber: dynamoSequence.toString(),
      SizeBytes: 256,
      StreamViewType: newImage ? 'NEW_AND_OLD_IMAGES' : 'KEYS_ONLY',
    },
    eventSourceARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/history/stream/2026-11-21T00:00:00.000`,
  };
}

/** A DynamoDB Streams INSERT of a stored trade. */
export function dynamoTradeRecordFactory(
  trade: Trade,
  eventName: 'INSERT' | 'MODIFY' = 'INSERT',
): DynamoDBRecord {
  const newImage = dynamoTradeImageFactory(trade);
  return dynamoRecordFactory({
    eventName,
    newImage,
    keys: { pk: newImage!.pk!, sk: newImage!.sk! },
  });
}

/** A Lambda DynamoDB Streams event. */
export function dynamoEventFactory(records: DynamoDBRecord[]): { Records: DynamoDBRecord[] } {
  return { Records: records };
}

/** A Lambda context good enough for Powertools. */
export function lambdaContextFactory() {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'processor',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:processor`,
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/processor',
    logStreamName: '2026/11/21/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
