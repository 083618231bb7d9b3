import type { ServerMessage, Trade } from '@market-stream/core';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import {
  createJwtVerifier,
  MemoryConnectionStore,
  SERVERLESS_DEFAULTS,
  shardOf,
} from '../../src/index.js';
import {
  type BroadcastRequest,
  createConnectHandler,
  createDisconnectHandler,
  createMessageHandler,
  createShardBroadcaster,
  createStreamProcessor,
  LambdaConfigError,
  type LatestTradeStore,
  readEnvironment,
  type ShardReport,
} from '../../src/lambda.js';
import { kinesisEventFactory, webSocketEventFactory } from './lambda.factories.js';

const ID = 'L0SM9cOFvHcCIhw=';

function recordingTransport() {
  const sent: Array<{ id: string; message: ServerMessage }> = [];
  return {
    sent,
    send: async (id: string, payload: string) => {
      sent.push({ id, message: JSON.parse(payload) as ServerMessage });
      return 'sent' as const;
    },
  };
}

/** A transport whose sends to `failing` ids fail (after its retries), recording closes. */
function failingTransport(failing: string[]) {
  const closed: Array<{ id: string; code: number }> = [];
  return {
    closed,
    send: async (id: string) => (failing.includes(id) ? ('failed' as const) : ('sent' as const)),
    close: async (id: string, code: number) => {
      closed.push({ id, code });
    },
  };
}

function memoryLatest(trades: Trade[] = []): LatestTradeStore {
  const latest = new Map(trades.map((t) => [t.symbol, t]));
  return {
    put: async (batch) => {
      for (const t of batch) latest.set(t.symbol, t);
    },
    get: async (symbols) => symbols.flatMap((s) => (latest.has(s) ? [latest.get(s) as Trade] : [])),
  };
}

describe('createConnectHandler()', () => {
  it('registers the connection in its shard with the ?symbols= set, normalised', async () => {
    const store = new MemoryConnectionStore({ shards: 8 });
    const connect = createConnectHandler({ store, shards: 8 });

    const result = await connect(
      webSocketEventFactory({
        routeKey: '$connect',
        connectionId: ID,
        query: { symbols: 'aapl, TSLA,AAPL' },
      }),
    );

    expect(result.statusCode).toBe(200);
    expect(await store.get(ID)).toMatchObject({
      id: ID,
      shard: shardOf(ID, 8),
      symbols: ['AAPL', 'TSLA'],
    });
  });

  it('refuses invalid or too many symbols with 400 and the contract code, storing nothing', async () => {
    const store = new MemoryConnectionStore();
    const connect = createConnectHandler({ store, limits: { maxSymbols: 2 } });

    const invalid = await connect(
      webSocketEventFactory({ routeKey: '$connect', query: { symbols: 'AAPL,no way' } }),
    );
    const tooMany = await connect(
      webSocketEventFactory({ routeKey: '$connect', query: { symbols: 'A,B,C' } }),
    );

    expect(invalid.statusCode).toBe(400);
    expect(JSON.parse(invalid.body ?? '{}').code).toBe('INVALID_SYMBOL');
    expect(JSON.parse(tooMany.body ?? '{}').code).toBe('TOO_MANY_SYMBOLS');
    expect(await store.get(ID)).toBeUndefined();
  });

  it('with a JWT verifier: 401 without or with a bad token, 200 with a valid one (query, header or subprotocol)', async () => {
    const secret = 'a-very-secret-secret-of-32-bytes!';
    const jwt = createJwtVerifier({ secret, issuer: 'market-stream' });
    const store = new MemoryConnectionStore();
    const connect = createConnectHandler({ store, verifyToken: (token) => jwt.verify(token) });
    const sign = (issuer: string, expires = '5m') =>
      new SignJWT({ sub: 'user-1' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(issuer)
        .setExpirationTime(expires)
        .sign(new TextEncoder().encode(secret));
    const good = await sign('market-stream');

    const none = await connect(webSocketEventFactory({ routeKey: '$connect', connectionId: 'a=' }));
    const wrongIssuer = await connect(
      webSocketEventFactory({
        routeKey: '$connect',
        connectionId: 'b=',
        query: { token: await sign('other') },
      }),
    );
    const byQuery = await connect(
      webSocketEventFactory({ routeKey: '$connect', connectionId: 'c=', query: { token: good } }),
    );
    const byHeader = await connect(
      webSocketEventFactory({
        routeKey: '$connect',
        connectionId: 'd=',
        headers: { Authorization: `Bearer ${good}` },
      }),
    );
    const byProtocol = await connect(
      webSocketEventFactory({
        routeKey: '$connect',
        connectionId: 'e=',
        headers: { 'Sec-WebSocket-Protocol': `bearer, ${good}` },
      }),
    );

    expect([none.statusCode, wrongIssuer.statusCode]).toEqual([401, 401]);
    expect(JSON.parse(none.body ?? '{}').code).toBe('UNAUTHORIZED');
    expect([byQuery.statusCode, byHeader.statusCode, byProtocol.statusCode]).toEqual([
      200, 200, 200,
    ]);
    expect(byProtocol.headers).toEqual({ 'Sec-WebSocket-Protocol': 'bearer' });
    expect(await store.get('a=')).toBeUndefined();
    expect(await store.get('b=')).toBeUndefined();
    expect(await store.get('e=')).toBeDefined();
  });
});

describe('createDisconnectHandler()', () => {
  it('forgets the connection, and is a no-op for an unknown one', async () => {
    const store = new MemoryConnectionStore();
    await store.put({ id: ID, shard: shardOf(ID, 16), symbols: ['AAPL'], connectedAt: 0 });
    const disconnect = createDisconnectHandler({ store });

    await disconnect(webSocketEventFactory({ routeKey: '$disconnect', connectionId: ID }));
    const again = await disconnect(
      webSocketEventFactory({ routeKey: '$disconnect', connectionId: ID }),
    );

    expect(await store.get(ID)).toBeUndefined();
    expect(again.statusCode).toBe(200);
  });
});

describe('createMessageHandler()', () => {
  async function setup(symbols: string[] = [], latest = memoryLatest()) {
    const store = new MemoryConnectionStore();
    await store.put({ id: ID, shard: shardOf(ID, 16), symbols, connectedAt: 0 });
    const transport = recordingTransport();
    const handle = createMessageHandler({ store, transport, latest, limits: { maxSymbols: 3 } });
    const send = (body: string, isBase64Encoded = false) => {
      const event = webSocketEventFactory({ connectionId: ID, body });
      event.isBase64Encoded = isBase64Encoded;
      return handle(event);
    };
    return { store, transport, send };
  }

  it('answers subscribe with the full set, then a snapshot of the new symbols only', async () => {
    const aapl = tradeFactory({ symbol: 'AAPL', seq: 9 });
    const { store, transport, send } = await setup(
      ['MSFT'],
      memoryLatest([aapl, tradeFactory({ symbol: 'MSFT' })]),
    );

    await send('{"action":"subscribe","symbols":["aapl","MSFT","NEWCO"]}');

    expect(transport.sent.map((s) => s.message)).toEqual([
      { type: 'subscribed', symbols: ['AAPL', 'MSFT', 'NEWCO'] },
      { type: 'snapshot', trades: [aapl] },
    ]);
    expect(transport.sent.every((s) => s.id === ID)).toBe(true);
    expect((await store.get(ID))?.symbols).toEqual(['AAPL', 'MSFT', 'NEWCO']);
  });

  it('unsubscribes, pongs, decodes base64 frames, and reports bad input with contract codes', async () => {
    const { store, transport, send } = await setup(['AAPL', 'TSLA']);

    await send('{"action":"unsubscribe","symbol":"TSLA"}');
    await send(Buffer.from('{"action":"ping"}').toString('base64'), true);
    await send('{"action":"subscribe","symbols":["A","B","C"]}');
    await send('nope');
    await send('{"action":"fly"}');
    await send(JSON.stringify({ action: 'subscribe', symbols: ['X'.repeat(5_000)] }));

    expect(transport.sent.map((s) => s.message)).toEqual([
      { type: 'subscribed', symbols: ['AAPL'] },
      { type: 'pong' },
      expect.objectContaining({ type: 'error', code: 'TOO_MANY_SYMBOLS' }),
      expect.objectContaining({ type: 'error', code: 'BAD_JSON' }),
      expect.objectContaining({ type: 'error', code: 'UNKNOWN_ACTION' }),
      expect.objectContaining({ type: 'error', code: 'MESSAGE_TOO_LARGE' }),
    ]);
    expect((await store.get(ID))?.symbols).toEqual(['AAPL']);
  });
});

describe('createStreamProcessor()', () => {
  it('hands every shard to the broadcaster, with only the newest trade per symbol in latest mode', async () => {
    const requests: BroadcastRequest[] = [];
    const processor = createStreamProcessor({
      store: new MemoryConnectionStore(),
      shards: 4,
      broadcast: async (request) => {
        requests.push(request);
      },
    });
    const trades = [1, 2, 3].map((seq) => tradeFactory({ symbol: 'AAPL', seq }));

    const response = await processor(kinesisEventFactory(trades));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(requests.map((r) => r.shard).sort()).toEqual([0, 1, 2, 3]);
    expect(
      requests.every((r) => r.mode === 'latest' && r.trades.length === 1 && r.trades[0]?.seq === 3),
    ).toBe(true);
  });

  it('reports every record failed, and sends nothing, when the history write fails', async () => {
    const store = new MemoryConnectionStore({ shards: 1 });
    await store.put({ id: ID, shard: 0, symbols: ['AAPL'], connectedAt: 0 });
    const transport = recordingTransport();
    const processor = createStreamProcessor({
      store,
      transport,
      shards: 1,
      history: async () => {
        throw new Error('throttled');
      },
    });
    const event = kinesisEventFactory([tradeFactory(), tradeFactory({ seq: 2 })]);

    const response = await processor(event);

    expect(response.batchItemFailures).toEqual(
      event.Records.map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber })),
    );
    expect(transport.sent).toEqual([]);
  });

  it('skips undecodable records by default, and reports them with reportDecodeFailures', async () => {
    const make = (reportDecodeFailures: boolean) =>
      createStreamProcessor({
        store: new MemoryConnectionStore(),
        transport: recordingTransport(),
        reportDecodeFailures,
        onDecodeFailure: () => {},
      });
    const event = kinesisEventFactory([tradeFactory()], { raw: ['{"symbol":"AAPL"}', 'garbage'] });
    const poison = event.Records.slice(1).map((r) => ({
      itemIdentifier: r.kinesis.sequenceNumber,
    }));

    expect(await make(false)(event)).toEqual({ batchItemFailures: [] });
    expect(await make(true)(event)).toEqual({ batchItemFailures: poison });
  });

  it('sends each connection of a shard one trades message with only its symbols', async () => {
    const store = new MemoryConnectionStore({ shards: 1 });
    await store.put({ id: 'a=', shard: 0, symbols: ['AAPL'], connectedAt: 0 });
    await store.put({ id: 'b=', shard: 0, symbols: ['TSLA', 'AAPL'], connectedAt: 0 });
    await store.put({ id: 'c=', shard: 0, symbols: ['GOOG'], connectedAt: 0 });
    const transport = recordingTransport();
    const processor = createStreamProcessor({ store, transport, shards: 1, mode: 'all' });
    const trades = [
      tradeFactory({ symbol: 'AAPL', seq: 1 }),
      tradeFactory({ symbol: 'TSLA', seq: 1 }),
      tradeFactory({ symbol: 'AAPL', seq: 2 }),
    ];

    await processor(kinesisEventFactory(trades));

    const byId = Object.fromEntries(transport.sent.map((s) => [s.id, s.message]));
    expect(transport.sent).toHaveLength(2);
    expect(byId['a=']).toEqual({ type: 'trades', trades: [trades[0], trades[2]] });
    expect(byId['b=']).toEqual({ type: 'trades', trades: [trades[0], trades[2], trades[1]] });
  });
});

describe('createStreamProcessor() delivery failures', () => {
  it('closes an all-mode connection whose send failed and counts it; a latest-mode one stays open', async () => {
    // Arrange
    const store = new MemoryConnectionStore({ shards: 1 });
    await store.put({ id: 'all=', shard: 0, symbols: ['AAPL'], connectedAt: 0 });
    await store.put({ id: 'latest=', shard: 0, symbols: ['AAPL'], connectedAt: 0, mode: 'latest' });
    await store.put({ id: 'fine=', shard: 0, symbols: ['AAPL'], connectedAt: 0 });
    const transport = failingTransport(['all=', 'latest=']);
    const reports: ShardReport[] = [];
    const processor = createStreamProcessor({
      store,
      transport,
      shards: 1,
      mode: 'all',
      onShardReport: (report) => reports.push(report),
    });

    // Act
    const response = await processor(kinesisEventFactory([tradeFactory({ symbol: 'AAPL' })]));

    // Assert
    expect(response).toEqual({ batchItemFailures: [] });
    expect(transport.closed).toEqual([
      { id: 'all=', code: SERVERLESS_DEFAULTS.failedSendCloseCode },
    ]);
    expect(reports).toEqual([{ shard: 0, connections: 3, sent: 1, gone: 0, failed: 2, closed: 1 }]);
  });

  it('reports a close that failed too, and does not count it closed', async () => {
    // Arrange
    const store = new MemoryConnectionStore({ shards: 1 });
    await store.put({ id: 'all=', shard: 0, symbols: ['AAPL'], connectedAt: 0 });
    const refusal = new Error('LimitExceededException');
    const errors: Array<{ error: unknown; id: string }> = [];
    const reports: ShardReport[] = [];
    const processor = createStreamProcessor({
      store,
      transport: {
        send: async () => 'failed' as const,
        close: async () => {
          throw refusal;
        },
      },
      shards: 1,
      mode: 'all',
      onShardReport: (report) => reports.push(report),
      onError: (error, id) => errors.push({ error, id }),
    });

    // Act
    await processor(kinesisEventFactory([tradeFactory({ symbol: 'AAPL' })]));

    // Assert
    expect(errors).toEqual([{ error: refusal, id: 'all=' }]);
    expect(reports[0]).toMatchObject({ failed: 1, closed: 0 });
  });
});

describe('readEnvironment()', () => {
  it('applies the contract defaults', () => {
    expect(readEnvironment({ CONNECTIONS_TABLE: 'connections' })).toEqual({
      connectionsTable: 'connections',
      shards: 16,
      mode: 'latest',
    });
  });

  it('names the variable at fault', () => {
    expect(() => readEnvironment({})).toThrow(
      expect.objectContaining({ variable: 'CONNECTIONS_TABLE' }),
    );
    expect(() => readEnvironment({ CONNECTIONS_TABLE: 't', CONNECTION_SHARDS: 'zero' })).toThrow(
      LambdaConfigError,
    );
    expect(() => readEnvironment({ CONNECTIONS_TABLE: 't', FANOUT_MODE: 'some' })).toThrow(
      expect.objectContaining({ variable: 'FANOUT_MODE' }),
    );
  });

  it('requires JWT_AUDIENCE with JWT_JWKS_URL', () => {
    // Arrange
    const jwks = { CONNECTIONS_TABLE: 't', JWT_JWKS_URL: 'https://auth.example/jwks.json' };

    // Act / Assert
    expect(() => readEnvironment(jwks)).toThrow(
      expect.objectContaining({ variable: 'JWT_AUDIENCE' }),
    );
    expect(readEnvironment({ ...jwks, JWT_AUDIENCE: 'ticker' }).jwtAudience).toBe('ticker');
  });
});

describe('createShardBroadcaster()', () => {
  it('sends the connections of its shard only, one message each, and reports the outcomes', async () => {
    const store = new MemoryConnectionStore({ shards: 2 });
    await store.put({ id: 'a=', shard: 0, symbols: ['AAPL'], connectedAt: 0 });
    await store.put({ id: 'b=', shard: 0, symbols: ['MSFT'], connectedAt: 0 });
    await store.put({ id: 'c=', shard: 1, symbols: ['AAPL'], connectedAt: 0 });
    const transport = recordingTransport();
    const broadcast = createShardBroadcaster({ store, transport });
    const trade = tradeFactory({ symbol: 'AAPL', seq: 4 });

    const report = await broadcast({ shard: 0, mode: 'latest', trades: [trade] });

    expect(report).toEqual({ shard: 0, connections: 2, sent: 1, gone: 0, failed: 0, closed: 0 });
    expect(transport.sent).toEqual([{ id: 'a=', message: { type: 'trades', trades: [trade] } }]);
  });

  it('closes its all-mode connections whose send failed, and hands the report to onShardReport', async () => {
    // Arrange
    const store = new MemoryConnectionStore({ shards: 1 });
    await store.put({ id: 'a=', shard: 0, symbols: ['AAPL'], connectedAt: 0 });
    const transport = failingTransport(['a=']);
    const reports: ShardReport[] = [];
    const broadcast = createShardBroadcaster({
      store,
      transport,
      onShardReport: (report) => reports.push(report),
    });

    // Act
    const report = await broadcast({ shard: 0, mode: 'all', trades: [tradeFactory()] });

    // Assert
    expect(transport.closed.map((c) => c.id)).toEqual(['a=']);
    expect(report).toMatchObject({ failed: 1, closed: 1 });
    expect(reports).toEqual([report]);
  });
});
