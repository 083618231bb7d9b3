import type { Trade } from '@market-stream/core';
import { describe, expect, it } from 'vitest';
import { tradeFactory, tradeSequence } from '../../../../tests/helpers/factories.js';
import { buildDeliveries } from '../../src/engine/buildDeliveries.js';
import type { ConnectionRecord } from '../../src/types.js';

function connection(id: string, symbols: string[], mode?: 'all' | 'latest'): ConnectionRecord {
  return { id, shard: 0, symbols, connectedAt: 0, ...(mode ? { mode } : {}) };
}

function received(deliveries: ReturnType<typeof buildDeliveries>): Map<string, Trade[]> {
  const byConnection = new Map<string, Trade[]>();
  for (const { payload, connectionIds } of deliveries) {
    const message = JSON.parse(payload) as { type: string; trades: Trade[] };
    expect(message.type).toBe('trades');
    for (const id of connectionIds) {
      expect(byConnection.has(id)).toBe(false);
      byConnection.set(id, message.trades);
    }
  }
  return byConnection;
}

describe('buildDeliveries()', () => {
  const trades = tradeSequence(['AAPL', 'MSFT', 'TSLA'], 3);

  it('gives each connection only its subscribed symbols, every trade in seq order in all mode', () => {
    const deliveries = buildDeliveries(
      trades,
      [connection('a', ['AAPL']), connection('b', ['TSLA', 'AAPL'])],
      'all',
    );

    const byConnection = received(deliveries);
    expect(byConnection.get('a')!.map((t) => `${t.symbol}#${t.seq}`)).toEqual([
      'AAPL#1',
      'AAPL#2',
      'AAPL#3',
    ]);
    expect(byConnection.get('b')!.map((t) => `${t.symbol}#${t.seq}`)).toEqual([
      'AAPL#1',
      'AAPL#2',
      'AAPL#3',
      'TSLA#1',
      'TSLA#2',
      'TSLA#3',
    ]);
  });

  it('keeps only the newest trade per symbol in latest mode, and honours a per-connection mode', () => {
    const deliveries = buildDeliveries(
      trades,
      [connection('l', ['MSFT']), connection('x', ['MSFT'], 'all')],
      'latest',
    );

    const byConnection = received(deliveries);
    expect(byConnection.get('l')!.map((t) => t.seq)).toEqual([3]);
    expect(byConnection.get('x')!.map((t) => t.seq)).toEqual([1, 2, 3]);
  });

  it('shares one payload between connections that get the same updates', () => {
    const deliveries = buildDeliveries(
      trades,
      [
        connection('a', ['AAPL', 'MSFT']),
        connection('b', ['MSFT', 'AAPL']),
        connection('c', ['AAPL', 'MSFT', 'NVDA']),
        connection('d', ['TSLA']),
      ],
      'latest',
    );

    expect(deliveries).toHaveLength(2);
    expect(deliveries.find((d) => d.connectionIds.length === 3)!.connectionIds.sort()).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('sends nothing to connections without an update, and nothing at all for no trades', () => {
    expect(buildDeliveries(trades, [connection('n', ['NVDA'])], 'all')).toEqual([]);
    expect(buildDeliveries([], [connection('a', ['AAPL'])], 'all')).toEqual([]);
  });

  it('orders out-of-order input by seq and drops repeated trades', () => {
    const input = [
      tradeFactory({ seq: 3 }),
      tradeFactory({ seq: 1 }),
      tradeFactory({ seq: 3 }),
      tradeFactory({ seq: 2 }),
    ];

    const deliveries = buildDeliveries(input, [connection('a', ['AAPL'])], 'all');

    expect(
      received(deliveries)
        .get('a')!
        .map((t) => t.seq),
    ).toEqual([1, 2, 3]);
  });

  it('produces exactly what JSON.stringify of the message would', () => {
    const deliveries = buildDeliveries(trades, [connection('a', ['MSFT', 'AAPL'])], 'all');

    const expected = JSON.stringify({
      type: 'trades',
      trades: trades
        .filter((t) => t.symbol === 'AAPL')
        .concat(trades.filter((t) => t.symbol === 'MSFT')),
    });
    expect(deliveries[0]!.payload).toBe(expected);
  });
});
