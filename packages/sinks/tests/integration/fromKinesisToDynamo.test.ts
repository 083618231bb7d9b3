import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type Trade, tradeKey } from '@market-stream/core';
import { firstValueFrom, share, take, tap, timeout, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import {
  BufferOverflowError,
  type FromKinesisOptions,
  fromKinesis,
  type ToDynamoOptions,
  toDynamo,
} from '../../src/index.js';
import { createTable, dynamoClient, type Emulator, startDynalite } from '../helpers/emulators.js';
import {
  createActiveStream,
  type KinesaliteHarness,
  putTrades,
  startKinesalite,
} from '../helpers/kinesaliteStream.js';

const SYMBOLS = ['AAPL', 'MSFT'];

/**
 * A history sink that cannot keep up with a burst: two symbols in per-key order move at most
 * two items per round trip, one request at a time, while the reader brings 100 trades a poll.
 */
const SLOW_SINK = { maxBufferedRecords: 200, concurrency: 1 } satisfies Partial<ToDynamoOptions>;

let kinesis: KinesaliteHarness;
let dynalite: Emulator;
let client: DynamoDBDocumentClient;
let admin: DynamoDBDocumentClient;
let streams = 0;

beforeAll(async () => {
  kinesis = await startKinesalite();
  dynalite = await startDynalite();
  client = dynamoClient(dynalite.endpoint);
  admin = dynamoClient(dynalite.endpoint, 3);
});

afterAll(async () => {
  client.destroy();
  admin.destroy();
  await dynalite.close();
  await kinesis.close();
});

/** A one-shard stream holding a burst of 2,000 trades, and the options to read it from the start. */
async function burst(): Promise<{ sent: Trade[]; reader: FromKinesisOptions }> {
  const streamName = `burst-${++streams}`;
  await createActiveStream(kinesis.client, streamName, 1);
  const sent = tradeSequence(SYMBOLS, 1_000);
  await putTrades(kinesis.client, streamName, sent);
  const reader: FromKinesisOptions = {
    client: kinesis.client,
    streamName,
    from: 'trim-horizon',
    pollIntervalMs: 10,
    maxIdlePollIntervalMs: 50,
    recordsPerCall: 100,
  };
  return { sent, reader };
}

/** Every item of the symbols' partitions. */
async function storedKeys(table: string): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const symbol of SYMBOLS) {
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < 100; page++) {
      const output = await admin.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': symbol },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of output.Items ?? []) keys.add(tradeKey(item as Trade));
      startKey = output.LastEvaluatedKey;
      if (!startKey) break;
    }
  }
  return keys;
}

describe('fromKinesis() into toDynamo()', () => {
  it('surfaces an overflow as the stream error, stops reading and accounts for every trade read', async () => {
    const { sent, reader } = await burst();
    await createTable(admin, 'overflow');
    const read: Trade[] = [];
    const failed: Trade[] = [];
    const unsent: Trade[] = [];
    const inFlight: Trade[] = [];
    let delivered = 0;

    const error = await new Promise<unknown>((resolve) => {
      fromKinesis(reader)
        .pipe(
          tap((trade) => read.push(trade)),
          toDynamo({
            client,
            tableName: 'overflow',
            ...SLOW_SINK,
            onFailure: (failure) => void failed.push(...failure.records),
            onUnsent: (records) => {
              unsent.push(...records.unsent);
              inFlight.push(...records.inFlight);
            },
          }),
          timeout(30_000),
        )
        .subscribe({
          next: (report) => {
            delivered += report.records;
          },
          error: resolve,
          complete: () => resolve(new Error('the sink completed instead of overflowing')),
        });
    });
    const stored = await storedKeys('overflow');

    expect(error).toBeInstanceOf(BufferOverflowError);
    expect(read.length).toBeLessThan(sent.length);
    expect(delivered + failed.length + unsent.length + inFlight.length).toBe(read.length);
    const accounted = new Set([...failed, ...unsent, ...inFlight].map(tradeKey));
    expect(accounted.size).toBe(failed.length + unsent.length + inFlight.length);
    expect(unsent.filter((trade) => stored.has(tradeKey(trade)))).toEqual([]);
    expect(stored.size).toBeGreaterThanOrEqual(delivered);
    expect(stored.size).toBeLessThanOrEqual(delivered + inFlight.length);
  });

  it("errors only the overflowing sink's subscriber: other consumers of a shared reader read on", async () => {
    const { sent, reader } = await burst();
    await createTable(admin, 'shared');
    const read$ = fromKinesis(reader).pipe(share());

    const everything = firstValueFrom(read$.pipe(take(sent.length), toArray(), timeout(30_000)));
    const sinkError = new Promise<unknown>((resolve) => {
      read$.pipe(toDynamo({ client, tableName: 'shared', ...SLOW_SINK })).subscribe({
        error: resolve,
        complete: () => resolve(new Error('the sink completed instead of overflowing')),
      });
    });

    expect(await sinkError).toBeInstanceOf(BufferOverflowError);
    expect((await everything).map(tradeKey)).toEqual(sent.map(tradeKey));
  });
});
