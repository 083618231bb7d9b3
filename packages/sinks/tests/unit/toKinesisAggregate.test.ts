import { type Trade, tradeKey } from '@market-stream/core';
import { from, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import { type DeliveryReport, deaggregate, isAggregated, toKinesis } from '../../src/index.js';
import { fakeKinesis } from '../helpers/fakeClients.js';
import { VirtualClock } from '../helpers/virtualTime.js';

function userRecords(fake: ReturnType<typeof fakeKinesis>) {
  return fake.accepted.flatMap((record) =>
    deaggregate({ partitionKey: record.partitionKey, data: record.data }),
  );
}

function unpack(fake: ReturnType<typeof fakeKinesis>): Trade[] {
  return userRecords(fake).map((user) => JSON.parse(new TextDecoder().decode(user.data)) as Trade);
}

describe('toKinesis({ aggregate: true })', () => {
  it("packs each symbol's trades into one KPL aggregate per request, in order", async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis();
    const trades = tradeSequence(['AAPL', 'MSFT', 'TSLA'], 100);
    const reports: DeliveryReport[] = [];

    from(trades)
      .pipe(
        toKinesis({
          client: fake.client,
          streamName: 'trades',
          aggregate: true,
          scheduler: clock.scheduler,
        }),
      )
      .subscribe((report) => reports.push(report));
    await clock.advance(0);

    expect(fake.calls).toHaveLength(1);
    expect(fake.accepted.map((record) => record.partitionKey)).toEqual(['AAPL', 'MSFT', 'TSLA']);
    expect(fake.accepted.every((record) => isAggregated(record.data))).toBe(true);
    expect(reports).toEqual([expect.objectContaining({ records: 300, entries: 3 })]);
    const bySymbol = (symbol: string) =>
      unpack(fake)
        .filter((trade) => trade.symbol === symbol)
        .map((trade) => trade.seq);
    expect(bySymbol('AAPL')).toEqual(trades.filter((t) => t.symbol === 'AAPL').map((t) => t.seq));
    expect(unpack(fake).map(tradeKey).sort()).toEqual(trades.map(tradeKey).sort());
  });

  it('keeps every aggregate within 1 MiB and every request within 5 MiB', async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis();
    const blob = new Uint8Array(100_000).fill(65);

    from(tradeSequence(['AAPL', 'MSFT'], 60))
      .pipe(
        toKinesis({
          client: fake.client,
          streamName: 'trades',
          aggregate: true,
          encode: () => blob,
          scheduler: clock.scheduler,
        }),
      )
      .subscribe();
    await clock.advance(10_000);

    const sizes = fake.accepted.map((r) => r.data.length + r.partitionKey.length);
    expect(sizes.every((size) => size <= 1_048_576)).toBe(true);
    for (const call of fake.calls) {
      const total = (call.Records ?? []).reduce(
        (sum, r) => sum + r.Data!.length + r.PartitionKey!.length,
        0,
      );
      expect(total).toBeLessThanOrEqual(5 * 1_048_576);
    }
    expect(userRecords(fake)).toHaveLength(120);
  });

  it('retries a rejected aggregate whole, and later trades of its symbol wait for it', async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis({ answer: (call) => (call === 0 ? { failIndexes: [0] } : undefined) });
    const source = new Subject<Trade>();

    source
      .pipe(
        toKinesis({
          client: fake.client,
          streamName: 'trades',
          aggregate: true,
          lingerMs: 10,
          scheduler: clock.scheduler,
          random: () => 0.5,
        }),
      )
      .subscribe();
    for (const trade of tradeSequence(['AAPL', 'MSFT'], 5)) source.next(trade);
    await clock.advance(10); // first request: AAPL 1–5 (rejected), MSFT 1–5
    for (const trade of tradeSequence(['AAPL'], 8).slice(5)) source.next(trade);
    source.complete();
    await clock.advance(10_000);

    const aapl = unpack(fake)
      .filter((t) => t.symbol === 'AAPL')
      .map((t) => t.seq);
    expect(aapl).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
