import type { AddressInfo } from 'node:net';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { FanoutServer } from '@market-stream/fanout';
import { NodeHttpHandler } from '@smithy/node-http-handler';
// @ts-expect-error kinesalite ships no types
import kinesalite from 'kinesalite';

/** What the container's plain-JavaScript entry (`containers/fanout-node/node.mjs`) exports. */
export interface FanoutNodeModule {
  startFanoutNode(options: {
    streamName: string;
    port?: number;
    host?: string;
    mode?: 'all' | 'latest';
    kinesis?: KinesisClient;
    consumerName?: string;
    workers?: number | 'auto';
    metricsPort?: number;
  }): Promise<{
    port: number;
    metricsPort: number;
    failed: Promise<string>;
    fanout: FanoutServer;
    close(): Promise<void>;
  }>;
  workersFromEnv(value: string | undefined): number | 'auto';
}

export type FanoutNode = Awaited<ReturnType<FanoutNodeModule['startFanoutNode']>>;

/** Imports the node's entry (a variable specifier: it has no type declarations). */
export async function importFanoutNode(): Promise<FanoutNodeModule> {
  const path = '../../containers/fanout-node/node.mjs';
  return (await import(path)) as FanoutNodeModule;
}

/** kinesalite on a free loopback port, and a Kinesis client for it (HTTP/1.1, one attempt). */
export async function startKinesalite(): Promise<{
  kinesis: KinesisClient;
  close(): Promise<void>;
}> {
  const server: {
    listen: (port: number, host: string, done: () => void) => void;
    close: (done: () => void) => void;
    address(): AddressInfo;
  } = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kinesis = new KinesisClient({
    endpoint: `http://127.0.0.1:${server.address().port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
  return {
    kinesis,
    close: async () => {
      kinesis.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Creates a one-shard stream and waits (bounded) until it is ACTIVE. */
export async function createActiveStream(kinesis: KinesisClient, name: string): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  for (let attempt = 0; attempt < 100; attempt++) {
    const { StreamDescriptionSummary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`stream ${name} did not become ACTIVE`);
}

/** `promise`, or a rejection when it has not settled within `timeoutMs`. */
export function within<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
