import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { createApiGatewayTransport, MemoryConnectionStore } from '@market-stream/fanout';
import {
  createConnectHandler,
  createDisconnectHandler,
  createMessageHandler,
  createStreamProcessor,
} from '@market-stream/fanout/lambda';
import { type ApiGatewayEmulator, startApiGatewayEmulator } from '@market-stream/fanout/local';
import { filter, firstValueFrom, type Observable, take, timeout, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { emulatorManagementClient } from '../../../../tests/helpers/apiGateway.js';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { createTickerClient, type TickerClient } from '../../src/index.js';
import { kinesisEvent, memoryLatest } from '../helpers/lambdaDoubles.js';

const next = <T>(source: Observable<T>, predicate: (value: T) => boolean = () => true) =>
  firstValueFrom(source.pipe(filter(predicate), take(1), timeout(10_000)));

describe('createTickerClient() against API Gateway (local emulator, real Lambda handlers)', () => {
  let emulator: ApiGatewayEmulator;
  let processor: ReturnType<typeof createStreamProcessor>;
  let client: TickerClient;

  beforeAll(async () => {
    const store = new MemoryConnectionStore({ shards: 2 });
    const latest = memoryLatest();
    let management: ApiGatewayManagementApiClient | undefined;
    const managementClient = () =>
      (management ??= emulatorManagementClient(emulator.managementEndpoint));
    const message = createMessageHandler({
      store,
      latest,
      shards: 2,
      transport: () => createApiGatewayTransport({ client: managementClient(), store }),
    });
    // Routes by `action`, as API Gateway's `$request.body.action` selection expression does.
    emulator = await startApiGatewayEmulator({
      handlers: {
        connect: createConnectHandler({ store, shards: 2 }),
        disconnect: createDisconnectHandler({ store }),
        message: { subscribe: message, unsubscribe: message, ping: message },
      },
    });
    processor = createStreamProcessor({
      store,
      shards: 2,
      mode: 'all',
      latest,
      transport: createApiGatewayTransport({ client: managementClient(), store }),
    });
  });
  afterAll(async () => {
    client?.close();
    await emulator?.close();
  });

  it('subscribes, gets the snapshot, then trades in order, with the same client code', async () => {
    await processor(kinesisEvent([tradeFactory({ symbol: 'AAPL', seq: 4, price: 150 })]));
    client = createTickerClient({ url: emulator.url, WebSocket, symbols: ['AAPL', 'TSLA'] });

    const snapshot = await next(client.trades$);
    const live = firstValueFrom(client.trades$.pipe(take(3), toArray(), timeout(10_000)));
    await processor(
      kinesisEvent([
        tradeFactory({ symbol: 'AAPL', seq: 5, price: 151 }),
        tradeFactory({ symbol: 'TSLA', seq: 1, price: 200 }),
        tradeFactory({ symbol: 'MSFT', seq: 1 }),
        tradeFactory({ symbol: 'AAPL', seq: 6, price: 152 }),
      ]),
    );

    expect(snapshot).toMatchObject({ symbol: 'AAPL', seq: 4, price: 150 });
    const trades = await live;
    expect(trades.map((trade) => `${trade.symbol}#${trade.seq}`).sort()).toEqual([
      'AAPL#5',
      'AAPL#6',
      'TSLA#1',
    ]);
    expect(client.latest('AAPL')?.price).toBe(152);
    expect(client.latest('MSFT')).toBeUndefined();
  });

  it('unsubscribes through the unsubscribe route: the server stops sending the symbol', async () => {
    client.unsubscribe(['TSLA']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    emulator.resetStats();
    const aapl = next(client.trades$, (trade) => trade.symbol === 'AAPL');

    await processor(kinesisEvent([tradeFactory({ symbol: 'TSLA', seq: 2 })]));
    const afterTsla = emulator.stats().posts;
    await processor(kinesisEvent([tradeFactory({ symbol: 'AAPL', seq: 7 })]));
    await aapl;

    expect(afterTsla).toBe(0);
    expect(emulator.stats().posts).toBe(1);
    expect(client.symbols).toEqual(['AAPL']);
  });
});
