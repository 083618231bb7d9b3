import type { AddressInfo } from 'node:net';
import { KinesisClient } from '@aws-sdk/client-kinesis';
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
