import { once } from 'node:events';
import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { Trade } from '@market-stream/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { emulatorManagementClient } from '../../../../tests/helpers/apiGateway.js';
import { tradeFactory, tradeSequence } from '../../../../tests/helpers/factories.js';
import { createApiGatewayTransport, DynamoConnectionStore } from '../../src/index.js';
import {
  createConnectHandler,
  createDisconnectHandler,
  createMessageHandler,
  createStreamProcessor,
  DynamoLatestTradeStore,
  type ShardReport,
} from '../../src/lambda.js';
import { type ApiGatewayEmulator, startApiGatewayEmulator } from '../../src/local.js';
import { kinesisEventFactory } from '../unit/lambda.factories.js';
import { type DynaliteHarness, startDynalite } from './dynamo.harness.js';
import { isType, RecordingClient } from './serverless.client.js';

const TABLE = 'connections';
const SHARDS = 4;

describe('serverless fan-out through the local API Gateway emulator and dynalite', () => {
  let dynamo: DynaliteHarness;
  let emulator: ApiGatewayEmulator;
  let processor: ReturnType<typeof createStreamProcessor>;
  let processorStore: DynamoConnectionStore;
  let handlerStore: DynamoConnectionStore;
  const clients: RecordingClient[] = [];

  beforeAll(async () => {
    dynamo = await startDynalite();
    await dynamo.createTable(TABLE);
    // Separate store instances, as separate Lambda functions would have.
    handlerStore = new DynamoConnectionStore({
      client: dynamo.documentClient,
      tableName: TABLE,
      shards: SHARDS,
    });
    processorStore = new DynamoConnectionStore({
      client: dynamo.documentClient,
      tableName: TABLE,
      shards: SHARDS,
      cacheTtlMs: 0,
    });
    const latest = new DynamoLatestTradeStore({ client: dynamo.documentClient, tableName: TABLE });
    let management: ApiGatewayManagementApiClient | undefined;
    const managementClient = () =>
      (management ??= emulatorManagementClient(emulator.managementEndpoint));
    const message = createMessageHandler({
      store: handlerStore,
      latest,
      shards: SHARDS,
      transport: () =>
        createApiGatewayTransport({ client: managementClient(), store: handlerStore }),
    });
    emulator = await startApiGatewayEmulator({
      handlers: {
        connect: createConnectHandler({ store: handlerStore, shards: SHARDS }),
        disconnect: createDisconnectHandler({ store: handlerStore }),
        message: { subscribe: message, unsubscribe: message, ping: message, $default: message },
      },
    });
    processor = createStreamProcessor({
      store: processorStore,
      shards: SHARDS,
      mode: 'all',
      latest,
      transport: createApiGatewayTransport({ client: managementClient(), store: processorStore }),
      onDecodeFailure: () => {},
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await emulator?.close();
    await dynamo?.close();
  });

  beforeEach(() => emulator.resetStats());

  async function connect(query = ''): Promise<RecordingClient> {
    const client = await RecordingClient.connect(`${emulator.url}${query}`);
    clients.push(client);
    return client;
  }

  async function subscribe(client: RecordingClient, symbols: string[]): Promise<void> {
    const after = client.messages.length;
    client.send({ action: 'subscribe', symbols });
    await client.waitFor(isType('subscribed'), { after });
  }

  function tradesOf(trades: Trade[], symbols: string[]): Trade[] {
    return trades.filter((trade) => symbols.includes(trade.symbol));
  }

  it('delivers a Kinesis batch to exactly the subscribed clients, one PostToConnection each', async () => {
    // Arrange: symbols on the URL, by subscribe message, and a client with none.
    const aapl = await connect('?symbols=AAPL');
    const aaplTsla = await connect('?symbols=aapl,TSLA');
    const msft = await connect();
    await subscribe(msft, ['MSFT']);
    const changedMind = await connect('?symbols=TSLA');
    const after = changedMind.messages.length;
    changedMind.send({ action: 'unsubscribe', symbols: ['TSLA'] });
    const subscribed = await changedMind.waitFor(isType('subscribed'), { after });
    const idle = await connect();
    const trades = tradeSequence(['AAPL', 'TSLA', 'MSFT', 'GOOG'], 3);
    emulator.resetStats();

    // Act
    const response = await processor(kinesisEventFactory(trades));
    const posts = emulator.stats();
    for (const client of [aapl, aaplTsla, msft, changedMind, idle]) await client.flush();

    // Assert: each client holds exactly its symbols' trades, in seq order, in one message.
    expect(response).toEqual({ batchItemFailures: [] });
    expect(subscribed.symbols).toEqual([]);
    expect(aapl.trades()).toEqual(tradesOf(trades, ['AAPL']));
    expect(aaplTsla.trades()).toEqual(tradesOf(trades, ['AAPL', 'TSLA']).sort(bySymbolThenSeq));
    expect(msft.trades()).toEqual(tradesOf(trades, ['MSFT']));
    expect(changedMind.trades()).toEqual([]);
    expect(idle.trades()).toEqual([]);
    for (const client of [aapl, aaplTsla, msft]) expect(client.tradesMessages()).toBe(1);
    expect(posts.posts).toBe(3);
    expect([...posts.postsByConnection.values()]).toEqual([1, 1, 1]);
  });

  it('answers a subscribe with subscribed, then a snapshot of the latest trade per new symbol', async () => {
    // Arrange: a batch has been processed, so the latest AAPL trade is known.
    const batch = [
      tradeFactory({ symbol: 'NVDA', seq: 1 }),
      tradeFactory({ symbol: 'NVDA', seq: 2, price: 101 }),
    ];
    await processor(kinesisEventFactory(batch));
    const client = await connect();

    // Act
    client.send({ action: 'subscribe', symbol: 'nvda' });
    const snapshot = await client.waitFor(isType('snapshot'));

    // Assert
    expect(client.messages.map((m) => m.type)).toEqual(['subscribed', 'snapshot']);
    expect(client.messages[0]).toEqual({ type: 'subscribed', symbols: ['NVDA'] });
    expect(snapshot.trades).toEqual([batch[1]]);
  });

  it('replies pong to ping and contract error codes to bad input, without affecting the connection', async () => {
    // Arrange
    const client = await connect('?symbols=AMZN');

    // Act
    client.send('{not json');
    client.send({ action: 'dance' });
    client.send({ action: 'subscribe', symbols: ['not a symbol'] });
    await client.flush();
    await processor(kinesisEventFactory([tradeFactory({ symbol: 'AMZN', seq: 1 })]));
    await client.flush();

    // Assert
    const errors = client.messages.filter((m) => m.type === 'error').map((m) => m.code);
    expect(errors).toEqual(['BAD_JSON', 'UNKNOWN_ACTION', 'INVALID_SYMBOL']);
    expect(client.trades().map((t) => t.symbol)).toEqual(['AMZN']);
  });

  it('removes a vanished connection from the table on 410 and still delivers to the others', async () => {
    // Arrange: a record whose $disconnect never ran (the client is gone), next to a live client.
    const live = await connect('?symbols=META');
    const ghost = 'Z2hvc3QtY29ubmVjdGlv';
    await handlerStore.put({ id: ghost, shard: 0, symbols: ['META'], connectedAt: Date.now() });
    expect(await handlerStore.get(ghost)).toBeDefined();

    // Act
    await processor(kinesisEventFactory([tradeFactory({ symbol: 'META', seq: 7 })]));
    await live.flush();

    // Assert
    expect(emulator.stats().gone).toBe(1);
    expect(await handlerStore.get(ghost)).toBeUndefined();
    expect(live.trades().map((t) => t.seq)).toEqual([7]);
  });

  it('forgets a client that disconnects ($disconnect) so later batches skip it', async () => {
    // Arrange
    const before = new Set(emulator.connectionIds());
    const leaving = await connect('?symbols=ORCL');
    const leavingId = emulator.connectionIds().find((id) => !before.has(id)) as string;
    const staying = await connect('?symbols=ORCL');
    await leaving.close();
    await waitUntil(async () => (await handlerStore.get(leavingId)) === undefined);

    // Act
    await processor(kinesisEventFactory([tradeFactory({ symbol: 'ORCL', seq: 1 })]));
    await staying.flush();

    // Assert
    expect(emulator.stats().gone).toBe(0);
    expect(emulator.stats().postsByConnection.has(leavingId)).toBe(false);
    expect(staying.trades()).toHaveLength(1);
    expect(leaving.trades()).toHaveLength(0);
  });

  it('skips an undecodable record (a retry would never fix it) and still delivers the rest', async () => {
    // Arrange
    const client = await connect('?symbols=IBM');
    const event = kinesisEventFactory([tradeFactory({ symbol: 'IBM', seq: 1 })], {
      raw: ['this is not json'],
    });

    // Act
    const response = await processor(event);
    await client.flush();

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(client.trades().map((t) => t.symbol)).toEqual(['IBM']);
  });

  it('closes an all-mode client whose post still fails after the throttle retries, and counts it', async () => {
    // Arrange: a processor whose transport gives up after 2 attempts; the emulator throttles 2.
    const client = await connect('?symbols=XOM');
    const closing = once(client.socket, 'close');
    const transport = createApiGatewayTransport({
      client: emulatorManagementClient(emulator.managementEndpoint),
      store: processorStore,
      maxAttempts: 2,
      baseBackoffMs: 1,
    });
    const reports: ShardReport[] = [];
    const failing = createStreamProcessor({
      store: processorStore,
      shards: SHARDS,
      mode: 'all',
      transport,
      onShardReport: (report) => reports.push(report),
    });
    emulator.throttleNext(2);

    // Act
    const response = await failing(kinesisEventFactory([tradeFactory({ symbol: 'XOM', seq: 1 })]));
    await within(closing, 5_000);

    // Assert: the client was told (closed, so it reconnects and recovers), and it was counted.
    expect(response).toEqual({ batchItemFailures: [] });
    expect(emulator.stats().throttled).toBe(2);
    expect(client.trades()).toEqual([]);
    expect(client.socket.readyState).toBe(WebSocket.CLOSED);
    expect(reports.reduce((sum, r) => sum + r.failed, 0)).toBe(1);
    expect(reports.reduce((sum, r) => sum + r.closed, 0)).toBe(1);
    expect(transport.stats()).toMatchObject({ failed: 1, closed: 1 });
  });

  it('refuses symbols that break the protocol on connect with HTTP 400', async () => {
    await expect(RecordingClient.connect(`${emulator.url}?symbols=BAD SYMBOL`)).rejects.toThrow(
      'HTTP 400',
    );
  });
});

function bySymbolThenSeq(a: Trade, b: Trade): number {
  return a.symbol === b.symbol ? a.seq - b.seq : a.symbol === 'AAPL' ? -1 : 1;
}

/** `promise`, or a rejection when it has not settled within `timeoutMs`. */
function within<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
