import { once } from 'node:events';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListStreamConsumersCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import type { ServerMessage } from '@market-stream/core';
import { startLocalKinesis } from '@market-stream/sinks/local';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tradeFactory } from '../../../tests/helpers/factories.js';
import {
  createActiveStream,
  type FanoutNode,
  type FanoutNodeModule,
  importFanoutNode,
  startKinesalite,
  within,
} from './helpers/fanoutNode.js';

/** Status and JSON body of GET /healthz. */
async function healthz(
  node: FanoutNode,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${node.port}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The HTTP status a WebSocket upgrade to /ws gets (101 when accepted). */
function upgradeStatus(node: FanoutNode): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${node.port}/ws`);
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      socket.terminate();
      resolve(response.statusCode ?? 0);
    });
    socket.once('error', reject);
  });
}

describe('the container fan-out node (containers/fanout-node/node.mjs)', () => {
  let kinesalite: Awaited<ReturnType<typeof startKinesalite>>;
  let kinesis: KinesisClient;
  let startFanoutNode: FanoutNodeModule['startFanoutNode'];
  const nodes: FanoutNode[] = [];

  beforeAll(async () => {
    ({ startFanoutNode } = await importFanoutNode());
    kinesalite = await startKinesalite();
    kinesis = kinesalite.kinesis;
  });

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((node) => node.close()));
  });

  afterAll(async () => {
    await kinesalite?.close();
  });

  async function start(streamName: string): Promise<FanoutNode> {
    const node = await startFanoutNode({ streamName, port: 0, host: '127.0.0.1', kinesis });
    nodes.push(node);
    return node;
  }

  it('on a stream that does not exist: /healthz answers 503 with the reason and upgrades are refused', async () => {
    // Arrange / Act
    const node = await start('no-such-stream');
    const reason = await within(node.failed, 10_000);

    // Assert
    expect(reason).toMatch(/no-such-stream .*not found/);
    expect(await healthz(node)).toEqual({ status: 503, body: { status: 'down', reason } });
    expect(await upgradeStatus(node)).toBe(503);
  });

  it('when its stream is deleted: closes its clients with 1001, then answers /healthz 503 and refuses upgrades', async () => {
    // Arrange: a healthy node with a client that receives a live trade.
    await createActiveStream(kinesis, 'doomed');
    const node = await start('doomed');
    expect((await healthz(node)).status).toBe(200);
    const client = new WebSocket(`ws://127.0.0.1:${node.port}/ws?symbols=AAPL`);
    const closed = once(client, 'close');
    const messages: ServerMessage[] = [];
    const gotTrade = new Promise<void>((resolve) =>
      client.on('message', (data) => {
        const message = JSON.parse(String(data)) as ServerMessage;
        messages.push(message);
        if (message.type === 'trades') resolve();
      }),
    );
    await once(client, 'open');
    const trade = tradeFactory({ symbol: 'AAPL', seq: 1 });
    // The node reads from `latest`: keep writing (bounded) until its reader has seen one.
    for (let attempt = 0; attempt < 50 && !messages.some((m) => m.type === 'trades'); attempt++) {
      await kinesis.send(
        new PutRecordCommand({
          StreamName: 'doomed',
          PartitionKey: 'AAPL',
          Data: new TextEncoder().encode(JSON.stringify({ ...trade, seq: attempt + 1 })),
        }),
      );
      await Promise.race([gotTrade, new Promise((resolve) => setTimeout(resolve, 100))]);
    }
    await within(gotTrade, 1_000);

    // Act
    await kinesis.send(new DeleteStreamCommand({ StreamName: 'doomed' }));
    const [code] = (await within(closed, 10_000)) as [number];
    const reason = await within(node.failed, 10_000);

    // Assert
    expect(code).toBe(1001);
    expect(reason).toMatch(/source/);
    expect(await healthz(node)).toEqual({ status: 503, body: { status: 'down', reason } });
    expect(await upgradeStatus(node)).toBe(503);
  });
});

describe('the container fan-out node reading by push (consumerName)', () => {
  it('reads through a consumer of its own, delivers a trade, and deregisters it on close()', async () => {
    // Arrange: the local Kinesis with enhanced fan-out, a stream, a node with a consumer name.
    const { startFanoutNode } = await importFanoutNode();
    const local = await startLocalKinesis({
      streamStateMs: 0,
      consumerActivationMs: 0,
      consumerDeletionMs: 0,
    });
    const kinesis = new KinesisClient({
      endpoint: local.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    try {
      await kinesis.send(new CreateStreamCommand({ StreamName: 'pushed', ShardCount: 1 }));
      const { StreamDescriptionSummary } = await kinesis.send(
        new DescribeStreamSummaryCommand({ StreamName: 'pushed' }),
      );
      const streamArn = StreamDescriptionSummary!.StreamARN!;
      const node = await startFanoutNode({
        streamName: 'pushed',
        port: 0,
        host: '127.0.0.1',
        kinesis,
        consumerName: 'nodes-test',
      });
      const client = new WebSocket(`ws://127.0.0.1:${node.port}/ws?symbols=AAPL`);
      const gotTrade = new Promise<ServerMessage>((resolve) =>
        client.on('message', (data) => {
          const message = JSON.parse(String(data)) as ServerMessage;
          if (message.type === 'trades') resolve(message);
        }),
      );
      await once(client, 'open');

      // Act: write (bounded) until the node's push reader, which starts at `latest`, sees one.
      const names = async () =>
        (
          (await kinesis.send(new ListStreamConsumersCommand({ StreamARN: streamArn })))
            .Consumers ?? []
        ).map((consumer) => consumer.ConsumerName);
      for (let seq = 1; seq <= 50; seq++) {
        await kinesis.send(
          new PutRecordCommand({
            StreamName: 'pushed',
            PartitionKey: 'AAPL',
            Data: new TextEncoder().encode(JSON.stringify(tradeFactory({ symbol: 'AAPL', seq }))),
          }),
        );
        const done = await Promise.race([
          gotTrade.then(() => true),
          new Promise((r) => setTimeout(() => r(false), 100)),
        ]);
        if (done) break;
      }
      const message = await within(gotTrade, 1_000);
      const registered = await names();
      client.close();
      await node.close();

      // Assert
      expect(message.type === 'trades' && message.trades[0]?.symbol).toBe('AAPL');
      expect(registered).toEqual(['nodes-test']);
      expect(await names()).toEqual([]);
    } finally {
      kinesis.destroy();
      await local.close();
    }
  });
});
