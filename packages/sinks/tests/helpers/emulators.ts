import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Trade } from '@market-stream/core';
import { NodeHttpHandler } from '@smithy/node-http-handler';
// @ts-expect-error dynalite ships no types
import dynalite from 'dynalite';
// @ts-expect-error kinesalite ships no types
import kinesalite from 'kinesalite';
import { createPkSkTable } from '../../../../tests/helpers/dynamoTables.js';
import { deaggregate } from '../../src/index.js';

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };

interface Listening {
  listen(port: number, host: string, callback: () => void): void;
  close(callback: () => void): void;
  address(): AddressInfo | string | null;
  once(event: 'error', listener: (error: Error) => void): void;
}

/** An emulator on a random loopback port. */
export interface Emulator {
  endpoint: string;
  close(): Promise<void>;
}

async function listen(server: Listening): Promise<Emulator> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** kinesalite, in memory, streams ACTIVE after 10 ms. */
export function startKinesalite(): Promise<Emulator> {
  return listen(
    kinesalite({ createStreamMs: 10, deleteStreamMs: 10, updateStreamMs: 10, shardLimit: 100 }),
  );
}

/** dynalite, in memory, tables ACTIVE after 10 ms. */
export function startDynalite(): Promise<Emulator> {
  return listen(dynalite({ createTableMs: 10, deleteTableMs: 10, updateTableMs: 10 }));
}

/**
 * A real SDK v3 Kinesis client for `endpoint`. `maxAttempts: 1` leaves every retry to the sink
 * under test, so the retries it reports are all there were.
 */
export function kinesisClient(endpoint: string, maxAttempts = 1): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 }),
  });
}

/** A real SDK v3 DynamoDB document client for `endpoint`. */
export function dynamoClient(endpoint: string, maxAttempts = 1): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials,
      maxAttempts,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 }),
    }),
  );
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('emulator resource never became ACTIVE');
}

/** Creates a stream and waits for it to be ACTIVE. */
export async function createStream(client: KinesisClient, name: string, shards: number) {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await until(async () => {
    const { StreamDescriptionSummary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    return StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
  });
}

/** Every record of every shard, in shard order then sequence order. */
export async function readStream(
  client: KinesisClient,
  name: string,
): Promise<{ shardId: string; partitionKey: string; data: Uint8Array }[]> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: name }));
  const records: { shardId: string; partitionKey: string; data: Uint8Array }[] = [];
  for (const shard of Shards) {
    let { ShardIterator: iterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: name,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    for (let page = 0; page < 10_000 && iterator; page++) {
      const output = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }),
      );
      for (const record of output.Records ?? []) {
        records.push({
          shardId: shard.ShardId!,
          partitionKey: record.PartitionKey!,
          data: record.Data!,
        });
      }
      if ((output.Records ?? []).length === 0) break;
      iterator = output.NextShardIterator;
    }
  }
  return records;
}

/** Creates a `pk`/`sk` table (on-demand) and waits for it to be ACTIVE. */
export function createTable(client: DynamoDBDocumentClient, name: string): Promise<void> {
  return createPkSkTable(client, name);
}

/** A stream read back as trades, KPL aggregates split; order per shard is kept. */
export async function readStreamTrades(client: KinesisClient, name: string): Promise<Trade[]> {
  const decoder = new TextDecoder();
  return (await readStream(client, name)).flatMap((record) =>
    deaggregate({ partitionKey: record.partitionKey, data: record.data }).map(
      (user) => JSON.parse(decoder.decode(user.data)) as Trade,
    ),
  );
}
