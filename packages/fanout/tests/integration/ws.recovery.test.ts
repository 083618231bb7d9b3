import type { RecoveryMessage, SnapshotMessage, Trade } from '@market-stream/core';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../../../tests/helpers/tcpProxy.js';
import type { MergedFanoutMetrics } from '../../src/metrics/MergedFanoutMetrics.js';
import { type ServeFanoutOptions, serveFanout } from '../../src/transports/ws/serveFanout.js';
import { eventually, pause, roundPublisher, TestClient } from './ws.helpers.js';

const SYMBOLS = Array.from({ length: 20 }, (_, i) => `SYM${String.fromCharCode(65 + i)}`);
/** One round (a trade of every symbol) every 20 ms: 50 trades/s per symbol. */
const ROUND_MS = 20;
const CUT_MS = 2_000;

/** A server in `all` mode on a ticking source, and a TCP proxy in front of it. */
async function start(options: ServeFanoutOptions, cleanup: Array<() => Promise<void> | void>) {
  const source = new Subject<Trade>();
  const server = await serveFanout({ port: 0, mode: 'all', source, ...options });
  cleanup.push(() => server.close());
  const proxy = await startTcpProxy(server.port);
  cleanup.push(() => proxy.close());
  const { seq, publishRound } = roundPublisher(source, SYMBOLS);
  publishRound();
  const ticker = setInterval(publishRound, ROUND_MS);
  const stop = () => clearInterval(ticker);
  cleanup.push(stop);
  return { server, proxy, seq, stop };
}

/** Opens a connection through `proxy`, retrying while it refuses (bounded by `timeoutMs`). */
async function reconnect(proxy: TcpProxy, timeoutMs = 10_000): Promise<TestClient> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await TestClient.open(`ws://127.0.0.1:${proxy.port}/ws`);
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`could not reconnect through the proxy: ${error}`);
      await pause(100);
    }
  }
}

/** The highest `seq` `client` holds per symbol, from its snapshots and trades. */
function held(client: TestClient): Record<string, number> {
  const newest: Record<string, number> = {};
  for (const message of client.messages) {
    if (message.type !== 'trades' && message.type !== 'snapshot') continue;
    for (const { symbol, seq } of message.trades)
      newest[symbol] = Math.max(newest[symbol] ?? 0, seq);
  }
  return newest;
}

/** `client`'s `seq`s of `symbol` from `trades` messages, in the order received. */
const seqsOf = (client: TestClient, symbol: string) =>
  client
    .trades()
    .filter((t) => t.symbol === symbol)
    .map((t) => t.seq);

const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

const snapshotOf = (client: TestClient) =>
  client.messages.find((m): m is SnapshotMessage => m.type === 'snapshot');

const recoveryOf = (client: TestClient) =>
  client.messages.find((m): m is RecoveryMessage => m.type === 'recovery');

/**
 * A client subscribed to every symbol through `proxy`, cut off for `CUT_MS`: it reconnects as
 * soon as the proxy lets it and resubscribes with `since` = the last `seq` it holds per symbol.
 */
async function cutAndResubscribe(proxy: TcpProxy) {
  const first = await TestClient.open(
    `ws://127.0.0.1:${proxy.port}/ws?symbols=${SYMBOLS.join(',')}`,
  );
  await first.waitFor(() => first.messages.length >= 2, 10_000, 'subscribed and snapshot');
  await first.waitFor(
    () => SYMBOLS.every((symbol) => first.newest.has(symbol)),
    10_000,
    'live trades of every symbol',
  );
  await pause(300);
  proxy.cut(CUT_MS);
  await first.waitFor(() => first.closeCode !== undefined, 10_000, 'the cut to close the socket');
  const since = held(first);
  const second = await reconnect(proxy);
  second.send({ action: 'subscribe', symbols: SYMBOLS, since });
  await second.waitFor(() => recoveryOf(second) !== undefined, 10_000, 'the recovery message');
  return { first, second, since };
}

describe('serveFanout() recovery by seq, real sockets through a TCP proxy', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('gives a client cut for 2 s every seq of its 20 symbols exactly once, in order', async () => {
    const { proxy, seq, stop } = await start({}, cleanup);

    const { first, second, since } = await cutAndResubscribe(proxy);
    await pause(200);
    stop();
    await second.waitFor(
      () => SYMBOLS.every((symbol) => second.newest.get(symbol) === seq.get(symbol)),
      10_000,
      'the last trade of every symbol',
    );

    const recovery = recoveryOf(second)!;
    expect(recovery.unrecovered).toEqual([]);
    expect(Object.keys(recovery.recovered).sort()).toEqual([...SYMBOLS].sort());
    expect(second.messages[0]).toEqual({ type: 'subscribed', symbols: [...SYMBOLS].sort() });
    // Recovered trades, then the recovery message, then live trades: no snapshot.
    expect(snapshotOf(second)).toBeUndefined();
    const start0 = snapshotOf(first)!.trades;
    for (const symbol of SYMBOLS) {
      const from = start0.find((t) => t.symbol === symbol)!.seq + 1;
      const received = [...seqsOf(first, symbol), ...seqsOf(second, symbol)];
      expect(received, symbol).toEqual(range(from, seq.get(symbol)!));
      expect(recovery.recovered[symbol]).toBeGreaterThan(0);
      expect(since[symbol]! + recovery.recovered[symbol]!).toBeLessThanOrEqual(seq.get(symbol)!);
    }
  });

  it('says EXPIRED with the range lost and sends the snapshot when the cut outlasts the buffer', async () => {
    // 20 trades per symbol: 0.4 s at 50 trades/s, far less than the cut.
    const { proxy, seq, stop } = await start({ replay: { tradesPerSymbol: 20 } }, cleanup);

    const { second, since } = await cutAndResubscribe(proxy);
    await pause(200);
    stop();
    await second.waitFor(
      () => SYMBOLS.every((symbol) => second.newest.get(symbol) === seq.get(symbol)),
      10_000,
      'the last trade of every symbol',
    );

    const types = second.messages.map((m) => m.type);
    expect(types.slice(0, 3)).toEqual(['subscribed', 'snapshot', 'recovery']);
    const snapshot = snapshotOf(second)!.trades;
    const recovery = recoveryOf(second)!;
    expect(recovery.recovered).toEqual({});
    expect(recovery.unrecovered).toHaveLength(SYMBOLS.length);
    for (const symbol of SYMBOLS) {
      const newest = snapshot.find((t) => t.symbol === symbol)!.seq;
      expect(recovery.unrecovered.find((u) => u.symbol === symbol)).toEqual({
        symbol,
        reason: 'EXPIRED',
        from: since[symbol]! + 1,
        to: newest - 1,
      });
      // Nothing of the range lost arrives; live trades follow the snapshot with no hole.
      expect(seqsOf(second, symbol)).toEqual(range(newest + 1, seq.get(symbol)!));
    }
  });

  it('recovers across workers: each worker keeps its own buffer (workers: 2)', async () => {
    const { server, proxy, seq, stop } = await start({ workers: 2 }, cleanup);

    const { first, second } = await cutAndResubscribe(proxy);
    await pause(200);
    stop();
    await second.waitFor(
      () => SYMBOLS.every((symbol) => second.newest.get(symbol) === seq.get(symbol)),
      10_000,
      'the last trade of every symbol',
    );

    expect(recoveryOf(second)!.unrecovered).toEqual([]);
    const start0 = snapshotOf(first)!.trades;
    for (const symbol of SYMBOLS) {
      const from = start0.find((t) => t.symbol === symbol)!.seq + 1;
      const received = [...seqsOf(first, symbol), ...seqsOf(second, symbol)];
      expect(received, symbol).toEqual(range(from, seq.get(symbol)!));
    }
    await server.refreshMetrics();
    const metrics = server.metrics as MergedFanoutMetrics;
    expect(metrics.recoveries).toBe(1);
    expect(metrics.unrecovered.EXPIRED).toBe(0);
    expect(metrics.replayTrades).toBeGreaterThan(0);
    expect(metrics.replayBytes).toBeGreaterThan(0);
  });

  it('answers a flood of bad since with the contract codes and stays bounded; a good client misses nothing', async () => {
    const maxTrades = 1_500;
    const maxRecoveredTrades = 300;
    const { server, proxy, seq, stop } = await start(
      { replay: { tradesPerSymbol: 100, maxTrades }, maxRecoveredTrades },
      cleanup,
    );
    const good = await TestClient.open(
      `ws://127.0.0.1:${proxy.port}/ws?symbols=${SYMBOLS.join(',')}`,
    );
    cleanup.push(() => good.socket.terminate());
    await good.waitFor(() => good.messages.length >= 2, 10_000, 'subscribed and snapshot');
    // Let the buffer fill past its total bound (1,500 trades: 1.5 s of 20 symbols), which then
    // keeps the last 75 trades of each symbol.
    await pause(2_000);

    const many = Array.from({ length: 60 }, (_, i) => `F${i}`);
    const bad: Array<[unknown, string]> = [
      [{ symbols: ['SYMA'], since: { SYMA: 1e300 } }, 'INVALID_SINCE'],
      [{ symbols: ['SYMA'], since: { SYMA: 2 ** 53 } }, 'INVALID_SINCE'],
      [{ symbols: ['SYMA'], since: { SYMA: -1 } }, 'INVALID_SINCE'],
      [{ symbols: ['SYMA'], since: { SYMA: 1.5 } }, 'INVALID_SINCE'],
      [{ symbols: ['SYMA'], since: { SYMA: '5' } }, 'INVALID_SINCE'],
      [{ symbols: ['SYMA'], since: { SYMB: 5 } }, 'INVALID_SINCE'],
      [{ symbols: ['SYMA'], since: [5] }, 'INVALID_SINCE'],
      [{ symbols: many, since: Object.fromEntries(many.map((s) => [s, 1])) }, 'TOO_MANY_SYMBOLS'],
      [
        {
          symbols: ['SYMA'],
          since: Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`X${i}`, i])),
        },
        'MESSAGE_TOO_LARGE',
      ],
    ];
    const flooders = await Promise.all(
      Array.from({ length: 40 }, () => TestClient.open(`ws://127.0.0.1:${proxy.port}/ws`)),
    );
    cleanup.push(() => {
      for (const client of flooders) client.socket.terminate();
    });
    for (const client of flooders) {
      for (const [message] of bad) client.send({ action: 'subscribe', ...(message as object) });
      // Valid: for symbols never traded; then 20 trades back on every symbol, 400 in all, more
      // than one answer may carry.
      client.send({ action: 'subscribe', symbols: ['NEWA', 'NEWB'], since: { NEWA: 5, NEWB: 0 } });
      client.send({
        action: 'subscribe',
        symbols: SYMBOLS,
        since: Object.fromEntries(SYMBOLS.map((s) => [s, seq.get(s)! - 20])),
      });
    }
    await Promise.all(
      flooders.map((client) =>
        client.waitFor(
          () => client.messages.filter((m) => m.type === 'recovery').length === 2,
          15_000,
          'the answers to the flood',
        ),
      ),
    );
    stop();
    await good.waitFor(
      () => SYMBOLS.every((symbol) => good.newest.get(symbol) === seq.get(symbol)),
      10_000,
      'the last trade of every symbol on the good client',
    );

    for (const client of flooders) {
      expect(client.errorCodes()).toEqual(bad.map(([, code]) => code));
      const [fresh, all] = client.messages.filter(
        (m): m is RecoveryMessage => m.type === 'recovery',
      );
      expect(fresh).toEqual({
        type: 'recovery',
        recovered: {},
        unrecovered: [
          { symbol: 'NEWA', reason: 'EXPIRED' },
          { symbol: 'NEWB', reason: 'EXPIRED' },
        ],
      });
      const recovered = Object.values(all!.recovered).reduce((sum, n) => sum + n, 0);
      expect(recovered).toBeLessThanOrEqual(maxRecoveredTrades);
      expect(all!.unrecovered.every((u) => ['EXPIRED', 'TOO_MANY'].includes(u.reason))).toBe(true);
      expect(all!.unrecovered.length).toBeGreaterThan(0);
      expect(client.closeCode).toBeUndefined();
    }
    const start0 = snapshotOf(good)!.trades;
    for (const symbol of SYMBOLS) {
      const from = start0.find((t) => t.symbol === symbol)!.seq + 1;
      expect(seqsOf(good, symbol), symbol).toEqual(range(from, seq.get(symbol)!));
    }
    const metrics = server.metrics.snapshot();
    expect(metrics.replayTrades).toBeLessThanOrEqual(maxTrades);
    expect(metrics.replayBytes).toBeLessThanOrEqual(maxTrades * 220);
    expect(metrics.recoveries).toBe(2 * flooders.length);
    expect(metrics.recoveredTrades).toBeLessThanOrEqual(flooders.length * maxRecoveredTrades);
    expect(metrics.errors.INVALID_SINCE).toBe(7 * flooders.length);
    expect(metrics.errors.TOO_MANY_SYMBOLS).toBe(flooders.length);
    expect(metrics.errors.MESSAGE_TOO_LARGE).toBe(flooders.length);
    expect(metrics.unrecovered.TOO_MANY).toBeGreaterThan(0);
    expect(metrics.drops.slow_consumer).toBe(0);
    await eventually(
      () => server.metrics.connections === flooders.length + 1,
      5_000,
      'connections',
    );
  });
});
