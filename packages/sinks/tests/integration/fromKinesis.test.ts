import {
  type KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { type Trade, tradeKey } from '@market-stream/core';
import { firstValueFrom, type Observable, take, timeout, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import {
  type FromKinesisOptions,
  fromKinesis,
  type InvalidKinesisRecord,
  type KinesisPositions,
  KplAggregator,
} from '../../src/index.js';
import {
  createActiveStream,
  type KinesaliteHarness,
  putTrades,
  startKinesalite,
  waitForActive,
} from '../helpers/kinesaliteStream.js';

const SYMBOLS = ['AAPL', 'MSFT', 'TSLA', 'AMZN', 'GOOG', 'META', 'NVDA', 'BRK.B', 'JPM', 'V'];
// Fast polling keeps the suite quick on an emulator with no per-shard rate limit.
const FAST = { pollIntervalMs: 10, maxIdlePollIntervalMs: 50 } as const;

let kinesis: KinesaliteHarness;
let streamCount = 0;

beforeAll(async () => {
  kinesis = await startKinesalite();
});

afterAll(async () => {
  await kinesis.close();
});

async function newStream(shardCount: number): Promise<string> {
  const streamName = `trades-${++streamCount}`;
  await createActiveStream(kinesis.client, streamName, shardCount);
  return streamName;
}

function read(options: Omit<FromKinesisOptions, 'client'>, count: number): Observable<Trade[]> {
  return fromKinesis({ client: kinesis.client, ...FAST, ...options }).pipe(
    take(count),
    toArray(),
    timeout(30_000),
  );
}

/** Each symbol's seqs in arrival order. */
function seqsBySymbol(trades: readonly Trade[]): Map<string, number[]> {
  const bySymbol = new Map<string, number[]>();
  for (const trade of trades) {
    const seqs = bySymbol.get(trade.symbol) ?? [];
    seqs.push(trade.seq);
    bySymbol.set(trade.symbol, seqs);
  }
  return bySymbol;
}

function expectEveryTradeOnceInOrder(received: readonly Trade[], sent: readonly Trade[]) {
  expect(new Set(received.map(tradeKey)).size).toBe(received.length);
  expect(new Set(received.map(tradeKey))).toEqual(new Set(sent.map(tradeKey)));
  const expected = seqsBySymbol(sent);
  for (const [symbol, seqs] of seqsBySymbol(received)) expect(seqs).toEqual(expected.get(symbol));
}

describe('fromKinesis() against kinesalite', () => {
  it('reads trades written with PutRecords across several shards, each symbol in order', async () => {
    const streamName = await newStream(4);
    const sent = tradeSequence(SYMBOLS, 300);
    await putTrades(kinesis.client, streamName, sent);

    const received = await firstValueFrom(read({ streamName, from: 'trim-horizon' }, sent.length));

    expectEveryTradeOnceInOrder(received, sent);
    const { Shards } = await kinesis.client.send(new ListShardsCommand({ StreamName: streamName }));
    expect(Shards).toHaveLength(4);
  });

  it('from latest, reads only what is written after it starts', async () => {
    const streamName = await newStream(2);
    await putTrades(kinesis.client, streamName, tradeSequence(['OLD', 'OLDER'], 50));
    const fresh = tradeSequence(['NEW', 'NEWER'], 50);
    let iterators = 0;
    const client = {
      send: async (command: { constructor: { name: string } }, options?: unknown) => {
        const output = await (kinesis.client.send as (c: unknown, o: unknown) => Promise<unknown>)(
          command,
          options,
        );
        if (command.constructor.name === 'GetShardIteratorCommand') iterators++;
        return output;
      },
    } as unknown as KinesisClient;

    const reading = firstValueFrom(
      fromKinesis({ client, streamName, from: 'latest', ...FAST }).pipe(
        take(fresh.length),
        toArray(),
        timeout(30_000),
      ),
    );
    // LATEST is "after the newest record when the iterator is taken": write once both are.
    for (let i = 0; i < 1_000 && iterators < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await putTrades(kinesis.client, streamName, fresh);
    const received = await reading;

    expect(iterators).toBe(2);
    expectEveryTradeOnceInOrder(received, fresh);
  });

  it('rejects bad options at once with a typed error', () => {
    const client = kinesis.client;
    const attempts: Array<() => unknown> = [
      () => fromKinesis({ client, streamName: '' }),
      () => fromKinesis({ client, streamName: 's', from: 'earliest' as never }),
      () => fromKinesis({ client, streamName: 's', from: { timestamp: Number.NaN } }),
      () => fromKinesis({ client, streamName: 's', from: { 'shardId-000000000000': 'abc' } }),
      () => fromKinesis({ client, streamName: 's', pollIntervalMs: 0 }),
      () => fromKinesis({ client, streamName: 's', recordsPerCall: 10_001 }),
    ];

    for (const attempt of attempts) {
      expect(attempt).toThrow(expect.objectContaining({ code: 'INVALID_READER_OPTIONS' }));
    }
  });

  it('resumes from the reported positions without duplicates or gaps', async () => {
    const streamName = await newStream(3);
    const first = tradeSequence(SYMBOLS, 100);
    await putTrades(kinesis.client, streamName, first);
    let positions: KinesisPositions = {};

    const firstRead = await firstValueFrom(
      read(
        {
          streamName,
          from: 'trim-horizon',
          onPositions: (latest) => {
            positions = latest;
          },
        },
        first.length,
      ),
    );
    const second = tradeSequence(SYMBOLS, 150).slice(first.length);
    await putTrades(kinesis.client, streamName, second);
    const resumed = await firstValueFrom(read({ streamName, from: positions }, second.length));

    expectEveryTradeOnceInOrder(firstRead, first);
    expect(Object.keys(positions).sort()).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
    ]);
    // Within a shard, re-read (duplicate) records would come before the new ones.
    expectEveryTradeOnceInOrder(resumed, second);
  });

  it('resumes exactly after the trade where a subscriber stopped part-way through a batch', async () => {
    const streamName = await newStream(1);
    const sent = tradeSequence(['AAPL'], 100);
    await putTrades(kinesis.client, streamName, sent);
    let positions: KinesisPositions = {};

    const head = await firstValueFrom(
      read(
        {
          streamName,
          from: 'trim-horizon',
          onPositions: (latest) => {
            positions = latest;
          },
        },
        37,
      ),
    );
    const rest = await firstValueFrom(read({ streamName, from: positions }, sent.length - 37));

    expect([...head, ...rest].map((trade) => trade.seq)).toEqual(sent.map((trade) => trade.seq));
  });

  it('deaggregates KPL aggregated records and reports undecodable ones without stopping', async () => {
    const streamName = await newStream(2);
    const sent = tradeSequence(SYMBOLS, 60);
    const encoder = new TextEncoder();
    const entries = SYMBOLS.map((symbol) => {
      const aggregator = new KplAggregator();
      for (const trade of sent.filter((t) => t.symbol === symbol)) {
        aggregator.tryAdd({ partitionKey: symbol, data: encoder.encode(JSON.stringify(trade)) });
      }
      const built = aggregator.build();
      return { PartitionKey: built.partitionKey, Data: built.data };
    });
    // Ahead of the aggregates of their shards, so they are read before the last trade arrives.
    entries.unshift(
      { PartitionKey: 'AAPL', Data: encoder.encode('not json') },
      { PartitionKey: 'MSFT', Data: encoder.encode('{"symbol":"MSFT","price":-1}') },
    );
    await kinesis.client.send(new PutRecordsCommand({ StreamName: streamName, Records: entries }));
    const invalid: InvalidKinesisRecord[] = [];

    const received = await firstValueFrom(
      read(
        { streamName, from: 'trim-horizon', onInvalid: (record) => invalid.push(record) },
        sent.length,
      ),
    );

    expectEveryTradeOnceInOrder(received, sent);
    expect(invalid.map((record) => [record.partitionKey, record.error.code]).sort()).toEqual([
      ['AAPL', 'UNDECODABLE_RECORD'],
      ['MSFT', 'INVALID_TRADE'],
    ]);
  });

  it('follows a split and then a merge while reading, children after their parents, in order', async () => {
    const streamName = await newStream(1);
    const batches = threeBatches();
    const sent = batches.flat();
    const received: Trade[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const subscription = fromKinesis({
        client: kinesis.client,
        streamName,
        from: 'trim-horizon',
        ...FAST,
      }).subscribe({
        next: (trade) => {
          received.push(trade);
          if (received.length === sent.length) {
            subscription.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
    });

    await writeWhileResharding(streamName, batches);
    await Promise.race([
      done,
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 30_000)),
    ]);

    expectEveryTradeOnceInOrder(received, sent);
  });

  it('reads a stream resharded before it starts: parents first, then children, in order', async () => {
    const streamName = await newStream(1);
    const batches = threeBatches();
    const sent = batches.flat();
    await writeWhileResharding(streamName, batches);

    const received = await firstValueFrom(read({ streamName, from: 'trim-horizon' }, sent.length));

    const { Shards } = await kinesis.client.send(new ListShardsCommand({ StreamName: streamName }));
    expect(
      Shards?.map((shard) => [shard.ShardId, shard.ParentShardId, shard.AdjacentParentShardId]),
    ).toEqual([
      ['shardId-000000000000', undefined, undefined],
      ['shardId-000000000001', 'shardId-000000000000', undefined],
      ['shardId-000000000002', 'shardId-000000000000', undefined],
      ['shardId-000000000003', 'shardId-000000000001', 'shardId-000000000002'],
    ]);
    expectEveryTradeOnceInOrder(received, sent);
  });
});

/** 300 trades per symbol in three consecutive batches of 100. */
function threeBatches(): Trade[][] {
  const all = tradeSequence(SYMBOLS, 300);
  const third = all.length / 3;
  return [all.slice(0, third), all.slice(third, 2 * third), all.slice(2 * third)];
}

/** Writes batch 0, splits shard 0 in two, writes batch 1, merges the two children, writes batch 2. */
async function writeWhileResharding(streamName: string, batches: Trade[][]): Promise<void> {
  await putTrades(kinesis.client, streamName, batches[0]!);
  await kinesis.client.send(
    new SplitShardCommand({
      StreamName: streamName,
      ShardToSplit: 'shardId-000000000000',
      NewStartingHashKey: (2n ** 127n).toString(),
    }),
  );
  await waitForActive(kinesis.client, streamName);
  await putTrades(kinesis.client, streamName, batches[1]!);
  await kinesis.client.send(
    new MergeShardsCommand({
      StreamName: streamName,
      ShardToMerge: 'shardId-000000000001',
      AdjacentShardToMerge: 'shardId-000000000002',
    }),
  );
  await waitForActive(kinesis.client, streamName);
  await putTrades(kinesis.client, streamName, batches[2]!);
}
