import {
  type ApiGatewayManagementApiClient,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emulatorManagementClient } from '../../../../tests/helpers/apiGateway.js';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import {
  createApiGatewayTransport,
  MemoryConnectionStore,
  PayloadTooLargeError,
  shardOf,
} from '../../src/index.js';
import type { WebSocketEvent } from '../../src/lambda.js';
import { type ApiGatewayEmulator, startApiGatewayEmulator } from '../../src/local.js';
import { isType, RecordingClient } from './serverless.client.js';

describe('startApiGatewayEmulator() with the real management client', () => {
  let emulator: ApiGatewayEmulator;
  let client: ApiGatewayManagementApiClient;
  const events: WebSocketEvent[] = [];
  const clients: RecordingClient[] = [];

  beforeAll(async () => {
    emulator = await startApiGatewayEmulator({
      stage: 'test',
      handlers: {
        connect: (event) => {
          events.push(event);
          const query = event.queryStringParameters ?? {};
          if (query.refuse) return { statusCode: Number(query.refuse) };
          if (query.crash) throw new Error('boom');
          return { statusCode: 200 };
        },
        disconnect: (event) => {
          events.push(event);
        },
        message: {
          echo: async (event) => {
            events.push(event);
            await client.send(
              new PostToConnectionCommand({
                ConnectionId: event.requestContext.connectionId,
                Data: JSON.stringify({ type: 'pong', route: 'echo' }),
              }),
            );
          },
          $default: async (event) => {
            events.push(event);
            await client.send(
              new PostToConnectionCommand({
                ConnectionId: event.requestContext.connectionId,
                Data: JSON.stringify({ type: 'pong', route: event.requestContext.routeKey }),
              }),
            );
          },
        },
      },
      onHandlerError: () => {},
    });
    client = emulatorManagementClient(emulator.managementEndpoint);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    client?.destroy();
    await emulator?.close();
  });

  beforeEach(() => {
    events.length = 0;
    emulator.resetStats();
  });

  async function open(query = ''): Promise<{ socket: RecordingClient; id: string }> {
    const before = new Set(emulator.connectionIds());
    const socket = await RecordingClient.connect(`${emulator.url}${query}`);
    clients.push(socket);
    const id = emulator.connectionIds().find((candidate) => !before.has(candidate)) as string;
    return { socket, id };
  }

  it('passes $connect an API Gateway-shaped event with query string and headers', async () => {
    const { id } = await open('?symbols=AAPL,TSLA&token=abc');

    const [event] = events;
    expect(event?.requestContext).toMatchObject({
      routeKey: '$connect',
      eventType: 'CONNECT',
      connectionId: id,
      stage: 'test',
      apiId: 'local',
      domainName: new URL(emulator.managementEndpoint).host,
    });
    expect(event?.queryStringParameters).toEqual({ symbols: 'AAPL,TSLA', token: 'abc' });
    expect(event?.headers?.Host ?? event?.headers?.host).toBe(new URL(emulator.url).host);
    expect(id).toMatch(/^[A-Za-z0-9+/]{15}=$/);
  });

  it("refuses the upgrade with $connect's status, and with 500 when it throws", async () => {
    await expect(RecordingClient.connect(`${emulator.url}?refuse=401`)).rejects.toThrow('HTTP 401');
    await expect(RecordingClient.connect(`${emulator.url}?crash=1`)).rejects.toThrow('HTTP 500');
    expect(events.filter((e) => e.requestContext.routeKey === '$disconnect')).toHaveLength(0);
  });

  it('routes frames by their action, with $default for everything else', async () => {
    const { socket } = await open();

    socket.send({ action: 'echo', n: 1 });
    socket.send('not json');
    socket.send({ action: 'nothing-here' });
    await waitFor(() => socket.messages.length === 3);

    expect(events.map((e) => e.requestContext.routeKey)).toEqual([
      '$connect',
      'echo',
      '$default',
      '$default',
    ]);
  });

  it('answers GET with the connection info and DELETE by closing it and running $disconnect', async () => {
    const { socket, id } = await open();

    const info = await client.send(new GetConnectionCommand({ ConnectionId: id }));
    const closed = new Promise<number>((resolve) => socket.socket.once('close', resolve));
    const transport = createApiGatewayTransport({ client });
    await transport.close(id);

    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');
    expect(await closed).toBe(1000);
    await waitFor(() => events.some((e) => e.requestContext.routeKey === '$disconnect'));
    expect(
      events.find((e) => e.requestContext.routeKey === '$disconnect')?.requestContext.connectionId,
    ).toBe(id);
  });

  it('maps a post to a closed connection to GoneException; the transport removes that connection only', async () => {
    const live = await open();
    const dead = await open();
    await dead.socket.close();
    await waitFor(() => !emulator.connectionIds().includes(dead.id));
    const store = new MemoryConnectionStore({ shards: 4 });
    for (const { id } of [live, dead]) {
      await store.put({ id, shard: shardOf(id, 4), symbols: ['AAPL'], connectedAt: 0 });
    }
    const transport = createApiGatewayTransport({ client, store });

    const outcomes = [
      await transport.send(live.id, '{"type":"pong"}'),
      await transport.send(dead.id, '{"type":"pong"}'),
    ];

    expect(outcomes).toEqual(['sent', 'gone']);
    expect(await store.get(dead.id)).toBeUndefined();
    expect(await store.get(live.id)).toBeDefined();
    await live.socket.waitFor(isType('pong'));
  });

  it('retries throttled posts (429) with backoff, and gives up after maxAttempts', async () => {
    const { socket, id } = await open();
    const transport = createApiGatewayTransport({ client, maxAttempts: 3, baseBackoffMs: 1 });

    emulator.throttleNext(2);
    const retried = await transport.send(id, '{"type":"pong"}');
    emulator.throttleNext(3);
    const exhausted = await transport.send(id, '{"type":"pong"}');

    expect(retried).toBe('sent');
    expect(exhausted).toBe('failed');
    expect(transport.stats()).toMatchObject({ requests: 6, retries: 4, sent: 1, failed: 1 });
    expect(emulator.stats().throttled).toBe(5);
    await socket.waitFor(isType('pong'));
  });

  it('splits a trades message over 128 KB into whole-trade messages, in order, each under the limit', async () => {
    const { socket, id } = await open();
    const trades = Array.from({ length: 3_000 }, (_, i) =>
      tradeFactory({ symbol: 'AAPL', seq: i + 1 }),
    );
    const payload = JSON.stringify({ type: 'trades', trades });
    const transport = createApiGatewayTransport({ client });

    const outcome = await transport.send(id, payload);
    await waitFor(() => socket.trades().length === trades.length);

    expect(Buffer.byteLength(payload)).toBeGreaterThan(128 * 1024);
    expect(outcome).toBe('sent');
    expect(socket.tradesMessages()).toBeGreaterThan(1);
    expect(socket.tradesMessages()).toBe(emulator.stats().posts);
    expect(socket.trades()).toEqual(trades);
  });

  it('refuses an oversized message it cannot split, and the emulator answers raw oversize posts 413', async () => {
    const { id } = await open();
    const transport = createApiGatewayTransport({ client });
    const huge = JSON.stringify({
      type: 'snapshot',
      trades: Array.from({ length: 3_000 }, () => tradeFactory()),
    });

    await expect(transport.send(id, huge)).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(
      client.send(new PostToConnectionCommand({ ConnectionId: id, Data: huge })),
    ).rejects.toMatchObject({ name: 'PayloadTooLargeException' });
  });

  it('never has more than `concurrency` posts in flight', async () => {
    const { socket, id } = await open();
    const transport = createApiGatewayTransport({ client, concurrency: 3 });

    const outcomes = await Promise.all(
      Array.from({ length: 24 }, () => transport.send(id, '{"type":"pong"}')),
    );
    await waitFor(() => socket.messages.length === 24);

    expect(outcomes.every((outcome) => outcome === 'sent')).toBe(true);
    expect(emulator.stats().maxConcurrentPosts).toBeLessThanOrEqual(3);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
