import {
  CreateStreamCommand,
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamConsumersCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  SplitShardCommand,
  SubscribeToShardCommand,
} from '@aws-sdk/client-kinesis';
import { type Trade, tradeKey } from '@market-stream/core';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { firstValueFrom, type Observable, Subject, take, takeUntil, timeout, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import {
  type FromKinesisOptions,
  fromKinesis,
  type InvalidKinesisRecord,
  type KinesisPositions,
} from '../../src/index.js';
import { type LocalKinesis, startLocalKinesis } from '../../src/local.js';
import { putTrades, waitForActive } from '../helpers/kinesaliteStream.js';

const SYMBOLS = ['AAPL', 'MSFT', 'TSLA', 'AMZN', 'GOOG', 'META', 'NVDA', 'BRK.B', 'JPM', 'V'];
const QUICK = { backoffBaseMs: 20, backoffMaxMs: 200 } as const;

let kinesis: LocalKinesis;
/** The SDK v3 client as a user makes it: its default HTTP/2 handler. */
let client: KinesisClient;
let streamCount = 0;

beforeAll(async () => {
  kinesis = await startLocalKinesis({ consumerActivationMs: 150, consumerDeletionMs: 50 });
  client = new KinesisClient({
    endpoint: kinesis.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
});

afterAll(async () => {
  client.destroy();
  await kinesis.close();
});

async function newStream(shardCount: number): Promise<{ streamName: string; streamArn: string }> {
  const streamName = `push-${++streamCount}`;
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  await waitForActive(client, streamName);
  const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  return { streamName, streamArn: summary.StreamDescriptionSummary!.StreamARN! };
}

function read(options: Omit<FromKinesisOptions, 'client'>, count: number): Observable<Trade[]> {
  return fromKinesis({ client, ...QUICK, ...options }).pipe(
    take(count),
    toArray(),
    timeout(30_000),
  );
}

function expectEveryTradeOnceInOrder(received: readonly Trade[], sent: readonly Trade[]) {
  expect(new Set(received.map(tradeKey)).size).toBe(received.length);
  expect(new Set(received.map(tradeKey))).toEqual(new Set(sent.map(tradeKey)));
  for (const symbol of SYMBOLS) {
    const got = received.filter((t) => t.symbol === symbol).map((t) => t.seq);
    expect(got).toEqual(sent.filter((t) => t.symbol === symbol).map((t) => t.seq));
  }
}

const until = async (check: () => boolean | Promise<boolean>, what: string) => {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** Registers a stream consumer and waits (bounded) until it is ACTIVE. */
async function registerActive(streamArn: string, name: string) {
  const { Consumer } = await client.send(
    new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: name }),
  );
  await until(
    async () =>
      (await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN })))
        .ConsumerDescription?.ConsumerStatus === 'ACTIVE',
    `consumer ${name} to be ACTIVE`,
  );
  return Consumer;
}

describe('startLocalKinesis()', () => {
  it('pushes a write to an open subscription through the SDK v3 client, with the continuation', async () => {
    const { streamName, streamArn } = await newStream(1);
    const { Consumer } = await client.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'raw' }),
    );
    expect(Consumer?.ConsumerStatus).toBe('CREATING');
    await until(
      async () =>
        (
          await client.send(
            new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }),
          )
        ).ConsumerDescription?.ConsumerStatus === 'ACTIVE',
      'the consumer to be ACTIVE',
    );
    const subscription = await client.send(
      new SubscribeToShardCommand({
        ConsumerARN: Consumer!.ConsumerARN,
        ShardId: 'shardId-000000000000',
        StartingPosition: { Type: 'LATEST' },
      }),
    );
    const [trade] = tradeSequence(['AAPL'], 1);
    await putTrades(client, streamName, [trade!]);

    for await (const event of subscription.EventStream!) {
      const records = event.SubscribeToShardEvent?.Records ?? [];
      if (records.length === 0) continue;
      expect(JSON.parse(new TextDecoder().decode(records[0]!.Data))).toEqual(trade);
      expect(event.SubscribeToShardEvent?.ContinuationSequenceNumber).toBe(
        records[0]!.SequenceNumber,
      );
      break;
    }
  });

  it('refuses a second subscription within a second (LimitExceeded) and within 5 s (ResourceInUse)', async () => {
    const { streamArn } = await newStream(1);
    const Consumer = await registerActive(streamArn, 'rules');
    // No SDK retries: the first refusal is the answer under test.
    const once = new KinesisClient({
      endpoint: kinesis.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const subscribe = () =>
      once.send(
        new SubscribeToShardCommand({
          ConsumerARN: Consumer!.ConsumerARN,
          ShardId: 'shardId-000000000000',
          StartingPosition: { Type: 'LATEST' },
        }),
      );
    await subscribe();
    await expect(subscribe()).rejects.toMatchObject({ name: 'LimitExceededException' });
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    await expect(subscribe()).rejects.toMatchObject({ name: 'ResourceInUseException' });
    kinesis.faults.endSubscriptions();
    once.destroy();
  });

  it('forwards everything else to kinesalite, over HTTP/1.1 too', async () => {
    const { streamName } = await newStream(2);
    const http1 = new KinesisClient({
      endpoint: kinesis.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      requestHandler: new NodeHttpHandler(),
    });
    const { Shards } = await http1.send(new ListShardsCommand({ StreamName: streamName }));
    http1.destroy();
    expect(Shards?.map((shard) => shard.ShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
    ]);
  });
});

describe('fromKinesis({ consumer }) — push through enhanced fan-out', () => {
  it('reads every trade once, in order, across three forced renewals and a reshard', async () => {
    const { streamName } = await newStream(2);
    const sent = tradeSequence(SYMBOLS, 200);
    const quarter = sent.length / 4;
    const received: Trade[] = [];
    const done = new Subject<void>();
    const subscription = fromKinesis({
      client,
      streamName,
      from: 'trim-horizon',
      consumer: { name: 'renewals' },
      ...QUICK,
    })
      .pipe(takeUntil(done))
      .subscribe((trade) => received.push(trade));

    for (let batch = 0; batch < 4; batch++) {
      await putTrades(client, streamName, sent.slice(batch * quarter, (batch + 1) * quarter));
      await until(() => received.length >= (batch + 1) * quarter, `batch ${batch}`);
      if (batch < 3) expect(kinesis.faults.endSubscriptions()).toBeGreaterThan(0);
      if (batch === 1) {
        await client.send(
          new SplitShardCommand({
            StreamName: streamName,
            ShardToSplit: 'shardId-000000000000',
            NewStartingHashKey: (2n ** 126n).toString(),
          }),
        );
        await waitForActive(client, streamName);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    done.next();
    subscription.unsubscribe();

    expectEveryTradeOnceInOrder(received, sent);
  });

  it('carries on after a subscription ends with an error and after its consumer is deleted', async () => {
    const { streamName, streamArn } = await newStream(1);
    const sent = tradeSequence(SYMBOLS, 90);
    const third = sent.length / 3;
    const received: Trade[] = [];
    const subscription = fromKinesis({
      client,
      streamName,
      from: 'trim-horizon',
      consumer: { name: 'faults' },
      ...QUICK,
    }).subscribe((trade) => received.push(trade));

    await putTrades(client, streamName, sent.slice(0, third));
    await until(() => received.length >= third, 'the first third');
    kinesis.faults.endSubscriptions({ error: 'InternalFailureException' });
    await putTrades(client, streamName, sent.slice(third, 2 * third));
    await until(() => received.length >= 2 * third, 'the second third');
    const { Consumers } = await client.send(
      new ListStreamConsumersCommand({ StreamARN: streamArn }),
    );
    kinesis.faults.deleteConsumer(Consumers![0]!.ConsumerARN!);
    await putTrades(client, streamName, sent.slice(2 * third));
    await until(() => received.length >= sent.length, 'the last third');
    subscription.unsubscribe();

    expectEveryTradeOnceInOrder(received, sent);
  });

  it('resumes after the positions it reported, like the polling reader', async () => {
    const { streamName } = await newStream(2);
    const sent = tradeSequence(SYMBOLS, 40);
    const half = sent.length / 2;
    await putTrades(client, streamName, sent.slice(0, half));
    let positions: KinesisPositions = {};
    const first = await firstValueFrom(
      read(
        {
          streamName,
          from: 'trim-horizon',
          consumer: { name: 'resume' },
          onPositions: (p) => {
            positions = p;
          },
        },
        half,
      ),
    );
    await putTrades(client, streamName, sent.slice(half));

    const second = await firstValueFrom(
      read({ streamName, from: positions, consumer: { name: 'resume' } }, half),
    );

    expectEveryTradeOnceInOrder([...first, ...second], sent);
  });

  it('hands a record that is not a trade to onInvalid and reads on', async () => {
    const { streamName } = await newStream(1);
    const invalid: InvalidKinesisRecord[] = [];
    const [trade] = tradeSequence(['AAPL'], 1);
    await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: [
          { PartitionKey: 'AAPL', Data: new TextEncoder().encode('not json') },
          { PartitionKey: 'AAPL', Data: new TextEncoder().encode(JSON.stringify(trade)) },
        ],
      }),
    );

    const received = await firstValueFrom(
      read(
        {
          streamName,
          from: 'trim-horizon',
          consumer: { name: 'invalid' },
          onInvalid: (r) => invalid.push(r),
        },
        1,
      ),
    );

    expect(received).toEqual([trade]);
    expect(invalid.map((record) => record.error.name)).toEqual(['UndecodableRecordError']);
  });

  it('reuses an existing consumer and deregisters only the one it registered', async () => {
    const { streamName, streamArn } = await newStream(1);
    await client.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'kept' }),
    );
    await putTrades(client, streamName, tradeSequence(['AAPL'], 2));

    await firstValueFrom(
      read({ streamName, from: 'trim-horizon', consumer: { name: 'kept', deregister: true } }, 1),
    );
    await firstValueFrom(
      read({ streamName, from: 'trim-horizon', consumer: { name: 'owned', deregister: true } }, 1),
    );

    const names = async () =>
      (
        (await client.send(new ListStreamConsumersCommand({ StreamARN: streamArn }))).Consumers ??
        []
      ).map((consumer) => consumer.ConsumerName);
    await until(async () => !(await names()).includes('owned'), 'the owned consumer to go');
    expect(await names()).toEqual(['kept']);
  });

  it('waits out a consumer that is DELETING, registers it again and reads', async () => {
    const { streamName, streamArn } = await newStream(1);
    const Consumer = await registerActive(streamArn, 'reborn');
    await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }));
    const sent = tradeSequence(['AAPL'], 3);
    await putTrades(client, streamName, sent);

    const received = await firstValueFrom(
      read({ streamName, from: 'trim-horizon', consumer: { name: 'reborn' } }, sent.length),
    );

    expect(received).toEqual(sent);
    const { Consumers } = await client.send(
      new ListStreamConsumersCommand({ StreamARN: streamArn }),
    );
    // The deregistered one is gone (50 ms here); the one the reader registered is ACTIVE.
    expect(Consumers?.map((c) => [c.ConsumerName, c.ConsumerStatus])).toEqual([
      ['reborn', 'ACTIVE'],
    ]);
  });

  it('fails with a KinesisReadError when its consumer stays CREATING past activationTimeoutMs', async () => {
    const slow = await startLocalKinesis({ consumerActivationMs: 60_000 });
    const slowClient = new KinesisClient({
      endpoint: slow.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    try {
      await slowClient.send(new CreateStreamCommand({ StreamName: 'stuck', ShardCount: 1 }));
      await waitForActive(slowClient, 'stuck');

      const reading = firstValueFrom(
        fromKinesis({
          client: slowClient,
          streamName: 'stuck',
          consumer: { name: 'stuck', activationTimeoutMs: 300 },
          ...QUICK,
        }),
      );

      await expect(reading).rejects.toMatchObject({
        name: 'KinesisReadError',
        code: 'KINESIS_READ_FAILED',
        message: expect.stringContaining('CREATING'),
      });
    } finally {
      slowClient.destroy();
      await slow.close();
    }
  });
});
