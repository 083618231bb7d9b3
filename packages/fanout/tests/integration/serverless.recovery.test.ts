import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { RecoveryMessage, Trade } from '@market-stream/core';
import { dynamoHistoryWriter } from '@market-stream/sinks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorManagementClient } from '../../../../tests/helpers/apiGateway.js';
import { createPkSkTable } from '../../../../tests/helpers/dynamoTables.js';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { createApiGatewayTransport, DynamoConnectionStore } from '../../src/index.js';
import {
  createConnectHandler,
  createDisconnectHandler,
  createMessageHandler,
  createStreamProcessor,
  DynamoLatestTradeStore,
  dynamoTradeHistory,
  type MessageHandlerOptions,
  type WebSocketEvent,
} from '../../src/lambda.js';
import { type ApiGatewayEmulator, startApiGatewayEmulator } from '../../src/local.js';
import { kinesisEventFactory } from '../unit/lambda.factories.js';
import { type DynaliteHarness, startDynalite } from './dynamo.harness.js';
import { isType, RecordingClient } from './serverless.client.js';

const CONNECTIONS = 'connections';
const HISTORY = 'history';
const SHARDS = 4;
const DAY_MS = 24 * 3_600_000;

/** Trades of seq `from`…`to` of every symbol, seq-major (the shape of a live source). */
function batch(symbols: readonly string[], from: number, to: number, timestamp = Date.now()) {
  const trades: Trade[] = [];
  for (let seq = from; seq <= to; seq++) {
    for (const symbol of symbols) {
      trades.push(
        tradeFactory({ symbol, seq, price: 100 + (seq % 7), timestamp: timestamp + seq }),
      );
    }
  }
  return trades;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('recovery by seq through the local API Gateway emulator, dynalite as connections and history', () => {
  let dynamo: DynaliteHarness;
  let emulator: ApiGatewayEmulator;
  let management: ApiGatewayManagementApiClient | undefined;
  let handlerStore: DynamoConnectionStore;
  let latest: DynamoLatestTradeStore;
  /** What the emulator's message routes run; each test picks its configuration. */
  let route: (event: WebSocketEvent) => Promise<{ statusCode: number }>;
  /** The processor's clock: frozen (`frozenAt`) to keep its shard cache from expiring. */
  let frozenAt: number | undefined;
  const clients: RecordingClient[] = [];

  const managementClient = () =>
    (management ??= emulatorManagementClient(emulator.managementEndpoint));

  /** A message handler as the ready handler makes it (all mode, history), with overrides. */
  function messageHandler(overrides: Partial<MessageHandlerOptions> = {}) {
    return createMessageHandler({
      store: handlerStore,
      latest,
      shards: SHARDS,
      mode: 'all',
      history: dynamoTradeHistory({ client: dynamo.documentClient, tableName: HISTORY }),
      transport: () =>
        createApiGatewayTransport({ client: managementClient(), store: handlerStore }),
      ...overrides,
    });
  }

  /** A stream processor as the ready handler makes it: history first, then fan-out. */
  function streamProcessor() {
    // Its own store, as a separate Lambda function has, with the default 1 s shard cache.
    const store = new DynamoConnectionStore({
      client: dynamo.documentClient,
      tableName: CONNECTIONS,
      shards: SHARDS,
      now: () => frozenAt ?? Date.now(),
    });
    const handle = createStreamProcessor({
      store,
      shards: SHARDS,
      mode: 'all',
      latest,
      history: dynamoHistoryWriter({ client: dynamo.documentClient, tableName: HISTORY }),
      transport: createApiGatewayTransport({ client: managementClient(), store }),
      onDecodeFailure: () => {},
    });
    return async (trades: Trade[]) => {
      const response = await handle(kinesisEventFactory(trades));
      expect(response.batchItemFailures).toEqual([]);
    };
  }

  beforeAll(async () => {
    dynamo = await startDynalite();
    await dynamo.createTable(CONNECTIONS);
    await createPkSkTable(dynamo.client, HISTORY);
    handlerStore = new DynamoConnectionStore({
      client: dynamo.documentClient,
      tableName: CONNECTIONS,
      shards: SHARDS,
    });
    latest = new DynamoLatestTradeStore({ client: dynamo.documentClient, tableName: CONNECTIONS });
    route = messageHandler();
    const message = (event: WebSocketEvent) => route(event);
    emulator = await startApiGatewayEmulator({
      handlers: {
        connect: createConnectHandler({ store: handlerStore, shards: SHARDS }),
        disconnect: createDisconnectHandler({ store: handlerStore }),
        message: { subscribe: message, unsubscribe: message, ping: message, $default: message },
      },
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await emulator?.close();
    management?.destroy();
    await dynamo?.close();
  });

  async function connect(query = ''): Promise<RecordingClient> {
    const client = await RecordingClient.connect(`${emulator.url}${query}`);
    clients.push(client);
    return client;
  }

  /** Subscribes with `since` and waits for the `recovery` answer. */
  async function resubscribe(
    client: RecordingClient,
    since: Record<string, number>,
  ): Promise<RecoveryMessage> {
    const after = client.messages.length;
    client.send({ action: 'subscribe', symbols: Object.keys(since), since });
    return client.waitFor(isType('recovery'), { after });
  }

  /** The seqs of `symbol` received in `trades` messages, in arrival order. */
  function seqsOf(client: RecordingClient, symbol: string): number[] {
    return client
      .trades()
      .filter((trade) => trade.symbol === symbol)
      .map((trade) => trade.seq);
  }

  it('recovers every trade missed while away, exactly once after merging by seq with the live ones', async () => {
    // Arrange: a client held seq 20 of 5 symbols, then went away while 21…80 were processed.
    const symbols = ['RA', 'RB', 'RC', 'RD', 'RE'];
    const process = streamProcessor();
    const first = await connect(`?symbols=${symbols.join(',')}`);
    for (let seq = 1; seq <= 20; seq += 10) await process(batch(symbols, seq, seq + 9));
    await first.flush();
    for (const symbol of symbols) expect(seqsOf(first, symbol).at(-1)).toBe(20);
    await first.close();
    for (let seq = 21; seq <= 80; seq += 10) await process(batch(symbols, seq, seq + 9));

    // Act: it reconnects and resubscribes with since while 81…100 keep arriving live.
    const client = await connect();
    const recovering = resubscribe(client, Object.fromEntries(symbols.map((s) => [s, 20])));
    // One seq per batch, paced to outlast the handler's 1 s wait: some are read from history,
    // some only sent live, some both.
    for (let seq = 81; seq <= 100; seq++) {
      await process(batch(symbols, seq, seq));
      await pause(100);
    }
    const recovery = await recovering;
    await client.flush();

    // Assert: recovered = since + 1 … since + n for each symbol, the rest came live. Merged by
    // seq, the client holds 21…100 once; a seq came twice only when it was both read from
    // history and sent live (written before the read, fanned out after the subscription).
    expect(recovery.unrecovered).toEqual([]);
    for (const symbol of symbols) {
      const recovered = recovery.recovered[symbol] ?? -1;
      expect(recovered, symbol).toBeGreaterThanOrEqual(60);
      const seqs = seqsOf(client, symbol);
      const merged = [...new Set(seqs)].sort((a, b) => a - b);
      expect(merged, symbol).toEqual(Array.from({ length: 80 }, (_, i) => 21 + i));
      const counts = new Map<number, number>();
      for (const seq of seqs) counts.set(seq, (counts.get(seq) ?? 0) + 1);
      for (const [seq, count] of counts) {
        expect(count, `${symbol} ${seq}`).toBeLessThanOrEqual(seq <= 20 + recovered ? 2 : 1);
      }
    }
  });

  it('closes the window of a processor whose shard list predates the subscription by reading recoveryDelayMs later; with 0 a trade falls in neither', async () => {
    // Arrange: a processor reads the shard (and caches it) before the client subscribes to the
    // symbol; after the subscription, it processes the next trade with that list while it is
    // fresh (it is reused for shardCacheTtlMs).
    const run = async (symbol: string, recoveryDelayMs: number, freeze: boolean) => {
      route = messageHandler({ recoveryDelayMs });
      const process = streamProcessor();
      const client = await connect();
      // A frozen processor clock keeps the cached list in use however slow this machine is.
      frozenAt = freeze ? Date.now() : undefined;
      await process(batch([symbol], 1, 5));
      const after = client.messages.length;
      client.send({ action: 'subscribe', symbols: [symbol], since: { [symbol]: 5 } });
      await client.waitFor(isType('subscribed'), { after });
      // Without the wait the read is over by now; with it, the handler is still waiting.
      if (freeze) await client.waitFor(isType('recovery'), { after });
      await process(batch([symbol], 6, 6));
      const recovery = await client.waitFor(isType('recovery'), { after });
      await client.flush();
      frozenAt = undefined;
      route = messageHandler();
      return { recovery, seqs: seqsOf(client, symbol) };
    };

    // Act: without the wait, trade 6 is written to history after the handler's read, and fanned
    // out with the cached list; with the default wait (1 s, the cache TTL), trade 6 is written
    // while the handler waits (or, if this machine is slow, after the cache expired).
    const open = await run('WOPEN', 0, true);
    const closed = await run('WSHUT', 1_000, false);

    // Assert: with 0, trade 6 reached the client neither way; with the wait, it arrived (read
    // from history, or live once the processor re-read the shard).
    expect(open.recovery.recovered).toEqual({ WOPEN: 0 });
    expect(open.seqs).toEqual([]);
    expect(closed.recovery.unrecovered).toEqual([]);
    expect([...new Set(closed.seqs)]).toEqual([6]);
  });

  it('answers EXPIRED with the range and the snapshot when the history no longer holds since + 1', async () => {
    // Arrange: XA's trades 1…30 are past the history's 7-day TTL (DynamoDB deletes expired
    // items lazily; dynalite never does: the reader leaves them out); 31…40 are current.
    const process = streamProcessor();
    await process(batch(['XA'], 1, 30, Date.now() - 8 * DAY_MS));
    await process(batch(['XA'], 31, 40));
    const client = await connect();

    // Act
    const recovery = await resubscribe(client, { XA: 10 });

    // Assert
    const snapshot = client.messages.find((m) => m.type === 'snapshot');
    expect(recovery).toEqual({
      type: 'recovery',
      recovered: {},
      unrecovered: [{ symbol: 'XA', reason: 'EXPIRED', from: 11, to: 39 }],
    });
    expect(snapshot?.type === 'snapshot' && snapshot.trades.map((t) => [t.symbol, t.seq])).toEqual([
      ['XA', 40],
    ]);
    expect(client.trades()).toEqual([]);
  });

  it('answers UNAVAILABLE and the snapshot without a history table', async () => {
    // Arrange
    const process = streamProcessor();
    await process(batch(['UA'], 1, 12));
    route = messageHandler({ history: undefined });
    const client = await connect();

    // Act
    const recovery = await resubscribe(client, { UA: 3 });
    route = messageHandler();

    // Assert
    expect(recovery.unrecovered).toEqual([
      { symbol: 'UA', reason: 'UNAVAILABLE', from: 4, to: 11 },
    ]);
    expect(client.messages.map((m) => m.type)).toEqual(['subscribed', 'snapshot', 'recovery']);
  });

  it('answers TOO_MANY past maxRecoveredTrades, in the order named, and recovers the ones that fit', async () => {
    // Arrange: a budget of 50; TA misses 40, TB 30 (past the 10 left), TC 10.
    const process = streamProcessor();
    await process(batch(['TA', 'TB', 'TC'], 1, 60));
    route = messageHandler({ maxRecoveredTrades: 50 });
    const client = await connect();

    // Act
    const recovery = await resubscribe(client, { TA: 20, TB: 30, TC: 50 });
    route = messageHandler();

    // Assert
    expect(recovery).toEqual({
      type: 'recovery',
      recovered: { TA: 40, TC: 10 },
      unrecovered: [{ symbol: 'TB', reason: 'TOO_MANY', from: 31, to: 59 }],
    });
    expect(seqsOf(client, 'TA')).toEqual(Array.from({ length: 40 }, (_, i) => 21 + i));
    expect(seqsOf(client, 'TC')).toEqual(Array.from({ length: 10 }, (_, i) => 51 + i));
    expect(seqsOf(client, 'TB')).toEqual([]);
  });
});
