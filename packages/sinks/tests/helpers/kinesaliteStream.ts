import type { AddressInfo } from 'node:net';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import type { Trade } from '@market-stream/core';
import { NodeHttpHandler } from '@smithy/node-http-handler';
// @ts-expect-error kinesalite ships no types
import kinesalite from 'kinesalite';

/** A kinesalite server on a random loopback port and a real SDK v3 client for it. */
export interface KinesaliteHarness {
  client: KinesisClient;
  endpoint: string;
  close(): Promise<void>;
}

/** Starts an in-memory kinesalite; streams leave CREATING/UPDATING after `updateMs`. */
export async function startKinesalite({ updateMs = 50 } = {}): Promise<KinesaliteHarness> {
  const server = kinesalite({
    createStreamMs: updateMs,
    deleteStreamMs: updateMs,
    updateStreamMs: updateMs,
    shardLimit: 100,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
  return {
    client,
    endpoint,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Creates a stream and waits (bounded) until it is ACTIVE. */
export async function createActiveStream(
  client: KinesisClient,
  streamName: string,
  shardCount: number,
): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  await waitForActive(client, streamName);
}

/** Waits (at most ~10 s) until the stream is ACTIVE again, e.g. after a split. */
export async function waitForActive(client: KinesisClient, streamName: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { StreamDescriptionSummary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`stream ${streamName} did not become ACTIVE`);
}

/** Writes trades as plain JSON records (partition key = symbol), 500 per PutRecords call. */
export async function putTrades(
  client: KinesisClient,
  streamName: string,
  trades: readonly Trade[],
): Promise<void> {
  for (let i = 0; i < trades.length; i += 500) {
    const batch = trades.slice(i, i + 500);
    const output = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: batch.map((trade) => ({
          PartitionKey: trade.symbol,
          Data: new TextEncoder().encode(JSON.stringify(trade)),
        })),
      }),
    );
    if (output.FailedRecordCount) throw new Error(`${output.FailedRecordCount} records failed`);
  }
}
