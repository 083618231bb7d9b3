import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Trade } from '@market-stream/core';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeFactory, tradeSequence } from '../../../../tests/helpers/factories.js';
import {
  KplAggregator,
  REPLAY_DEFAULTS,
  replayDeadLetters,
  sqsDeadLetter,
  toDynamo,
} from '../../src/index.js';
import {
  createStream,
  createTable,
  dynamoClient,
  type Emulator,
  kinesisClient,
  startDynalite,
  startKinesalite,
} from '../helpers/emulators.js';
import { type FaultPlan, type FaultProxy, startFaultProxy } from '../helpers/faultProxy.js';
import { putTrades } from '../helpers/kinesaliteStream.js';
import { deadLetterBody, onFailureBody } from '../helpers/replayMessages.js';
import { queueClient, type SqsQueue, startSqsQueue } from '../helpers/sqsQueue.js';
import { exactlyOnce, outOfOrderSymbols, paced } from '../helpers/tradeChecks.js';

async function readTable(client: DynamoDBDocumentClient, table: string, names: string[]) {
  const trades: Trade[] = [];
  for (const symbol of names) {
    const output = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': symbol },
      }),
    );
    for (const item of output.Items ?? []) {
      const { symbol: s, price, size, bid, ask, timestamp, seq } = item as Trade;
      trades.push({ symbol: s, price, size, bid, ask, timestamp, seq });
    }
  }
  return trades;
}

async function sequenceNumbers(client: KinesisClient, stream: string, shardId: string) {
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({
      StreamName: stream,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const { Records = [] } = await client.send(
    new GetRecordsCommand({ ShardIterator, Limit: 10_000 }),
  );
  return Records.map((record) => record.SequenceNumber!);
}

describe('replayDeadLetters()', () => {
  let dynalite: Emulator;
  let kinesalite: Emulator;
  let queue: SqsQueue;
  let sqs: SQSClient;
  let admin: DynamoDBDocumentClient;
  let kinesis: KinesisClient;

  beforeAll(async () => {
    [dynalite, kinesalite, queue] = await Promise.all([
      startDynalite(),
      startKinesalite(),
      startSqsQueue(),
    ]);
    admin = dynamoClient(dynalite.endpoint, 3);
    kinesis = kinesisClient(kinesalite.endpoint, 3);
    sqs = queueClient(queue);
  });

  afterAll(async () => {
    sqs.destroy();
    admin.destroy();
    kinesis.destroy();
    await Promise.all([dynalite.close(), kinesalite.close(), queue.close()]);
  });

  it('replays what toDynamo dead-lettered once the cause is fixed: every trade once; a malformed message stays', async () => {
    await createTable(admin, 'history');
    const queueUrl = queue.queueUrl('dlq');
    const names = ['AAPL', 'MSFT', 'TSLA'];
    const trades = tradeSequence(names, 40);
    const plan: FaultPlan = {
      recordRejectRate: 0,
      throttleRate: 0,
      serverErrorRate: 0,
      dropRate: 0,
      random: () => 0.5,
      // The poison: MSFT's items are refused on every attempt, as a misconfigured table would.
      poison: (item) => item.symbol === 'MSFT' && Number(item.seq) > 10,
    };
    const proxy: FaultProxy = await startFaultProxy(dynalite.endpoint, plan);
    const client = dynamoClient(proxy.endpoint);
    await lastValueFrom(
      paced(trades).pipe(
        toDynamo({
          client,
          tableName: 'history',
          maxAttempts: 2,
          backoffBaseMs: 1,
          backoffMaxMs: 5,
          onFailure: sqsDeadLetter<Trade>({ client: sqs, queueUrl }),
        }),
        toArray(),
      ),
    );
    expect(queue.messages('dlq')).toHaveLength(30);
    expect(exactlyOnce(trades, await readTable(admin, 'history', names)).missing).toHaveLength(30);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [{ Id: 'bad', MessageBody: '{"not":"a dead letter"' }],
      }),
    );

    plan.poison = undefined;
    const report = await replayDeadLetters({
      sqs,
      queueUrl,
      sinks: { dynamodb: { client, tableName: 'history' } },
      concurrency: 2,
      waitTimeSeconds: 0,
    });

    const stored = await readTable(admin, 'history', names);
    expect(exactlyOnce(trades, stored)).toEqual({ duplicates: [], missing: [], arrived: 120 });
    expect(outOfOrderSymbols(stored)).toEqual([]);
    expect(report.received).toBe(31);
    expect(report.deleted).toBe(30);
    expect(report.trades).toBe(30);
    expect(report.kept.map(({ reason, error }) => [reason, error.code])).toEqual([
      ['malformed', 'MALFORMED'],
    ]);
    expect(queue.messages('dlq').map((message) => message.body)).toEqual([
      '{"not":"a dead letter"',
    ]);
    client.destroy();
    await proxy.close();
  }, 60_000);

  it('re-reads an on-failure range from the stream and replays exactly its trades; a gone stream is kept as past retention', async () => {
    await createTable(admin, 'from-stream');
    await createStream(kinesis, 'trades', 1);
    const trades = tradeSequence(['AAPL'], 30);
    await putTrades(kinesis, 'trades', trades);
    const sequences = await sequenceNumbers(kinesis, 'trades', 'shardId-000000000000');
    const queueUrl = queue.queueUrl('on-failure');
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          {
            Id: 'range',
            MessageBody: onFailureBody(
              'trades',
              'shardId-000000000000',
              sequences[9]!,
              sequences[19]!,
              11,
            ),
          },
          {
            Id: 'gone',
            MessageBody: onFailureBody('deleted-stream', 'shardId-000000000000', '1', '2', 2),
          },
        ],
      }),
    );

    const report = await replayDeadLetters({
      sqs,
      queueUrl,
      kinesis,
      sinks: { dynamodb: { client: admin, tableName: 'from-stream' } },
      waitTimeSeconds: 0,
    });

    const stored = await readTable(admin, 'from-stream', ['AAPL']);
    expect(stored.map((trade) => trade.seq)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(report).toMatchObject({ received: 2, deleted: 1, trades: 11 });
    expect(report.kept.map(({ reason }) => reason)).toEqual(['past-retention']);
    expect(queue.messages('on-failure')).toHaveLength(1);
    expect(queue.messages('on-failure')[0]!.body).toContain('deleted-stream');
  }, 60_000);

  it('keeps what cannot be replayed yet: trades the sink refuses again, a letter without its record, a sink not given', async () => {
    await createTable(admin, 'still-broken');
    const queueUrl = queue.queueUrl('kept');
    const plan: FaultPlan = {
      recordRejectRate: 0,
      throttleRate: 0,
      serverErrorRate: 0,
      dropRate: 0,
      random: () => 0.5,
      poison: (item) => item.symbol === 'MSFT',
    };
    const proxy = await startFaultProxy(dynalite.endpoint, plan);
    const client = dynamoClient(proxy.endpoint);
    const [aapl, msft] = [
      tradeFactory({ symbol: 'AAPL', seq: 7 }),
      tradeFactory({ symbol: 'MSFT', seq: 8 }),
    ];
    const letter = (sink: string, record?: Trade) =>
      JSON.stringify({
        sink,
        reason: 'attempts-exhausted',
        attempts: 2,
        error: { name: 'RecordRejectedError', message: 'x' },
        failedAt: 0,
        ...(record ? { record } : {}),
      });
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'aapl', MessageBody: letter('dynamodb', aapl) },
          { Id: 'msft', MessageBody: letter('dynamodb', msft) },
          { Id: 'bare', MessageBody: letter('dynamodb') },
          { Id: 'kinesis', MessageBody: letter('kinesis', aapl) },
        ],
      }),
    );

    const report = await replayDeadLetters({
      sqs,
      queueUrl,
      sinks: {
        dynamodb: {
          client,
          tableName: 'still-broken',
          maxAttempts: 2,
          backoffBaseMs: 1,
          backoffMaxMs: 5,
        },
      },
      waitTimeSeconds: 0,
    });

    expect(await readTable(admin, 'still-broken', ['AAPL', 'MSFT'])).toEqual([aapl]);
    expect(report).toMatchObject({ received: 4, deleted: 1, trades: 1 });
    expect(report.kept.map(({ reason }) => reason).sort()).toEqual([
      'delivery-failed',
      'no-record',
      'no-sink',
    ]);
    expect(queue.messages('kept')).toHaveLength(3);
    expect(
      queue
        .messages('kept')
        .some((message) => message.body.includes('"AAPL"') && message.body.includes('"dynamodb"')),
    ).toBe(false);
    client.destroy();
    await proxy.close();
  }, 60_000);

  it('splits KPL aggregates of an on-failure range, and keeps ranges that start before or end after what the shard holds', async () => {
    await createTable(admin, 'aggregated');
    await createStream(kinesis, 'aggregated', 1);
    const trades = tradeSequence(['AAPL', 'MSFT'], 20);
    const entries = [];
    for (let at = 0; at < trades.length; at += 10) {
      const aggregator = new KplAggregator();
      for (const trade of trades.slice(at, at + 10)) {
        expect(
          aggregator.tryAdd({
            partitionKey: trade.symbol,
            data: new TextEncoder().encode(JSON.stringify(trade)),
          }),
        ).toBe(true);
      }
      const record = aggregator.build();
      entries.push({ PartitionKey: record.partitionKey, Data: record.data });
    }
    await kinesis.send(new PutRecordsCommand({ StreamName: 'aggregated', Records: entries }));
    const sequences = await sequenceNumbers(kinesis, 'aggregated', 'shardId-000000000000');
    expect(sequences).toHaveLength(4);
    const shard = 'shardId-000000000000';
    const queueUrl = queue.queueUrl('aggregated');
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          {
            Id: 'all',
            MessageBody: onFailureBody('aggregated', shard, sequences[0]!, sequences[3]!, 4),
          },
          {
            Id: 'before',
            MessageBody: onFailureBody(
              'aggregated',
              shard,
              String(BigInt(sequences[0]!) - 1n),
              sequences[1]!,
              2,
            ),
          },
          {
            Id: 'after',
            MessageBody: onFailureBody(
              'aggregated',
              shard,
              sequences[2]!,
              String(BigInt(sequences[3]!) + 1n),
              3,
            ),
          },
        ],
      }),
    );

    const report = await replayDeadLetters({
      sqs,
      queueUrl,
      kinesis,
      sinks: { dynamodb: { client: admin, tableName: 'aggregated' } },
      waitTimeSeconds: 0,
    });

    const stored = await readTable(admin, 'aggregated', ['AAPL', 'MSFT']);
    expect(exactlyOnce(trades, stored)).toEqual({ duplicates: [], missing: [], arrived: 40 });
    expect(report).toMatchObject({ received: 3, deleted: 1, trades: 40 });
    expect(report.kept.map(({ reason }) => reason)).toEqual(['past-retention', 'past-retention']);
    expect(queue.messages('aggregated')).toHaveLength(2);

    // A range that runs past the shard's end: what is there is replayed, and the message kept.
    await createTable(admin, 'partial');
    const partialUrl = queue.queueUrl('partial');
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: partialUrl,
        Entries: [{ Id: 'after', MessageBody: queue.messages('aggregated')[1]!.body }],
      }),
    );
    const partial = await replayDeadLetters({
      sqs,
      queueUrl: partialUrl,
      kinesis,
      sinks: { dynamodb: { client: admin, tableName: 'partial' } },
      waitTimeSeconds: 0,
    });
    const replayed = await readTable(admin, 'partial', ['AAPL', 'MSFT']);
    expect(exactlyOnce(trades.slice(20), replayed)).toEqual({
      duplicates: [],
      missing: [],
      arrived: 20,
    });
    expect(partial).toMatchObject({ received: 1, deleted: 0, trades: 20 });
    expect(partial.kept[0]?.error.code).toBe('PAST_RETENTION');
    expect(queue.messages('partial')).toHaveLength(1);
  }, 60_000);
  it('retries a throttled ReceiveMessage a bounded number of times, then fails the run rather than call the queue empty', async () => {
    // Arrange
    await createTable(admin, 'throttled');
    const queueUrl = queue.queueUrl('throttled');
    const trade = tradeFactory({ symbol: 'META', seq: 3 });
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [{ Id: 'letter', MessageBody: deadLetterBody(trade) }],
      }),
    );
    const options = {
      sqs,
      queueUrl,
      sinks: { dynamodb: { client: admin, tableName: 'throttled' } },
      waitTimeSeconds: 0,
      concurrency: 1,
    };

    // Act
    queue.throttleReceives(REPLAY_DEFAULTS.receiveAttempts);
    const failed = await replayDeadLetters(options).catch((error: unknown) => error);
    queue.throttleReceives(REPLAY_DEFAULTS.receiveAttempts - 1);
    const report = await replayDeadLetters(options);

    // Assert
    expect(failed).toMatchObject({ name: 'ThrottlingException' });
    expect(report).toMatchObject({ received: 1, deleted: 1, trades: 1, kept: [] });
    expect(await readTable(admin, 'throttled', ['META'])).toEqual([trade]);
    expect(queue.messages('throttled')).toEqual([]);
  }, 60_000);
});
