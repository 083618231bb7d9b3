import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { SeqAnomaly, Trade } from '@market-stream/core';
import { createApiGatewayTransport, MemoryConnectionStore } from '@market-stream/fanout';
import {
  createConnectHandler,
  createDisconnectHandler,
  createMessageHandler,
  createStreamProcessor,
} from '@market-stream/fanout/lambda';
import { type ApiGatewayEmulator, startApiGatewayEmulator } from '@market-stream/fanout/local';
import { filter, firstValueFrom, type Observable, take, throwError, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { emulatorManagementClient } from '../../../../tests/helpers/apiGateway.js';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { startTcpProxy, type TcpProxy } from '../../../../tests/helpers/tcpProxy.js';
import { createTickerClient, type TickerClient } from '../../src/index.js';
import { kinesisEvent, memoryHistory, memoryLatest } from '../helpers/lambdaDoubles.js';

/** The first value of `source` that fits, within 15 s, or an error naming what did not come. */
const next = <T>(what: string, source: Observable<T>, predicate: (value: T) => boolean) =>
  firstValueFrom(
    source.pipe(
      filter(predicate),
      take(1),
      timeout({ first: 15_000, with: () => throwError(() => new Error(`no ${what} within 15 s`)) }),
    ),
  );

const SYMBOLS = ['AAPL', 'TSLA'];
/** Trades `from`…`to` of every symbol, seq-major. */
const batch = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) =>
    SYMBOLS.map((symbol) => tradeFactory({ symbol, seq: from + i, price: 100 + i })),
  ).flat();

/** What the client's socket received, raw and in arrival order (the client sees the same). */
const frames: { type: string; seqs: number[] }[] = [];
class RecordingWebSocket extends WebSocket {
  constructor(url: string) {
    super(url);
    this.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as { type: string; trades?: Trade[] };
      frames.push({ type: message.type, seqs: (message.trades ?? []).map((trade) => trade.seq) });
    });
  }
}

describe('createTickerClient() recovery through API Gateway (local emulator, real Lambda handlers)', () => {
  let emulator: ApiGatewayEmulator;
  let proxy: TcpProxy;
  let processor: (trades: Trade[]) => Promise<void>;
  let client: TickerClient;

  beforeAll(async () => {
    const store = new MemoryConnectionStore({ shards: 2 });
    const latest = memoryLatest();
    const history = memoryHistory();
    let management: ApiGatewayManagementApiClient | undefined;
    const managementClient = () =>
      (management ??= emulatorManagementClient(emulator.managementEndpoint));
    const message = createMessageHandler({
      store,
      latest,
      shards: 2,
      mode: 'all',
      history: history.reader,
      // Wide on purpose: live trades fanned out meanwhile overtake the recovered ones.
      recoveryDelayMs: 1_000,
      transport: () => createApiGatewayTransport({ client: managementClient(), store }),
    });
    emulator = await startApiGatewayEmulator({
      handlers: {
        connect: createConnectHandler({ store, shards: 2 }),
        disconnect: createDisconnectHandler({ store }),
        message: { subscribe: message, unsubscribe: message, ping: message },
      },
    });
    const handle = createStreamProcessor({
      store,
      shards: 2,
      mode: 'all',
      latest,
      history: history.write,
      transport: createApiGatewayTransport({ client: managementClient(), store }),
    });
    processor = async (trades) => {
      await handle(kinesisEvent(trades));
    };
    proxy = await startTcpProxy(emulator.port);
  });
  afterAll(async () => {
    client?.close();
    await proxy?.close();
    await emulator?.close();
  });

  it('merges the live trades that overtake the recovered ones: every seq once, in order, no gap', async () => {
    client = createTickerClient({
      url: emulator.url.replace(`:${emulator.port}`, `:${proxy.port}`),
      WebSocket: RecordingWebSocket,
      symbols: SYMBOLS,
      reconnect: { initialDelayMs: 50, maxDelayMs: 250 },
    });
    const seqs = new Map<string, number[]>(SYMBOLS.map((symbol) => [symbol, []]));
    const gaps: SeqAnomaly[] = [];
    client.trades$.subscribe((trade) => seqs.get(trade.symbol)?.push(trade.seq));
    client.gaps$.subscribe((gap) => gaps.push(gap));
    await next('open', client.status$, (status) => status === 'open');
    await new Promise((resolve) => setTimeout(resolve, 200)); // the subscription is stored
    await processor(batch(1, 5));
    await next('seq 5', client.latest$, (map) => map.get('TSLA')?.seq === 5);

    const report = next('recovery report', client.recovered$, () => true);
    proxy.cut(500);
    await next('reconnect', client.status$, (status) => status === 'reconnecting');
    await processor(batch(6, 10)); // missed: the connection is gone
    await next('open again', client.status$, (status) => status === 'open');
    const reconnectedAt = frames.length;
    await new Promise((resolve) => setTimeout(resolve, 300)); // stored, history not read yet
    await processor(batch(11, 12)); // live, before the recovered 6…12
    const recovered = await report;
    await processor(batch(13, 13));
    await next('seq 13', client.latest$, (map) => map.get('TSLA')?.seq === 13);

    const after = frames.slice(reconnectedAt).filter((frame) => frame.type !== 'pong');
    const live = after.findIndex((frame) => frame.type === 'trades' && frame.seqs.includes(11));
    const answer = after.findIndex((frame) => frame.type === 'recovery');
    expect(live, 'a live trade overtook the recovery answer').toBeLessThan(answer);
    expect(live).toBeGreaterThanOrEqual(0);
    for (const symbol of SYMBOLS) {
      expect(seqs.get(symbol), symbol).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    }
    expect(gaps).toEqual([]);
    expect(recovered).toEqual({ total: 14, recovered: { AAPL: 7, TSLA: 7 }, unrecovered: [] });
  });
});
