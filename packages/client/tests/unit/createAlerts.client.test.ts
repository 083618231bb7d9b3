import type { Trade } from '@market-stream/core';
import { filter, firstValueFrom, take, timeout } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import {
  type AlertEvent,
  createAlerts,
  createTickerClient,
  type TickerClient,
} from '../../src/index.js';
import { type ProtocolServer, startProtocolServer } from '../helpers/protocolServer.js';

const at = (seq: number, price: number): Trade =>
  tradeFactory({ seq, price, timestamp: 1_700_000_000_000 + seq * 1_000 });

describe('createAlerts() on a real TickerClient', () => {
  let server: ProtocolServer | undefined;
  let client: TickerClient | undefined;
  afterEach(async () => {
    client?.close();
    await server?.close();
  });

  it('fires once per crossing across a reconnect whose recovery repeats trades', async () => {
    server = await startProtocolServer();
    client = createTickerClient({
      url: server.url,
      WebSocket,
      symbols: ['AAPL'],
      reconnect: { initialDelayMs: 10, maxDelayMs: 20 },
      pingIntervalMs: 0,
    });
    const alerts = createAlerts(client, [{ id: 'up', kind: 'above', symbol: 'AAPL', price: 100 }]);
    const fired: AlertEvent[] = [];
    alerts.alerts$.subscribe((alert) => fired.push(alert));
    const seen = (seq: number) =>
      firstValueFrom(
        (client as TickerClient).trades$.pipe(
          filter((trade) => trade.seq === seq),
          take(1),
          timeout(5_000),
        ),
      );
    await server.waitFor((received) => received.length >= 1);
    const first = seen(3);
    server.send({ type: 'trades', trades: [at(1, 99), at(2, 100.5), at(3, 100.2)] });
    await first;

    server.dropAll();
    await server.connections(2);
    await server.waitFor((received) => received.length >= 2);
    const last = seen(6);
    // The recovery overlaps what the client already had (2, 3), the snapshot repeats 3.
    server.send({
      type: 'trades',
      trades: [at(2, 100.5), at(3, 100.2), at(4, 99.5), at(5, 100.4)],
    });
    server.send({ type: 'snapshot', trades: [at(3, 100.2)] });
    server.send({ type: 'recovery', recovered: { AAPL: 2 }, unrecovered: [] });
    server.send({ type: 'trades', trades: [at(5, 100.4), at(6, 100.6)] });
    await last;

    expect(fired.map((alert) => [alert.seq, alert.price])).toEqual([
      [2, 100.5],
      [5, 100.4],
    ]);
    alerts.close();
  });
});
