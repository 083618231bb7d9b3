import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type Trade, tradeKey } from '@market-stream/core';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
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
