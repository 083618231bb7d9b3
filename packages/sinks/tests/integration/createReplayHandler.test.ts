import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Trade } from '@market-stream/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import { DeadLetterReplayError, queryTrades } from '../../src/index.js';
import { createReplayHandler } from '../../src/lambda.js';
import {
  createStream,
  createTable,
  dynamoClient,
  type Emulator,
  kinesisClient,
  startDynalite,
  startKinesalite,
} from '../helpers/emulators.js';
import { putTrades } from '../helpers/kinesaliteStream.js';
import { deadLetterBody, onFailureBody } from '../helpers/replayMessages.js';
import { queueClient, type SqsQueue, startSqsQueue } from '../helpers/sqsQueue.js';

/** A Lambda context with plenty of time left. */
const roomy = { getRemainingTimeInMillis: () => 600_000 };

describe('createReplayHandler()', () => {
  let dynalite: Emulator;
  let kinesalite: Emulator;
  let queue: SqsQueue;
  let sqs: SQSClient;
  let dynamodb: DynamoDBDocumentClient;
  let kinesis: KinesisClient;

  beforeAll(async () => {
    [dynalite, kinesalite, queue] = await Promise.all([
      startDynalite(),
      startKinesalite(),
      startSqsQueue(),
    ]);
    dynamodb = dynamoClient(dynalite.endpoint, 3);
    kinesis = kinesisClient(kinesalite.endpoint, 3);
    sqs = queueClient(queue);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    sqs.destroy();
    dynamodb.destroy();
    kinesis.destroy();
    await Promise.all([dynalite.close(), kinesalite.close(), queue.close()]);
  });

  async function enqueue(queueUrl: string, bodies: string[]) {
    for (let at = 0; at < bodies.length; at += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: bodies
            .slice(at, at + 10)
            .map((body, index) => ({ Id: String(at + index), MessageBody: body })),
        }),
      );
    }
  }

  async function stored(table: string, symbols: string[]): Promise<Trade[]> {
    const all = await Promise.all(
      symbols.map((symbol) => queryTrades({ client: dynamodb, tableName: table, symbol })),
    );
    return all.flat();
  }

  function handlerFor(queueUrl: string, table: string, extra = {}) {
    return createReplayHandler({
      queueUrl,
      historyTable: table,
      streamName: 'replay-handler-trades',
      sqs,
      kinesis,
      dynamodb,
      replay: { waitTimeSeconds: 0, concurrency: 1 },
      ...extra,
    });
  }

  it('replays dead letters and an on-failure range into the history, returns the report and logs its metrics', async () => {
    // Arrange
    await createTable(dynamodb, 'handler-history');
    await createStream(kinesis, 'replay-handler-trades', 1);
    const fromStream = tradeSequence(['AAPL'], 12);
    await putTrades(kinesis, 'replay-handler-trades', fromStream);
    const { ShardIterator } = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: 'replay-handler-trades',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const { Records = [] } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    const sequences = Records.map((record) => record.SequenceNumber!);
    const letters = tradeSequence(['MSFT'], 5);
    const queueUrl = queue.queueUrl('handler-dlq');
    await enqueue(queueUrl, [
      ...letters.map((trade) => deadLetterBody(trade)),
      onFailureBody(
        'replay-handler-trades',
        'shardId-000000000000',
        sequences[0]!,
        sequences[11]!,
        12,
      ),
      'not a dead letter',
    ]);
    const logged: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => logged.push(line));
    const handler = handlerFor(queueUrl, 'handler-history', { metricNamespace: 'Test/Replay' });

    // Act
    const result = await handler({}, roomy);

    // Assert
    expect(result).toMatchObject({
      received: 7,
      deleted: 6,
      trades: 17,
      stopped: false,
      dryRun: false,
    });
    expect(result.kept).toEqual([
      {
        messageId: expect.any(String),
        reason: 'malformed',
        code: 'MALFORMED',
        message: expect.any(String),
      },
    ]);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    const history = await stored('handler-history', ['AAPL', 'MSFT']);
    expect(history).toHaveLength(17);
    expect(queue.messages('handler-dlq').map((message) => message.body)).toEqual([
      'not a dead letter',
    ]);
    const metrics = logged.map((line) => JSON.parse(line)).find((entry) => entry._aws);
    expect(metrics).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'Test/Replay', Dimensions: [['FunctionName']] }] },
      Received: 7,
      Deleted: 6,
      Kept: 1,
      Trades: 17,
    });
  }, 60_000);

  it('stops receiving once the time left falls under the margin: the rest stays in the queue for the next invocation', async () => {
    // Arrange
    await createTable(dynamodb, 'handler-timed');
    const trades = tradeSequence(['TSLA'], 25);
    const queueUrl = queue.queueUrl('handler-timed');
    await enqueue(
      queueUrl,
      trades.map((trade) => deadLetterBody(trade)),
    );
    let asked = 0;
    // Plenty of time for the first receive, then under the 5 s margin.
    const hurried = { getRemainingTimeInMillis: () => (asked++ === 0 ? 60_000 : 1_000) };
    const handler = handlerFor(queueUrl, 'handler-timed', { stopMarginMs: 5_000 });

    // Act
    const first = await handler(undefined, hurried);
    const second = await handler(undefined, roomy);

    // Assert
    expect(first).toMatchObject({ received: 10, deleted: 10, stopped: true, kept: [] });
    expect(second).toMatchObject({ received: 15, deleted: 15, stopped: false, kept: [] });
    const seqs = (await stored('handler-timed', ['TSLA'])).map((trade) => trade.seq);
    expect(seqs.sort((a, b) => a - b)).toEqual(trades.map((trade) => trade.seq));
    expect(queue.messages('handler-timed')).toEqual([]);
  }, 60_000);

  it('a dry run delivers and deletes nothing and leaves every message receivable; maxMessages narrows the run', async () => {
    // Arrange
    await createTable(dynamodb, 'handler-dry');
    const trades = tradeSequence(['NVDA'], 12);
    const queueUrl = queue.queueUrl('handler-dry');
    await enqueue(queueUrl, [...trades.map((trade) => deadLetterBody(trade)), 'junk']);
    const handler = handlerFor(queueUrl, 'handler-dry');

    // Act
    const dry = await handler({ dryRun: true }, roomy);
    const narrowed = await handler({ maxMessages: 5 }, roomy);

    // Assert
    expect(dry).toMatchObject({ received: 13, deleted: 0, trades: 12, dryRun: true });
    expect(dry.kept.map(({ reason }) => reason)).toEqual(['malformed']);
    expect(narrowed).toMatchObject({ received: 5, deleted: 5, trades: 5, dryRun: false });
    expect(await stored('handler-dry', ['NVDA'])).toHaveLength(5);
    expect(queue.messages('handler-dry')).toHaveLength(8);
  }, 60_000);

  it('rejects an event that asks for something odd, and a handler with nowhere to replay to', async () => {
    const handler = handlerFor(queue.queueUrl('handler-odd'), 'handler-odd');

    await expect(handler({ maxMessages: 0 }, roomy)).rejects.toBeInstanceOf(DeadLetterReplayError);
    await expect(handler({ dryRun: 'yes' as unknown as boolean }, roomy)).rejects.toThrow(/dryRun/);
    expect(() => createReplayHandler({ queueUrl: 'https://sqs/queue', sqs })).toThrow(
      DeadLetterReplayError,
    );
  });
});
