import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type Trade, tradeKey } from '@market-stream/core';
import fc from 'fast-check';
import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeFactory, tradeSequence } from '../../../../tests/helpers/factories.js';
import {
  type DeliveryReport,
  queryBars,
  queryTrades,
  type SinkFailure,
  toDynamo,
} from '../../src/index.js';
import { createTable, dynamoClient, type Emulator, startDynalite } from '../helpers/emulators.js';
import { type FaultProxy, seededRandom, startFaultProxy } from '../helpers/faultProxy.js';
import { exactlyOnce, outOfOrderSymbols, paced, symbols } from '../helpers/tradeChecks.js';

/** Every trade of every symbol, read back with Query (oldest first per symbol), 8 at a time. */
async function readTable(client: DynamoDBDocumentClient, table: string, names: string[]) {
  const bySymbol = new Map<string, Trade[]>();
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const symbol = names[next++]!;
      const trades: Trade[] = [];
      let startKey: Record<string, unknown> | undefined;
      for (let page = 0; page < 1_000; page++) {
        const output = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': symbol },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of output.Items ?? []) trades.push(item as Trade);
        startKey = output.LastEvaluatedKey;
        if (!startKey) break;
      }
      bySymbol.set(symbol, trades);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return names.flatMap((symbol) => bySymbol.get(symbol) ?? []);
}

// The full 100,000 items (about 25 s on an idle 2-core machine: dynalite spends about
// 1 ms of CPU per item). SINKS_QUICK=1 writes 5,000 for quick local iterations.
const FULL = process.env.SINKS_QUICK !== '1';
const COUNT = FULL ? 100_000 : 5_000;

describe('toDynamo() into dynalite', () => {
  let dynalite: Emulator;
  let client: DynamoDBDocumentClient;
  /**
   * The test's own client for tables, read-back and queries: SDK retries on, so a kept-alive
   * socket that dynalite closes just as it is reused does not fail a test. The sinks write with
   * `client` (one attempt), so every retry there is the sink's own.
   */
  let admin: DynamoDBDocumentClient;

  beforeAll(async () => {
    dynalite = await startDynalite();
    client = dynamoClient(dynalite.endpoint);
    admin = dynamoClient(dynalite.endpoint, 3);
  });

  afterAll(async () => {
    client.destroy();
    admin.destroy();
    await dynalite.close();
  });

  it(`stores ${COUNT.toLocaleString('en-US')} trades exactly once, read back in order per symbol`, async () => {
    await createTable(admin, 'history');
    const names = symbols(100);
    const trades = tradeSequence(names, COUNT / 100);

    const reports = await lastValueFrom(
      paced(trades).pipe(toDynamo({ client, tableName: 'history' }), toArray()),
    );
    const stored = await readTable(admin, 'history', names);

    expect(exactlyOnce(trades, stored)).toEqual({ duplicates: [], missing: [], arrived: COUNT });
    expect(outOfOrderSymbols(stored)).toEqual([]);
    expect(reports.reduce((sum, report) => sum + report.records, 0)).toBe(COUNT);
    const newest = await queryTrades({
      client: admin,
      tableName: 'history',
      symbol: 'S0003',
      limit: 3,
    });
    expect(newest.map((trade) => trade.seq)).toEqual([
      COUNT / 100,
      COUNT / 100 - 1,
      COUNT / 100 - 2,
    ]);
  }, 300_000);

  it('reads a time window with queryTrades, newest first', async () => {
    await createTable(admin, 'window');
    const trades = tradeSequence(['AAPL', 'MSFT'], 50, { start: 1_700_000_000_000, stepMs: 1_000 });
    await lastValueFrom(paced(trades).pipe(toDynamo({ client, tableName: 'window' }), toArray()));

    const window = await queryTrades({
      client: admin,
      tableName: 'window',
      symbol: 'AAPL',
      from: trades[10]!.timestamp,
      to: trades[20]!.timestamp,
    });

    expect(window.map((trade) => trade.seq)).toEqual([11, 10, 9, 8, 7, 6]);
    expect(window[0]).toEqual(trades.find((t) => t.symbol === 'AAPL' && t.seq === 11));
  });

  it('stores 1-minute bars and reads them back with queryBars', async () => {
    await createTable(admin, 'bars');
    // 10 minutes of AAPL, one trade a second.
    const trades = tradeSequence(['AAPL'], 600, { start: 1_700_000_040_000, stepMs: 1_000 });
    await lastValueFrom(
      paced(trades).pipe(
        toDynamo({ client, tableName: 'bars', bars: { intervalMs: 60_000 } }),
        toArray(),
      ),
    );

    const bars = await queryBars({
      client: admin,
      tableName: 'bars',
      symbol: 'AAPL',
      interval: 60_000,
    });

    expect(bars).toHaveLength(10);
    expect(bars[0]!.start).toBe(1_700_000_580_000);
    expect(bars.every((bar) => bar.trades === 60)).toBe(true);
    expect(bars.reduce((sum, bar) => sum + bar.volume, 0)).toBe(600 * 100);
    const latestTwo = await queryBars({
      client: admin,
      tableName: 'bars',
      symbol: 'AAPL',
      limit: 2,
    });
    expect(latestTwo.map((bar) => bar.start)).toEqual([1_700_000_580_000, 1_700_000_520_000]);
  });

  it('keeps one item per symbol#seq: the same seq again with another timestamp overwrites it', async () => {
    await createTable(admin, 'dupes');
    const first = tradeFactory({ symbol: 'X', seq: 7, timestamp: 1_700_000_000_000 });
    const again = tradeFactory({ symbol: 'X', seq: 7, timestamp: 1_700_000_000_005, price: 101 });

    await lastValueFrom(
      from([first, again]).pipe(toDynamo({ client, tableName: 'dupes' }), toArray()),
    );
    const items = await admin.send(
      new QueryCommand({
        TableName: 'dupes',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'X' },
      }),
    );
    const read = await queryTrades({ client: admin, tableName: 'dupes', symbol: 'X' });

    expect(items.Count).toBe(1);
    expect(read).toEqual([again]);
  });

  it('reads any window and limit as the stored trades filtered, newest (highest seq) first', async () => {
    await createTable(admin, 'windows');
    let partition = 0;
    const base = 1_700_000_000_000;
    const seq = fc.oneof(
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    );
    // A bound lands anywhere from just before the first trade to just after the last one.
    const bound = fc.option(fc.noBias(fc.nat()), { nil: undefined });

    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(seq, { maxLength: 40, size: 'max' }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 40, maxLength: 40 }),
        bound,
        bound,
        fc.option(fc.integer({ min: 1, max: 45 }), { nil: undefined }),
        async (seqs, steps, fromAt, toAt, limit) => {
          // Seq order is time order (ties allowed), as at every source; seqs may have gaps.
          const symbol = `P${partition++}`;
          const sorted = [...seqs].sort((a, b) => a - b);
          const trades: Trade[] = [];
          let time = base;
          for (const [i, s] of sorted.entries()) {
            time += steps[i]!;
            trades.push(tradeFactory({ symbol, seq: s, timestamp: time }));
          }
          const at = (pick: number | undefined) =>
            pick === undefined ? undefined : base - 1 + (pick % (time - base + 3));
          const [fromMs, toMs] = [at(fromAt), at(toAt)];
          await lastValueFrom(
            from(trades).pipe(toDynamo({ client: admin, tableName: 'windows' }), toArray()),
            { defaultValue: [] },
          );

          const read = await queryTrades({
            client: admin,
            tableName: 'windows',
            symbol,
            from: fromMs,
            to: toMs,
            limit,
          });

          const expected = trades
            .filter(
              (t) =>
                (fromMs === undefined || t.timestamp >= fromMs) &&
                (toMs === undefined || t.timestamp <= toMs),
            )
            .reverse()
            .slice(0, limit);
          expect(read).toEqual(expected);
        },
      ),
      // Each run writes to dynalite: report the first counterexample rather than shrink it.
      { numRuns: 40, endOnFailure: true },
    );
  }, 120_000);

  it('finds a window far below the newest trade with a bounded number of item reads', async () => {
    await createTable(admin, 'seek');
    const trades = tradeSequence(['AAPL'], 1_000, { stepMs: 1_000 });
    await lastValueFrom(paced(trades).pipe(toDynamo({ client, tableName: 'seek' }), toArray()));
    const read = { queries: 0, scanned: 0 };
    const counting = {
      send: async (command: QueryCommand) => {
        const output = await admin.send(command);
        read.queries++;
        read.scanned += output.ScannedCount ?? 0;
        return output;
      },
    } as unknown as DynamoDBDocumentClient;

    const window = await queryTrades({
      client: counting,
      tableName: 'seek',
      symbol: 'AAPL',
      from: trades[100]!.timestamp,
      to: trades[110]!.timestamp,
    });

    expect(window.map((trade) => trade.seq)).toEqual([
      111, 110, 109, 108, 107, 106, 105, 104, 103, 102, 101,
    ]);
    // A binary search over 1,000 seqs (the newest, then ≤ 10 single-item reads), then one
    // first page of 32 from the window's newest trade down: not the 889 newer trades.
    expect(read.scanned).toBeLessThanOrEqual(11 + 32);
  });

  it('writes what it holds when its source completes, without waiting for lingerMs', async () => {
    await createTable(admin, 'flush');
    const source = new Subject<Trade>();
    const trades = tradeSequence(['AAPL', 'MSFT', 'TSLA'], 20);
    const done = lastValueFrom(
      source.pipe(toDynamo({ client, tableName: 'flush', lingerMs: 600_000 }), toArray()),
    );

    for (const trade of trades) source.next(trade);
    source.complete();
    const reports = await done;
    const stored = await readTable(admin, 'flush', ['AAPL', 'MSFT', 'TSLA']);

    expect(reports.reduce((sum, report) => sum + report.records, 0)).toBe(trades.length);
    expect(exactlyOnce(trades, stored)).toEqual({ duplicates: [], missing: [], arrived: 60 });
  });

  describe('through a proxy that leaves 30% unprocessed, throttles, 5xx-es and drops connections', () => {
    let proxy: FaultProxy;
    let faulty: DynamoDBDocumentClient;

    beforeAll(async () => {
      proxy = await startFaultProxy(dynalite.endpoint, {
        recordRejectRate: 0.3,
        throttleRate: 0.05,
        serverErrorRate: 0.05,
        dropRate: 0.05,
        // Writes are idempotent puts: a lost answer after the write must not duplicate it.
        dropAfterRate: 0.05,
        poison: (item) => item.symbol === 'S0003' && item.seq === 7,
        random: seededRandom(11),
      });
      faulty = dynamoClient(proxy.endpoint);
    });

    afterAll(async () => {
      faulty.destroy();
      await proxy.close();
    });

    it('still stores every trade exactly once, counts retries and dead-letters the poisoned one', async () => {
      await createTable(admin, 'faulty');
      const names = symbols(100);
      const trades = tradeSequence(names, FULL ? 100 : 20);
      const failures: SinkFailure<Trade>[] = [];

      const reports: DeliveryReport[] = await lastValueFrom(
        paced(trades).pipe(
          toDynamo({
            client: faulty,
            tableName: 'faulty',
            maxAttempts: 25,
            backoffBaseMs: 10,
            backoffMaxMs: 200,
            onFailure: (failure) => void failures.push(failure),
          }),
          toArray(),
        ),
      );
      const stored = await readTable(admin, 'faulty', names);

      const expected = trades.filter((t) => !(t.symbol === 'S0003' && t.seq === 7));
      expect(exactlyOnce(expected, stored)).toEqual({
        duplicates: [],
        missing: [],
        arrived: expected.length,
      });
      expect(outOfOrderSymbols(stored)).toEqual([]);
      expect(failures.map((f) => [f.reason, f.attempts, f.records.map(tradeKey)])).toEqual([
        ['attempts-exhausted', 25, ['S0003#7']],
      ]);
      // The error is the last attempt's: the poisoned item's rejection, or, when the proxy's
      // random whole-request fault hit that same attempt, that fault (503, throttle, reset).
      expect(failures[0]?.error.name).toMatch(
        /^(RecordRejectedError|ServiceUnavailable|ThrottlingException|ProvisionedThroughputExceededException|InternalServerError|TimeoutError)$/,
      );
      const totals = reports.at(-1)!.totals;
      expect(totals.failed).toBe(1);
      expect(totals.retried).toBeGreaterThanOrEqual(proxy.stats.rejectedRecords);
      expect(proxy.stats.throttled).toBeGreaterThan(0);
      expect(proxy.stats.serverErrors).toBeGreaterThan(0);
      expect(proxy.stats.dropped).toBeGreaterThan(0);
      expect(proxy.stats.droppedAfter).toBeGreaterThan(0);
    }, 300_000);
  });
});
