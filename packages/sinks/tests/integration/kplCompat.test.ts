import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { type Trade, tradeKey } from '@market-stream/core';
import { firstValueFrom, from, lastValueFrom, take, timeout, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import { fromKinesis, toKinesis } from '../../src/index.js';
import { decodeKinesisEvent } from '../../src/lambda.js';
import { awsKinesisAgg, referenceDeaggregate } from '../helpers/awsKinesisAgg.js';
import {
  createActiveStream,
  type KinesaliteHarness,
  startKinesalite,
} from '../helpers/kinesaliteStream.js';
import { kinesisEventFactory, kinesisRecordFactory } from '../helpers/lambdaEvents.js';

const SYMBOLS = ['AAPL', 'MSFT', 'TSLA', 'NVDA', 'BRK.B'];

let kinesis: KinesaliteHarness;

beforeAll(async () => {
  kinesis = await startKinesalite();
});

afterAll(async () => {
  await kinesis.close();
});

/** Every record of a one-shard stream, oldest first, as GetRecords returns it. */
async function readRawShard(streamName: string) {
  const { ShardIterator } = await kinesis.client.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const { Records } = await kinesis.client.send(new GetRecordsCommand({ ShardIterator }));
  return Records ?? [];
}

function expectInOrderOnce(received: readonly Trade[], sent: readonly Trade[]) {
  expect(received.map(tradeKey).sort()).toEqual(sent.map(tradeKey).sort());
  for (const symbol of SYMBOLS) {
    const seqs = received.filter((t) => t.symbol === symbol).map((t) => t.seq);
    expect(seqs).toEqual(sent.filter((t) => t.symbol === symbol).map((t) => t.seq));
  }
}

describe('KPL compatibility through a real stream (kinesalite)', () => {
  it('aws-kinesis-agg deaggregates what toKinesis({ aggregate: true }) wrote', async () => {
    const streamName = 'kpl-ours';
    await createActiveStream(kinesis.client, streamName, 1);
    const sent = tradeSequence(SYMBOLS, 400);

    await lastValueFrom(
      from(sent).pipe(
        toKinesis({ client: kinesis.client, streamName, aggregate: true }),
        toArray(),
      ),
    );
    const records = await readRawShard(streamName);
    const trades = records.flatMap((record) =>
      referenceDeaggregate({
        partitionKey: record.PartitionKey!,
        data: record.Data!,
        sequenceNumber: record.SequenceNumber!,
      }).map((user) => JSON.parse(Buffer.from(user.data, 'base64').toString('utf8')) as Trade),
    );

    expect(records.length).toBeLessThan(sent.length / 10);
    expectInOrderOnce(trades, sent);
  });

  it('decodeKinesisEvent decodes a Lambda event carrying the aggregates toKinesis wrote', async () => {
    const streamName = 'kpl-lambda';
    await createActiveStream(kinesis.client, streamName, 1);
    const sent = tradeSequence(SYMBOLS, 200);
    await lastValueFrom(
      from(sent).pipe(
        toKinesis({ client: kinesis.client, streamName, aggregate: true }),
        toArray(),
      ),
    );
    const records = await readRawShard(streamName);

    const { trades, failures } = decodeKinesisEvent(
      kinesisEventFactory(
        records.map((record) =>
          kinesisRecordFactory({
            data: record.Data!,
            partitionKey: record.PartitionKey!,
            sequenceNumber: record.SequenceNumber!,
            streamName,
          }),
        ),
      ),
    );

    expect(failures).toEqual([]);
    expectInOrderOnce(trades, sent);
  });

  it('fromKinesis reads records aggregated by aws-kinesis-agg', async () => {
    const streamName = 'kpl-theirs';
    await createActiveStream(kinesis.client, streamName, 2);
    const sent = tradeSequence(SYMBOLS, 200);
    const entries = SYMBOLS.map((symbol) => {
      const aggregator = new awsKinesisAgg.RecordAggregator();
      for (const trade of sent.filter((t) => t.symbol === symbol)) {
        aggregator.addUserRecord({
          partitionKey: symbol,
          data: Buffer.from(JSON.stringify(trade)),
        });
      }
      const built = aggregator.build()!;
      return { PartitionKey: built.partitionKey, Data: built.data };
    });
    await kinesis.client.send(new PutRecordsCommand({ StreamName: streamName, Records: entries }));

    const received = await firstValueFrom(
      fromKinesis({
        client: kinesis.client,
        streamName,
        from: 'trim-horizon',
        pollIntervalMs: 10,
      }).pipe(take(sent.length), toArray(), timeout(30_000)),
    );

    expectInOrderOnce(received, sent);
  });
});
