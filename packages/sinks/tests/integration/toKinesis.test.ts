import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Trade } from '@market-stream/core';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import { type DeliveryReport, type SinkFailure, toKinesis } from '../../src/index.js';
import {
  createStream,
  type Emulator,
  kinesisClient,
  readStreamTrades,
  startKinesalite,
} from '../helpers/emulators.js';
import { type FaultProxy, seededRandom, startFaultProxy } from '../helpers/faultProxy.js';
import { exactlyOnce, outOfOrderSymbols, paced, symbols } from '../helpers/tradeChecks.js';

// kinesalite spends about 0.4 ms of CPU per stored record, so 100,000 plain records take
// The full 100,000 trades in every test (about 30 s on an idle 2-core machine).
// SINKS_QUICK=1 runs the plain-record tests with 10,000 for quick local iterations.
const FULL = process.env.SINKS_QUICK !== '1';

describe('toKinesis() into kinesalite', () => {
  let kinesalite: Emulator;
  let client: KinesisClient;
  /**
   * The test's own client for streams and read-back: SDK retries on, so a kept-alive socket
   * that kinesalite closes just as it is reused does not fail a test. The sinks write with
   * `client` (one attempt), so every retry there is the sink's own.
   */
  let admin: KinesisClient;

  beforeAll(async () => {
    kinesalite = await startKinesalite();
    client = kinesisClient(kinesalite.endpoint);
    admin = kinesisClient(kinesalite.endpoint, 3);
  });

  afterAll(async () => {
    client.destroy();
    admin.destroy();
    await kinesalite.close();
  });

  it(`delivers ${FULL ? '100,000' : '10,000'} trades exactly once, in order per symbol`, async () => {
    await createStream(admin, 'plain', 4);
    const trades = tradeSequence(symbols(500), FULL ? 200 : 20);

    const reports = await lastValueFrom(
      paced(trades).pipe(toKinesis({ client, streamName: 'plain' }), toArray()),
    );
    const arrived = await readStreamTrades(admin, 'plain');

    expect(exactlyOnce(trades, arrived)).toEqual({
      duplicates: [],
      missing: [],
      arrived: trades.length,
    });
    expect(outOfOrderSymbols(arrived)).toEqual([]);
    expect(reports.reduce((sum, report) => sum + report.records, 0)).toBe(trades.length);
  }, 300_000);

  it('delivers 100,000 trades exactly once and in order as KPL aggregates', async () => {
    await createStream(admin, 'aggregated', 4);
    const trades = tradeSequence(symbols(500), 200);

    const reports = await lastValueFrom(
      paced(trades).pipe(
        toKinesis({ client, streamName: 'aggregated', aggregate: true }),
        toArray(),
      ),
    );
    const arrived = await readStreamTrades(admin, 'aggregated');

    expect(exactlyOnce(trades, arrived)).toEqual({ duplicates: [], missing: [], arrived: 100_000 });
    expect(outOfOrderSymbols(arrived)).toEqual([]);
    const entries = reports.reduce((sum, report) => sum + report.entries, 0);
    expect(entries).toBeLessThan(100_000 / 2);
  }, 300_000);

  describe('through a proxy that rejects 30% of records, throttles, 5xx-es and drops connections', () => {
    let proxy: FaultProxy;
    let faulty: KinesisClient;

    beforeAll(async () => {
      proxy = await startFaultProxy(kinesalite.endpoint, {
        recordRejectRate: 0.3,
        throttleRate: 0.05,
        serverErrorRate: 0.05,
        dropRate: 0.05,
        // One trade fails every time it is sent.
        poison: (trade) => trade.symbol === 'S0007' && trade.seq === 5,
        random: seededRandom(7),
      });
      faulty = kinesisClient(proxy.endpoint);
    });

    afterAll(async () => {
      faulty.destroy();
      await proxy.close();
    });

    it('still delivers exactly once and in order, counts retries, and dead-letters the poisoned trade', async () => {
      await createStream(admin, 'faulty', 4);
      const trades = tradeSequence(symbols(100), FULL ? 200 : 30);
      const failures: SinkFailure<Trade>[] = [];

      const reports: DeliveryReport[] = await lastValueFrom(
        paced(trades).pipe(
          toKinesis({
            client: faulty,
            streamName: 'faulty',
            maxAttempts: 25,
            backoffBaseMs: 10,
            backoffMaxMs: 200,
            onFailure: (failure) => void failures.push(failure),
          }),
          toArray(),
        ),
      );
      const arrived = await readStreamTrades(admin, 'faulty');

      const poisoned = trades.filter((t) => t.symbol === 'S0007' && t.seq === 5);
      const expected = trades.filter((t) => !poisoned.includes(t));
      expect(exactlyOnce(expected, arrived)).toEqual({
        duplicates: [],
        missing: [],
        arrived: expected.length,
      });
      expect(outOfOrderSymbols(arrived)).toEqual([]);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({
        reason: 'attempts-exhausted',
        attempts: 25,
        records: poisoned,
      });

      const totals = reports.at(-1)!.totals;
      expect(totals.delivered).toBe(expected.length);
      expect(totals.failed).toBe(1);
      expect(totals.retried).toBeGreaterThanOrEqual(proxy.stats.rejectedRecords);
      expect(proxy.stats.rejectedRecords).toBeGreaterThan(trades.length * 0.3);
      expect(proxy.stats.throttled).toBeGreaterThan(0);
      expect(proxy.stats.serverErrors).toBeGreaterThan(0);
      expect(proxy.stats.dropped).toBeGreaterThan(0);
      expect(reports.some((report) => report.error !== undefined)).toBe(true);
    }, 300_000);
  });
});
