import type { SeqAnomaly, Trade } from '@market-stream/core';
import { filter, firstValueFrom, type Observable, take, timeout, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import {
  createTickerClient,
  type RecoveryReport,
  type TickerClient,
  type TickerClientOptions,
} from '../../src/index.js';
import { type ProtocolServer, startProtocolServer } from '../helpers/protocolServer.js';

const next = <T>(source: Observable<T>, predicate: (value: T) => boolean = () => true) =>
  firstValueFrom(source.pipe(filter(predicate), take(1), timeout(5_000)));

const seqs = (trades: readonly Trade[]) => trades.map((trade) => `${trade.symbol}#${trade.seq}`);
const range = (symbol: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => tradeFactory({ symbol, seq: from + i }));

describe('createTickerClient() recovery by seq', () => {
  let server: ProtocolServer;
  let client: TickerClient | undefined;

  beforeEach(async () => {
    server = await startProtocolServer();
  });
  afterEach(async () => {
    client?.close();
    await server.close();
  });

  /**
   * A client that received `held` on its first connection, then lost it and reconnected: resolves
   * once the resubscribe arrived, with what the client emits from then on.
   */
  async function reconnected(held: Trade[], options: Partial<TickerClientOptions> = {}) {
    const symbols = [...new Set(held.map((trade) => trade.symbol))];
    client = createTickerClient({
      url: server.url,
      WebSocket,
      symbols,
      reconnect: { initialDelayMs: 10, maxDelayMs: 20 },
      pingIntervalMs: 0,
      ...options,
    });
    const subscribes = Math.ceil(symbols.length / 50);
    await server.waitFor((received) => received.length >= subscribes);
    const last = held.at(-1) as Trade;
    const arrived = next(
      client.trades$,
      (trade) => trade.symbol === last.symbol && trade.seq === last.seq,
    );
    server.send({ type: 'trades', trades: held });
    await arrived;
    const trades: Trade[] = [];
    const gaps: SeqAnomaly[] = [];
    const reports: RecoveryReport[] = [];
    client.trades$.subscribe((trade) => trades.push(trade));
    client.gaps$.subscribe((gap) => gaps.push(gap));
    client.recovered$.subscribe((report) => reports.push(report));
    server.dropAll();
    await server.connections(2);
    await server.waitFor((received) => received.length >= 2 * subscribes);
    return { trades, gaps, reports, resubscribe: server.received.slice(subscribes) };
  }

  it('sends the last seq per symbol with the resubscribe, split at 50 symbols per message', async () => {
    const symbols = Array.from({ length: 120 }, (_, i) => `S${i}`);
    const held = symbols.slice(40, 60).map((symbol, i) => tradeFactory({ symbol, seq: i + 1 }));
    client = createTickerClient({
      url: server.url,
      WebSocket,
      symbols,
      reconnect: { initialDelayMs: 10, maxDelayMs: 20 },
      pingIntervalMs: 0,
    });
    await server.waitFor((received) => received.length >= 3);
    const arrived = next(client.trades$, (trade) => trade.symbol === 'S59');
    server.send({ type: 'trades', trades: held });
    await arrived;

    server.dropAll();
    await server.waitFor((received) => received.length >= 6);

    const [first, resubscribe] = [server.received.slice(0, 3), server.received.slice(3)];
    expect(first.every((message) => !('since' in (message as object)))).toBe(true);
    const sent = resubscribe as { symbols: string[]; since?: Record<string, number> }[];
    expect(sent.map((message) => message.symbols.length)).toEqual([50, 50, 20]);
    expect(sent.flatMap((message) => message.symbols)).toEqual(symbols);
    expect(sent[0]?.since).toEqual(
      Object.fromEntries(symbols.slice(40, 50).map((symbol, i) => [symbol, i + 1])),
    );
    expect(sent[1]?.since).toEqual(
      Object.fromEntries(symbols.slice(50, 60).map((symbol, i) => [symbol, i + 11])),
    );
    expect(sent[2]).not.toHaveProperty('since');
  });

  it('holds live trades that overtake the recovered ones and applies all merged by seq, once each', async () => {
    const { trades, gaps, reports, resubscribe } = await reconnected([
      ...range('AAPL', 1, 3),
      ...range('TSLA', 1, 2),
    ]);
    const done = next(client!.recovered$);

    // The serverless path: live trades (one of them also read from history) before the answer.
    server.send({ type: 'trades', trades: [...range('AAPL', 6, 8), ...range('TSLA', 4, 4)] });
    server.send({ type: 'trades', trades: [...range('AAPL', 4, 6), ...range('TSLA', 3, 3)] });
    server.send({ type: 'recovery', recovered: { AAPL: 3, TSLA: 1 }, unrecovered: [] });
    await done;

    expect(resubscribe[0]).toEqual({
      action: 'subscribe',
      symbols: ['AAPL', 'TSLA'],
      since: { AAPL: 3, TSLA: 2 },
    });
    expect(seqs(trades.filter((trade) => trade.symbol === 'AAPL'))).toEqual(
      seqs(range('AAPL', 4, 8)),
    );
    expect(seqs(trades.filter((trade) => trade.symbol === 'TSLA'))).toEqual(
      seqs(range('TSLA', 3, 4)),
    );
    expect(gaps).toEqual([]);
    expect(reports).toEqual([{ total: 4, recovered: { AAPL: 3, TSLA: 1 }, unrecovered: [] }]);
    expect(client!.latest('AAPL')?.seq).toBe(8);
  });

  it('reports the range an EXPIRED symbol lost as exactly one gap, then runs on live trades', async () => {
    const { trades, gaps, reports } = await reconnected(range('AAPL', 1, 10));
    const done = next(client!.recovered$);

    server.send({ type: 'snapshot', trades: [tradeFactory({ seq: 100 })] });
    server.send({
      type: 'recovery',
      recovered: {},
      unrecovered: [{ symbol: 'AAPL', reason: 'EXPIRED', from: 11, to: 99 }],
    });
    await done;
    const live = next(client!.trades$, (trade) => trade.seq === 102);
    server.send({ type: 'trades', trades: range('AAPL', 101, 102) });
    await live;

    expect(seqs(trades)).toEqual(['AAPL#100', 'AAPL#101', 'AAPL#102']);
    expect(gaps).toEqual([
      expect.objectContaining({ kind: 'gap', symbol: 'AAPL', expected: 11, seq: 100, missing: 89 }),
    ]);
    expect(reports).toEqual([
      {
        total: 0,
        recovered: {},
        unrecovered: [{ symbol: 'AAPL', reason: 'EXPIRED', from: 11, to: 99 }],
      },
    ]);
  });

  it('takes the snapshot of an AHEAD symbol (its sequence started again) without a gap', async () => {
    const { trades, gaps, reports } = await reconnected(range('AAPL', 48, 50));
    const done = next(client!.recovered$);

    server.send({ type: 'trades', trades: [tradeFactory({ seq: 4, price: 91 })] });
    server.send({ type: 'snapshot', trades: [tradeFactory({ seq: 3, price: 90 })] });
    server.send({
      type: 'recovery',
      recovered: {},
      unrecovered: [{ symbol: 'AAPL', reason: 'AHEAD' }],
    });
    await done;

    expect(seqs(trades)).toEqual(['AAPL#3', 'AAPL#4']);
    expect(gaps).toEqual([]);
    expect(client!.latest('AAPL')).toMatchObject({ seq: 4, price: 91 });
    expect(reports[0]?.unrecovered).toEqual([{ symbol: 'AAPL', reason: 'AHEAD' }]);
  });

  it('applies what it holds in seq order once the hold bound is passed, and ignores the late answer', async () => {
    const { trades, gaps, reports } = await reconnected(range('AAPL', 1, 1), {
      recover: { maxHeldTrades: 5 },
    });
    const done = next(client!.recovered$);

    server.send({ type: 'trades', trades: [...range('AAPL', 7, 10), ...range('AAPL', 3, 6)] });
    const report = await done;
    server.send({ type: 'recovery', recovered: { AAPL: 9 }, unrecovered: [] });
    const live = next(client!.trades$, (trade) => trade.seq === 11);
    server.send({ type: 'trades', trades: range('AAPL', 11, 11) });
    await live;

    // Held: 7 8 9 10 3 (the bound); released sorted, then 4 5 6 arrive late as duplicates.
    expect(seqs(trades)).toEqual(['AAPL#3', 'AAPL#7', 'AAPL#8', 'AAPL#9', 'AAPL#10', 'AAPL#11']);
    expect(gaps.map((gap) => [gap.kind, gap.seq])).toEqual([
      ['gap', 3],
      ['gap', 7],
      ['duplicate', 4],
      ['duplicate', 5],
      ['duplicate', 6],
    ]);
    expect(report).toEqual({
      total: 0,
      recovered: {},
      unrecovered: [{ symbol: 'AAPL', reason: 'OVERFLOW', from: 2, to: 2 }],
    });
    expect(reports).toHaveLength(1);
  });

  it('gives up after the timeout when the server ignores since: snapshot, one gap, TIMEOUT', async () => {
    const { trades, gaps, reports } = await reconnected(
      [...range('AAPL', 1, 3), ...range('TSLA', 1, 9)],
      { recover: { timeoutMs: 200 } },
    );
    const done = next(client!.recovered$);

    // An old server: the snapshot only. TSLA's source started again (its newest, 2, is older).
    server.send({
      type: 'snapshot',
      trades: [tradeFactory({ seq: 20 }), tradeFactory({ symbol: 'TSLA', seq: 2 })],
    });
    const report = await done;

    expect(seqs(trades)).toEqual(['AAPL#20', 'TSLA#2']);
    expect(gaps).toEqual([
      expect.objectContaining({ kind: 'gap', symbol: 'AAPL', expected: 4, seq: 20, missing: 16 }),
    ]);
    expect(report.unrecovered).toEqual([
      { symbol: 'AAPL', reason: 'TIMEOUT', from: 4, to: 19 },
      { symbol: 'TSLA', reason: 'TIMEOUT' },
    ]);
    expect(reports).toHaveLength(1);
  });

  it('never moves a symbol back: a snapshot older than the trade applied is ignored', async () => {
    client = createTickerClient({ url: server.url, WebSocket, symbols: ['AAPL'] });
    await server.waitFor((received) => received.length >= 1);
    const trades: Trade[] = [];
    client.trades$.subscribe((trade) => trades.push(trade));
    const last = next(client.trades$, (trade) => trade.seq === 6);

    server.send({ type: 'trades', trades: [tradeFactory({ seq: 5, price: 12 })] });
    server.send({ type: 'snapshot', trades: [tradeFactory({ seq: 4, price: 11 })] });
    server.send({ type: 'trades', trades: [tradeFactory({ seq: 6, price: 13 })] });
    await last;

    expect(seqs(trades)).toEqual(['AAPL#5', 'AAPL#6']);
  });

  it('with recover: false sends no since and never reports a recovery', async () => {
    const { resubscribe, reports } = await reconnected(range('AAPL', 1, 3), { recover: false });
    const completed = firstValueFrom(client!.recovered$.pipe(toArray(), timeout(5_000)));

    client!.close();

    expect(resubscribe[0]).toEqual({ action: 'subscribe', symbols: ['AAPL'] });
    expect(await completed).toEqual([]);
    expect(reports).toEqual([]);
  });

  it('reports once the symbols still waiting are unsubscribed, and drops what they held', async () => {
    const { trades, reports } = await reconnected([...range('AAPL', 1, 2), ...range('TSLA', 1, 2)]);
    const done = next(client!.recovered$);

    server.send({ type: 'trades', trades: [...range('AAPL', 3, 3), ...range('TSLA', 3, 3)] });
    server.send({ type: 'recovery', recovered: { AAPL: 0 }, unrecovered: [] });
    await next(client!.trades$, (trade) => trade.symbol === 'AAPL');
    client!.unsubscribe(['TSLA']);
    await done;

    expect(seqs(trades)).toEqual(['AAPL#3']);
    expect(reports).toEqual([{ total: 0, recovered: { AAPL: 0 }, unrecovered: [] }]);
  });
});
