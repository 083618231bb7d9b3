import type { Trade } from '@market-stream/core';
import { Subject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FanoutServer, serveFanout } from '../../src/transports/ws/serveFanout.js';
import {
  eventually,
  expectSubscribedThenFirstSnapshot,
  pause,
  pick,
  random,
  roundPublisher,
  TestClient,
} from './ws.helpers.js';

const SYMBOLS = Array.from({ length: 20 }, (_, i) => `SYM${String.fromCharCode(65 + i)}`);
const CLIENTS = 1_000;
const ROUNDS = 40;

describe('serveFanout() with 1,000 real ws clients', () => {
  const source = new Subject<Trade>();
  let server: FanoutServer;
  const clients: Array<{ client: TestClient; symbols: string[] }> = [];
  const { seq, publishRound } = roundPublisher(source, SYMBOLS);

  beforeAll(async () => {
    server = await serveFanout({ port: 0, source, mode: 'all', maxMessagesPerSecond: 20 });
    publishRound();
    const next = random(42);
    for (let i = 0; i < CLIENTS; i += 100) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(100, CLIENTS - i) }, async () => {
          const symbols = pick(SYMBOLS, 5, next);
          const client = await TestClient.open(`${server.url}?symbols=${symbols.join(',')}`);
          return { client, symbols };
        }),
      );
      clients.push(...batch);
    }
  });

  afterAll(async () => {
    for (const { client } of clients) client.socket.terminate();
    await server?.close();
  });

  it('gives every client its subscribed set and a snapshot first, then exactly its symbols, in seq order, with no gaps or duplicates', async () => {
    await Promise.all(
      clients.map(({ client }) =>
        client.waitFor(() => client.messages.length >= 2, 20_000, 'subscribed and snapshot'),
      ),
    );
    for (let round = 0; round < ROUNDS; round++) {
      publishRound();
      await pause(5);
    }
    const last = ROUNDS + 1;
    await Promise.all(
      clients.map(({ client, symbols }) =>
        client.waitFor(
          () => symbols.every((symbol) => client.newest.get(symbol) === last),
          30_000,
          'the last round',
        ),
      ),
    );

    for (const { client, symbols } of clients) {
      expectSubscribedThenFirstSnapshot(client, symbols);
      expect(client.messages.slice(2).every((m) => m.type === 'trades')).toBe(true);
      const bySymbol = new Map<string, number[]>();
      for (const trade of client.trades()) {
        bySymbol.set(trade.symbol, [...(bySymbol.get(trade.symbol) ?? []), trade.seq]);
      }
      expect([...bySymbol.keys()].sort()).toEqual([...symbols].sort());
      for (const seqs of bySymbol.values()) {
        expect(seqs).toEqual(Array.from({ length: ROUNDS }, (_, i) => i + 2));
      }
    }
    expect(server.metrics.connections).toBe(CLIENTS);
    expect(server.metrics.subscriptions).toBe(CLIENTS * 5);
  });

  it('answers malformed, oversized, unknown, invalid and flooding clients with the right codes while others are unaffected', async () => {
    const watcher = await TestClient.open(`${server.url}?symbols=SYMA`);
    const bad = await TestClient.open(server.url);
    const flood = await TestClient.open(server.url);
    await watcher.waitFor(() => watcher.messages.length >= 2);
    const start = seq.get('SYMA')!;

    bad.send('{this is not json');
    bad.send({ action: 'subscribe', symbols: ['X'.repeat(5_000)] });
    bad.send({ action: 'launch' });
    bad.send({ action: 'subscribe', symbols: ['not a symbol'] });
    bad.send({ action: 'subscribe', symbols: Array.from({ length: 51 }, (_, i) => `S${i}`) });
    for (let i = 0; i < 200; i++) flood.send({ action: 'ping' });
    for (let round = 0; round < 5; round++) {
      publishRound();
      await pause(20);
    }

    await bad.waitFor(() => bad.errorCodes().length >= 5, 10_000, 'five errors');
    await flood.waitFor(() => flood.errorCodes().includes('RATE_LIMITED'), 10_000, 'RATE_LIMITED');
    await watcher.waitFor(() => watcher.trades().some((t) => t.seq === start + 5));
    expect(bad.errorCodes()).toEqual([
      'BAD_JSON',
      'MESSAGE_TOO_LARGE',
      'UNKNOWN_ACTION',
      'INVALID_SYMBOL',
      'TOO_MANY_SYMBOLS',
    ]);
    expect(bad.socket.readyState).toBe(bad.socket.OPEN);
    expect(flood.messages.filter((m) => m.type === 'pong').length).toBeLessThan(200);
    expect(watcher.trades().map((t) => t.seq)).toEqual([1, 2, 3, 4, 5].map((i) => start + i));
    expect(watcher.errorCodes()).toEqual([]);
    for (const client of [watcher, bad, flood]) client.close();
    await eventually(() => server.metrics.connections === CLIENTS, 10_000, 'three closed');
  });

  it('forgets the 10% of clients that vanish abruptly and keeps serving the rest', async () => {
    const vanished = clients.filter((_, i) => i % 10 === 0);
    const staying = clients.filter((_, i) => i % 10 !== 0);

    for (const { client } of vanished) client.socket.terminate();
    publishRound();
    await eventually(
      () => server.metrics.connections === staying.length,
      20_000,
      'connections to drop to 90%',
    );
    await server.fanout.settled();
    const last = seq.get(SYMBOLS[0]!)!;
    await Promise.all(
      staying.map(({ client, symbols }) =>
        client.waitFor(
          () => symbols.every((symbol) => client.newest.get(symbol) === last),
          20_000,
          'the round after the vanishing',
        ),
      ),
    );

    expect(server.metrics.subscriptions).toBe(staying.length * 5);
    let stored = 0;
    for (let shard = 0; shard < 16; shard++) {
      stored += (await server.fanout.store.listShard(shard)).length;
    }
    expect(stored).toBe(staying.length);
    expect([...server.fanout.connectionIds()]).toHaveLength(staying.length);
  });
});
