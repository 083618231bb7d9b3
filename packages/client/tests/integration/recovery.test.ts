import type { SeqAnomaly, Trade } from '@market-stream/core';
import { type FanoutServer, type ServeFanoutOptions, serveFanout } from '@market-stream/fanout';
import { filter, firstValueFrom, type Observable, Subject, take, throwError, timeout } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTcpProxy, type TcpProxy } from '../../../../tests/helpers/tcpProxy.js';
import { createTickerClient, type TickerClient } from '../../src/index.js';
import { startTicking, type TradeTicker, TWENTY_SYMBOLS } from '../helpers/tradeDriver.js';

/** The first value of `source` that fits, within 20 s, or an error naming what did not come. */
const next = <T>(what: string, source: Observable<T>, predicate: (value: T) => boolean) =>
  firstValueFrom(
    source.pipe(
      filter(predicate),
      take(1),
      timeout({ first: 20_000, with: () => throwError(() => new Error(`no ${what} within 20 s`)) }),
    ),
  );

const from = (first: number, last: number) =>
  Array.from({ length: last - first + 1 }, (_, i) => first + i);

describe('createTickerClient() recovery against serveFanout, behind a proxy cut for 2 s', () => {
  let server: FanoutServer | undefined;
  let proxy: TcpProxy | undefined;
  let client: TickerClient | undefined;
  let ticker: TradeTicker | undefined;

  afterEach(async () => {
    ticker?.stop();
    client?.close();
    await proxy?.close();
    await server?.close();
  });

  /**
   * 20 symbols ticking at 50 trades/s each into an `all`-mode server; a client behind the proxy
   * that has received every symbol. What it receives from then on is recorded per symbol.
   */
  async function running(options: Partial<ServeFanoutOptions> = {}) {
    const source = new Subject<Trade>();
    server = await serveFanout({ port: 0, source, mode: 'all', flushIntervalMs: 10, ...options });
    proxy = await startTcpProxy(server.port);
    ticker = startTicking(source, TWENTY_SYMBOLS, 20);
    client = createTickerClient({
      url: `ws://127.0.0.1:${proxy.port}${new URL(server.url).pathname}`,
      WebSocket,
      symbols: TWENTY_SYMBOLS,
      reconnect: { initialDelayMs: 50, maxDelayMs: 250 },
    });
    const seqs = new Map<string, number[]>(TWENTY_SYMBOLS.map((symbol) => [symbol, []]));
    const gaps: SeqAnomaly[] = [];
    client.trades$.subscribe((trade) => seqs.get(trade.symbol)?.push(trade.seq));
    client.gaps$.subscribe((gap) => gaps.push(gap));
    await next('trade of every symbol', client.latest$, (latest) => {
      return latest.size === TWENTY_SYMBOLS.length;
    });
    return { client, seqs, gaps };
  }

  /** Cuts the connection for 2 s; resolves with the last seq held per symbol and the report. */
  async function cutAndRecover(client: TickerClient) {
    const report = next('recovery report', client.recovered$, () => true);
    const reconnecting = next('reconnect', client.status$, (status) => status === 'reconnecting');
    proxy?.cut(2_000);
    await reconnecting;
    const before = new Map(TWENTY_SYMBOLS.map((symbol) => [symbol, client.latest(symbol)!.seq]));
    return { before, report: await report };
  }

  /** Stops the source and waits until the client holds the last trade of every symbol. */
  async function drained(client: TickerClient) {
    await new Promise((resolve) => setTimeout(resolve, 300)); // live again for a while
    ticker?.stop();
    await next('last trade of every symbol', client.latest$, (latest) =>
      TWENTY_SYMBOLS.every((symbol) => latest.get(symbol)?.seq === ticker?.last(symbol)?.seq),
    );
  }

  it('gets every seq exactly once, in order, with no gap, and says how many came back', async () => {
    const { client, seqs, gaps } = await running();

    const { before, report } = await cutAndRecover(client);
    await drained(client);

    for (const symbol of TWENTY_SYMBOLS) {
      const received = seqs.get(symbol) ?? [];
      const last = ticker?.last(symbol)?.seq ?? 0;
      expect(received, symbol).toEqual(from(received[0] ?? 0, last));
      expect(report.recovered[symbol], symbol).toBeGreaterThan(0);
      expect(received, symbol).toContain((before.get(symbol) ?? 0) + 1);
    }
    expect(gaps).toEqual([]);
    expect(report.unrecovered).toEqual([]);
    expect(report.total).toBe(Object.values(report.recovered).reduce((sum, n) => sum + n, 0));
  });

  it('past the replay buffer: "not recovered" per symbol, the snapshot, and one gap naming the range', async () => {
    const { client, seqs, gaps } = await running({ replay: { tradesPerSymbol: 20 } });

    const { before, report } = await cutAndRecover(client);
    await drained(client);

    expect(report.total).toBe(0);
    expect(report.unrecovered).toHaveLength(TWENTY_SYMBOLS.length);
    for (const symbol of TWENTY_SYMBOLS) {
      const lost = report.unrecovered.find((entry) => entry.symbol === symbol);
      const held = before.get(symbol) ?? 0;
      expect(lost, symbol).toMatchObject({ reason: 'EXPIRED', from: held + 1 });
      const to = lost?.to ?? 0;
      expect(to - held, symbol).toBeGreaterThan(20);
      expect(gaps.filter((gap) => gap.symbol === symbol)).toEqual([
        expect.objectContaining({
          kind: 'gap',
          expected: held + 1,
          seq: to + 1,
          missing: to - held,
        }),
      ]);
      const received = seqs.get(symbol) ?? [];
      const last = ticker?.last(symbol)?.seq ?? 0;
      expect(received, symbol).toEqual([...from(received[0] ?? 0, held), ...from(to + 1, last)]);
    }
    expect(gaps).toHaveLength(TWENTY_SYMBOLS.length);
  });
});
