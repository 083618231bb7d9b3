import { once } from 'node:events';
import { type KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import type { ServerMessage } from '@market-stream/core';
import type { MergedFanoutMetrics } from '@market-stream/fanout';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tradeFactory } from '../../../tests/helpers/factories.js';
import { alive } from '../../../tests/helpers/processes.js';
import {
  createActiveStream,
  type FanoutNode,
  type FanoutNodeModule,
  importFanoutNode,
  startKinesalite,
  within,
} from './helpers/fanoutNode.js';

const CLIENTS = 6;

/** Status and body (JSON when it parses, else text) of GET `path` on 127.0.0.1:`port`. */
async function get(port: number, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: response.status, body: text };
  }
}

describe('workersFromEnv() (FANOUT_WORKERS)', () => {
  it.each([
    [undefined, 1],
    ['', 1],
    ['1', 1],
    ['4', 4],
    [' 16 ', 16],
    ['auto', 'auto'],
  ])('reads %j as %j', async (value, expected) => {
    // Arrange
    const { workersFromEnv } = await importFanoutNode();

    // Act / Assert
    expect(workersFromEnv(value)).toBe(expected);
  });

  it.each(['0', '-2', '1.5', 'two', 'AUTO'])('refuses %j with a RangeError', async (value) => {
    // Arrange
    const { workersFromEnv } = await importFanoutNode();

    // Act / Assert
    expect(() => workersFromEnv(value)).toThrow(RangeError);
  });
});

describe('the container fan-out node with workers: 2 (cluster workers, admin port)', () => {
  let kinesalite: Awaited<ReturnType<typeof startKinesalite>>;
  let kinesis: KinesisClient;
  let startFanoutNode: FanoutNodeModule['startFanoutNode'];
  const nodes: FanoutNode[] = [];
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    ({ startFanoutNode } = await importFanoutNode());
    kinesalite = await startKinesalite();
    kinesis = kinesalite.kinesis;
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.terminate();
    await Promise.all(nodes.splice(0).map((node) => node.close()));
  });

  afterAll(async () => {
    await kinesalite?.close();
  });

  async function start(streamName: string): Promise<FanoutNode> {
    const node = await startFanoutNode({
      streamName,
      port: 0,
      host: '127.0.0.1',
      kinesis,
      workers: 2,
    });
    nodes.push(node);
    return node;
  }

  it('delivers the stream to clients on both workers, answers /healthz on the traffic port, merges /metrics on the admin port, and leaves no process on close()', async () => {
    // Arrange: a stream, a node, clients spread over its workers by cluster's round-robin.
    await createActiveStream(kinesis, 'spread');
    const node = await start('spread');
    const received = new Set<number>();
    const gotTrade = Array.from({ length: CLIENTS }, (_, index) => {
      const socket = new WebSocket(`ws://127.0.0.1:${node.port}/ws?symbols=AAPL`);
      sockets.push(socket);
      return new Promise<void>((resolve) =>
        socket.on('message', (data) => {
          const message = JSON.parse(String(data)) as ServerMessage;
          if (message.type === 'trades' && message.trades.some((t) => t.symbol === 'AAPL')) {
            received.add(index);
            resolve();
          }
        }),
      );
    });
    await Promise.all(sockets.map((socket) => once(socket, 'open')));
    const pids = node.fanout.workerPids();

    // Act: write (bounded) until every client has a trade; the node reads from `latest`.
    for (let seq = 1; seq <= 50 && received.size < CLIENTS; seq++) {
      await kinesis.send(
        new PutRecordCommand({
          StreamName: 'spread',
          PartitionKey: 'AAPL',
          Data: new TextEncoder().encode(JSON.stringify(tradeFactory({ symbol: 'AAPL', seq }))),
        }),
      );
      await Promise.race([
        Promise.all(gotTrade),
        new Promise((resolve) => setTimeout(resolve, 100)),
      ]);
    }
    await within(Promise.all(gotTrade), 1_000);
    await node.fanout.refreshMetrics();
    const perWorker = (node.fanout.metrics as MergedFanoutMetrics).byWorker();
    const workerHealth = await get(node.port, '/healthz');
    const adminHealth = await get(node.metricsPort, '/healthz');
    const metrics = await get(node.metricsPort, '/metrics');
    await node.close();
    const trafficAfter = await fetch(`http://127.0.0.1:${node.port}/healthz`).catch((e) => e);
    const adminAfter = await fetch(`http://127.0.0.1:${node.metricsPort}/healthz`).catch((e) => e);

    // Assert
    expect(pids).toHaveLength(2);
    expect(node.metricsPort).not.toBe(node.port);
    expect(perWorker).toHaveLength(2);
    for (const worker of perWorker) expect(worker.connections).toBeGreaterThan(0);
    expect(perWorker.reduce((sum, worker) => sum + worker.connections, 0)).toBe(CLIENTS);
    // A worker answers for itself: one process, part of the clients.
    expect(workerHealth.status).toBe(200);
    expect(workerHealth.body).toMatchObject({ status: 'ok', workers: 1 });
    expect((workerHealth.body as { connections: number }).connections).toBeLessThan(CLIENTS);
    expect(adminHealth).toMatchObject({
      status: 200,
      body: { status: 'ok', workers: 2, connections: CLIENTS },
    });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^market_stream_fanout_workers 2$/m);
    expect(metrics.body).toMatch(new RegExp(`^market_stream_fanout_connections ${CLIENTS}$`, 'm'));
    expect(trafficAfter).toBeInstanceOf(Error);
    expect(adminAfter).toBeInstanceOf(Error);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('on a stream that does not exist: closes its workers, stops answering on the traffic port, answers 503 with the reason on the admin port', async () => {
    // Arrange / Act
    const node = await start('no-such-stream');
    const pids = node.fanout.workerPids();
    const reason = await within(node.failed, 10_000);
    const traffic = await fetch(`http://127.0.0.1:${node.port}/healthz`).catch((e) => e);
    const admin = await get(node.metricsPort, '/healthz');

    // Assert
    expect(reason).toMatch(/no-such-stream .*not found/);
    expect(traffic).toBeInstanceOf(Error);
    expect(admin).toEqual({ status: 503, body: { status: 'down', reason } });
    expect(pids.filter(alive)).toEqual([]);
  });
});
