import { type Bar, type Trade, tradeKey } from '@market-stream/core';
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { tradeFactory, tradeSequence } from '../../../../tests/helpers/factories.js';
import {
  type DeliveryReport,
  queryBars,
  queryTrades,
  RecordTooLargeError,
  type SinkFailure,
  toDynamo,
} from '../../src/index.js';
import { fakeDynamo } from '../helpers/fakeClients.js';
import { VirtualClock } from '../helpers/virtualTime.js';

describe('toDynamo()', () => {
  it('writes the default item: pk symbol, sk padded timestamp#seq, the fields and a 7-day ttl', async () => {
    const clock = new VirtualClock();
    const fake = fakeDynamo();
    const trade = tradeFactory({ symbol: 'AAPL', seq: 42, timestamp: 1_700_000_000_123 });

    from([trade])
      .pipe(toDynamo({ client: fake.client, tableName: 'history', scheduler: clock.scheduler }))
      .subscribe();
    await clock.advance(1_000);

    expect([...fake.table.values()]).toEqual([
      {
        pk: 'AAPL',
        sk: '0001700000000123#0000000000000042',
        ...trade,
        ttl: 1_700_000_000 + 7 * 24 * 3600,
      },
    ]);
  });

  it('batches 25 items per call and retries exactly the UnprocessedItems', async () => {
    const clock = new VirtualClock();
    const fake = fakeDynamo({
      answer: (call) => (call === 0 ? { failIndexes: [3, 7] } : undefined),
    });
    const trades = tradeSequence(
      Array.from({ length: 30 }, (_, i) => `S${i}`),
      1,
    );
    const reports: DeliveryReport[] = [];

    from(trades)
      .pipe(toDynamo({ client: fake.client, tableName: 'history', scheduler: clock.scheduler }))
      .subscribe((report) => reports.push(report));
    await clock.advance(10_000);

    const sizes = fake.calls.map((call) => Object.values(call.RequestItems!)[0]!.length);
    expect(sizes.slice(0, 2)).toEqual([25, 5]);
    const retried = Object.values(fake.calls[2]!.RequestItems!)[0]!.map(
      (r) => r.PutRequest!.Item!.pk,
    );
    expect(retried).toEqual(['S3', 'S7']);
    expect(fake.table.size).toBe(30);
    expect(reports.at(-1)!.totals).toEqual({ delivered: 30, retried: 2, failed: 0 });
  });

  it('stores a replayed trade once (deterministic keys, duplicates in one batch collapsed)', async () => {
    const clock = new VirtualClock();
    const fake = fakeDynamo();
    const trades = tradeSequence(['AAPL'], 5);

    from([...trades, ...trades])
      .pipe(
        toDynamo({
          client: fake.client,
          tableName: 'history',
          ordering: 'none',
          scheduler: clock.scheduler,
        }),
      )
      .subscribe();
    await clock.advance(1_000);

    expect(fake.calls).toHaveLength(1);
    expect(Object.values(fake.calls[0]!.RequestItems!)[0]).toHaveLength(5);
    expect(
      [...fake.table.values()].map((item) => tradeKey(item as unknown as Trade)).sort(),
    ).toEqual(trades.map(tradeKey).sort());
  });

  it('rejects an item over 400 KB with a RecordTooLargeError, the others are written', async () => {
    const clock = new VirtualClock();
    const fake = fakeDynamo();
    const failures: SinkFailure<Trade>[] = [];

    from(tradeSequence(['AAPL', 'MSFT'], 1))
      .pipe(
        toDynamo({
          client: fake.client,
          tableName: 'history',
          scheduler: clock.scheduler,
          toItem: (trade) => ({
            pk: trade.symbol,
            sk: String(trade.seq),
            blob: trade.symbol === 'MSFT' ? 'x'.repeat(410_000) : '',
          }),
          onFailure: (failure) => void failures.push(failure),
        }),
      )
      .subscribe();
    await clock.advance(1_000);

    expect(failures.map((f) => f.error)).toEqual([expect.any(RecordTooLargeError)]);
    expect(failures[0]!.error.message).toContain('MSFT');
    expect(fake.table.size).toBe(1);
  });

  it('stores OHLCV bars instead of ticks with bars: { intervalMs }', async () => {
    const clock = new VirtualClock();
    const fake = fakeDynamo();
    // 120 trades 1 s apart: two 1-minute bars.
    const trades = tradeSequence(['AAPL'], 120, { start: 1_700_000_040_000, stepMs: 1_000 });

    from(trades)
      .pipe(
        toDynamo({
          client: fake.client,
          tableName: 'history',
          bars: { intervalMs: 60_000 },
          scheduler: clock.scheduler,
        }),
      )
      .subscribe();
    await clock.advance(1_000);

    const items = [...fake.table.values()];
    expect(items.map((item) => [item.pk, item.sk, (item as unknown as Bar).trades])).toEqual([
      ['AAPL#bars#60000', '0001700000040000', 60],
      ['AAPL#bars#60000', '0001700000100000', 60],
    ]);
  });

  it('reads an empty window without calling DynamoDB (from after to)', async () => {
    const fake = fakeDynamo();

    const trades = await queryTrades({
      client: fake.client,
      tableName: 'h',
      symbol: 'AAPL',
      from: 10,
      to: 5,
    });
    const bars = await queryBars({
      client: fake.client,
      tableName: 'h',
      symbol: 'AAPL',
      from: 10,
      to: 5,
    });

    expect([trades, bars]).toEqual([[], []]);
    expect(fake.calls).toHaveLength(0);
  });
});
