import type { Trade } from '@market-stream/core';
import { Subject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive } from '../../../../tests/helpers/processes.js';
import type { MergedFanoutMetrics } from '../../src/metrics/MergedFanoutMetrics.js';
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

const SYMBOLS = ['AAPL', 'MSFT', 'TSLA', 'NVDA', 'AMZN', 'GOOG'];
const CLIENTS = 40;
const ROUNDS = 20;

/** Connections per worker, as the workers report them now. */
async function perWorker(server: FanoutServer): Promise<number[]> {
  await server.refreshMetrics();
  const metrics = server.metrics as MergedFanoutMetrics;
  return metrics.byWorker().map((w) => w.connections);
}

describe('serveFanout({ workers: 2 }) with real cluster workers and ws clients', () => {
  const source = new Subject<Trade>();
  const errors: unknown[] = [];
  let server: FanoutServer;
  const clients: Array<{ client: TestClient; symbols: string[] }> = [];
  const { seq, publishRound } = roundPublisher(source, SYMBOLS);
  /** Resolves once every client has the newest trade of each of its symbols. */
  const allCaughtUp = (what: string) =>
    Promise.all(
      clients.map(({ client, symbols }) =>
        client.waitFor(
          () => symbols.every((symbol) => client.newest.get(symbol) === seq.get(symbol)),
          10_000,
          what,
        ),
      ),
    );
  /** The `seq`s of `symbol` a client received in `trades` messages, past `after`. */
  const seqsOf = (client: TestClient, symbol: string, after: number) =>
    client
      .trades()
      .filter((t) => t.symbol === symbol && t.seq > after)
      .map((t) => t.seq);
  const openClient = async (symbols: string[]) => {
    const client = await TestClient.open(`${server.url}?symbols=${symbols.join(',')}`);
    await client.waitFor(() => client.messages.length >= 2, 10_000, 'subscribed and snapshot');
    return client;
  };

  beforeAll(async () => {
    server = await serveFanout({
      workers: 2,
      port: 0,
      source,
      mode: 'all',
      maxPayload: 8 * 1024,
      onError: (error) => errors.push(error),
    });
    publishRound();
    const next = random(7);
    clients.push(
      ...(await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          const symbols = pick(SYMBOLS, 3, next);
          return { client: await openClient(symbols), symbols };
        }),
      )),
    );
  });

  afterAll(async () => {
    for (const { client } of clients) client.socket.terminate();
    await server?.close();
  });

  it('spreads clients over both workers and gives each its snapshot first, then every trade of its symbols once, in seq order', async () => {
    const before = new Map(seq);

    for (let round = 0; round < ROUNDS; round++) {
      publishRound();
      await pause(2);
    }
    await allCaughtUp('the last round');

    for (const { client, symbols } of clients) {
      expectSubscribedThenFirstSnapshot(client, symbols);
      for (const symbol of symbols) {
        const first = before.get(symbol)! + 1;
        expect(seqsOf(client, symbol, 0)).toEqual(
          Array.from({ length: ROUNDS }, (_, i) => first + i),
        );
      }
    }
    const counts = await perWorker(server);
    expect(counts).toHaveLength(2);
    expect(counts.every((count) => count > 0)).toBe(true);
    const snapshot = await server.refreshMetrics();
    expect(snapshot.connections).toBe(CLIENTS);
    expect(snapshot.subscriptions).toBe(CLIENTS * 3);
    expect(snapshot.workers).toBe(2);
    expect(snapshot.tradesIn).toBe((ROUNDS + 1) * SYMBOLS.length);
    expect(server.metrics.toPrometheus()).toContain('market_stream_fanout_workers 2');
  });

  it('answers malformed, oversized and flooding clients in their worker while every other client on both workers keeps receiving', async () => {
    const bad = await openClient(['AAPL']);
    const oversized = await openClient(['AAPL']);
    const flood = await openClient(['AAPL']);
    const start = new Map(seq);

    bad.send('{this is not json');
    bad.send({ action: 'launch' });
    oversized.send('x'.repeat(9 * 1024));
    for (let i = 0; i < 200; i++) flood.send({ action: 'ping' });
    for (let round = 0; round < 5; round++) {
      publishRound();
      await pause(10);
    }

    await bad.waitFor(() => bad.errorCodes().length >= 2, 10_000, 'two errors');
    await oversized.waitFor(() => oversized.closeCode !== undefined, 10_000, 'the 1009 close');
    await flood.waitFor(() => flood.errorCodes().includes('RATE_LIMITED'), 10_000, 'RATE_LIMITED');
    await allCaughtUp('five more rounds');
    expect(bad.errorCodes()).toEqual(['BAD_JSON', 'UNKNOWN_ACTION']);
    expect(bad.socket.readyState).toBe(bad.socket.OPEN);
    expect(oversized.closeCode).toBe(1009);
    for (const { client, symbols } of clients) {
      expect(client.errorCodes()).toEqual([]);
      for (const symbol of symbols) {
        const after = start.get(symbol)!;
        expect(seqsOf(client, symbol, after)).toEqual([1, 2, 3, 4, 5].map((i) => after + i));
      }
    }
    for (const client of [bad, flood]) client.close();
    await eventually(
      async () => (await server.refreshMetrics()).connections === CLIENTS,
      10_000,
      'the three to be gone',
    );
    expect(server.metrics.snapshot().errors.BAD_JSON).toBe(1);
    expect(server.metrics.snapshot().drops.rate_limited).toBeGreaterThan(0);
  });

  it('closes the clients of a worker sent SIGTERM with 1012 and a reason, and restarts the worker', async () => {
    const [victim] = server.workerPids();
    const before = server.metrics.snapshot().workerRestarts;
    const extra = await Promise.all(Array.from({ length: 4 }, () => openClient(['TSLA'])));

    process.kill(victim!, 'SIGTERM');

    await eventually(() => !alive(victim!), 10_000, 'the worker to exit');
    await eventually(
      () => server.metrics.snapshot().workers === 2 && server.workerPids().length === 2,
      20_000,
      'a second worker again',
    );
    const closed = [...clients.map(({ client }) => client), ...extra].filter(
      (client) => client.closeCode !== undefined,
    );
    expect(closed.length).toBeGreaterThan(0);
    for (const client of closed) {
      expect(client.closeCode).toBe(1012);
      expect(client.closeReason).toBe('worker restarting');
    }
    expect(server.metrics.snapshot().workerRestarts).toBe(before + 1);
    expect(server.workerPids()).not.toContain(victim);
    for (const client of extra) client.close();
  });

  it('restarts a worker killed with SIGKILL and primes it, so reconnecting clients get a full snapshot', async () => {
    const [victim] = server.workerPids();
    const before = server.metrics.snapshot().workerRestarts;

    process.kill(victim!, 'SIGKILL');

    await eventually(
      () => server.metrics.snapshot().workerRestarts === before + 1,
      10_000,
      'the restart',
    );
    await eventually(
      () => server.metrics.snapshot().workers === 2,
      20_000,
      'a second worker again',
    );
    const reconnected = await Promise.all(Array.from({ length: 6 }, () => openClient(SYMBOLS)));
    const counts = await perWorker(server);
    expect(counts.every((count) => count > 0)).toBe(true);
    for (const client of reconnected) {
      const snapshot = client.messages[1];
      expect(snapshot?.type).toBe('snapshot');
      if (snapshot?.type !== 'snapshot') continue;
      expect(snapshot.trades.map((t) => `${t.symbol}#${t.seq}`).sort()).toEqual(
        SYMBOLS.map((symbol) => `${symbol}#${seq.get(symbol)}`).sort(),
      );
    }
    for (const client of reconnected) client.close();
    expect(errors).toEqual([]);
  });

  it('close() sends 1001 to every client and ends every worker process', async () => {
    const open = await Promise.all(Array.from({ length: 6 }, () => openClient(['MSFT'])));
    const pids = server.workerPids();
    expect(pids).toHaveLength(2);

    await server.close();

    for (const client of open) {
      await client.waitFor(() => client.closeCode !== undefined, 5_000, 'the close');
      expect(client.closeCode).toBe(1001);
    }
    expect(pids.every((pid) => !alive(pid))).toBe(true);
    expect(server.workerPids()).toEqual([]);
    expect(server.metrics.snapshot().workers).toBe(0);
  });
});
