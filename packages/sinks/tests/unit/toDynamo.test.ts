import { type Bar, type Trade, tradeKey } from '@market-stream/core';
import { from, Subject, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { tradeFactory, tradeSequence } from '../../../../tests/helpers/factories.js';
import {
  BufferOverflowError,
  type DeliveryReport,
  queryBars,
  queryTrades,
  RecordTooLargeError,
  type SinkFailure,
  type ToDynamoOptions,
  toDynamo,
  type UnsentRecords,
} from '../../src/index.js';
import { type FakeAnswer, fakeDynamo, invalid } from '../helpers/fakeClients.js';
import { VirtualClock } from '../helpers/virtualTime.js';

const symbols = (count: number) =>
  Array.from({ length: count }, (_, i) => `S${String(i).padStart(4, '0')}`);

/**
 * Runs `toDynamo` over `source` on a fake client in virtual time, counting every record the
 * sink is given (`sent`) and where each went: reports, `onFailure`, `onUnsent`, `onBuffered`.
 */
function run(
  source: Subject<Trade> | Trade[],
  clock: VirtualClock,
  fake: ReturnType<typeof fakeDynamo>,
  options: Partial<ToDynamoOptions> = {},
) {
  const sent: Trade[] = [];
  const reports: DeliveryReport[] = [];
  const failures: SinkFailure<Trade>[] = [];
  const unsent: UnsentRecords<Trade>[] = [];
  const levels: number[] = [];
  const state: { completed: boolean; error?: unknown } = { completed: false };
  const input = Array.isArray(source) ? from(source) : source;
  input
    .pipe(
      tap((trade) => sent.push(trade)),
      toDynamo({
        client: fake.client,
        tableName: 'history',
        scheduler: clock.scheduler,
        random: () => 0.5,
        onFailure: (failure) => void failures.push(failure),
        onUnsent: (records) => void unsent.push(records),
        onBuffered: (buffered) => void levels.push(buffered),
        ...options,
      }),
    )
    .subscribe({
      next: (report) => reports.push(report),
      error: (error) => {
        state.error = error;
      },
      complete: () => {
        state.completed = true;
      },
    });
  return { sent, reports, failures, unsent, levels, state };
}

/** A fake whose calls answer as `answers[call]` (everything accepted past the list). */
function scripted(clock: VirtualClock, latencyMs: number, answers: (FakeAnswer | undefined)[]) {
  return fakeDynamo({ clock, latencyMs, answer: (call) => answers[call] });
}

describe('toDynamo()', () => {
  it('writes the default item: pk symbol, sk padded seq, the fields and a 7-day ttl', async () => {
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
        sk: '0000000000000042',
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
    // The two unprocessed items go straight back and share the next request with the last 5.
    expect(sizes).toEqual([25, 7]);
    const second = Object.values(fake.calls[1]!.RequestItems!)[0]!.map(
      (r) => r.PutRequest!.Item!.pk,
    );
    expect(second.filter((pk) => pk === 'S3' || pk === 'S7')).toEqual(['S3', 'S7']);
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
  it("hands the overflowing record and every held one to onUnsent (overflow: 'error'): delivered + onFailure + onUnsent = sent", async () => {
    const clock = new VirtualClock();
    // Call 0 is refused for good, call 2 leaves two items unprocessed (retried), the rest pass.
    const fake = scripted(clock, 50, [invalid(), undefined, { failIndexes: [0, 1] }]);
    const source = new Subject<Trade>();
    const trades = tradeSequence(symbols(30), 10);
    const { sent, reports, failures, unsent, state } = run(source, clock, fake, {
      maxBufferedRecords: 40,
    });

    for (const trade of trades.slice(0, 30)) source.next(trade);
    await clock.advance(300); // 25 refused, 5 delivered
    for (const trade of trades.slice(30, 60)) source.next(trade);
    await clock.advance(60); // 23 delivered, 2 waiting for a retry, 5 lingering
    for (const trade of trades.slice(60)) source.next(trade); // a burst: overflows at 40

    expect(state.error).toBeInstanceOf(BufferOverflowError);
    const delivered = [...fake.table.values()] as unknown as Trade[];
    const failed = failures.flatMap((failure) => failure.records);
    const notSent = unsent.flatMap((records) => records.unsent);
    const inFlight = unsent.flatMap((records) => records.inFlight);
    expect([delivered, failed, notSent, inFlight].map((part) => part.length > 0)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(reports.reduce((sum, report) => sum + report.records, 0)).toBe(delivered.length);
    const accounted = [...delivered, ...failed, ...notSent, ...inFlight].map(tradeKey);
    expect(accounted.sort()).toEqual(sent.map(tradeKey).sort());
    expect(notSent.at(-1)).toEqual(sent.at(-1));
  });

  it('stops a synchronous source at an overflow: the records it still emits reach onUnsent', async () => {
    const clock = new VirtualClock();
    const fake = fakeDynamo({ clock, latencyMs: 60_000 });
    const trades = tradeSequence(['AAPL', 'MSFT'], 50);

    const { sent, unsent, state } = run(trades, clock, fake, { maxBufferedRecords: 10 });
    await clock.advance(0);

    expect(state.error).toBeInstanceOf(BufferOverflowError);
    expect(sent.length).toBeLessThan(trades.length);
    const accounted = unsent.flatMap((records) => [...records.unsent, ...records.inFlight]);
    expect(accounted.map(tradeKey).sort()).toEqual(sent.map(tradeKey).sort());
  });

  it('tells in every report how many records it still holds (buffered)', async () => {
    const clock = new VirtualClock();
    const fake = scripted(clock, 10, [{ failIndexes: [0] }]);
    const source = new Subject<Trade>();
    const { reports } = run(source, clock, fake);

    for (const trade of tradeSequence(symbols(30), 1)) source.next(trade);
    await clock.advance(1_000);

    // 25 sent at once, 5 lingering; one unprocessed item is retried with the 5.
    expect(reports.map((report) => [report.records, report.retrying, report.buffered])).toEqual([
      [24, 1, 6],
      [6, 0, 0],
    ]);
  });

  it('tells onBuffered how many records it holds, also while the target stalls and no report comes', async () => {
    const clock = new VirtualClock();
    const fake = fakeDynamo({ clock, latencyMs: 60_000 });
    const source = new Subject<Trade>();
    const { reports, levels, state } = run(source, clock, fake);

    for (const trade of tradeSequence(symbols(30), 1)) source.next(trade);
    await clock.advance(1_000);
    const whileStalled = { reports: reports.length, level: levels.at(-1) };
    source.complete();
    await clock.advance(60_000);

    expect(whileStalled).toEqual({ reports: 0, level: 30 });
    expect(levels.slice(0, 30)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(levels.at(-1)).toBe(0);
    expect(state.completed).toBe(true);
  });

  it('errors the stream when onBuffered throws, handing what it holds to onUnsent', async () => {
    const clock = new VirtualClock();
    const fake = fakeDynamo({ clock, latencyMs: 100 });
    const broken = new Error('gauge broke');

    const { unsent, state } = run(tradeSequence(['AAPL'], 3), clock, fake, {
      onBuffered: (buffered) => {
        if (buffered === 2) throw broken;
      },
    });
    await clock.advance(0);

    expect(state.error).toBe(broken);
    expect(unsent.flatMap((records) => [...records.unsent, ...records.inFlight])).toHaveLength(3);
  });

  it('writes everything it holds when its source completes, records waiting for linger or a retry included, then completes', async () => {
    const clock = new VirtualClock();
    // S0 and S1 are unprocessed three times: the first time they go straight into the next
    // request (with the 5 that waited for the first answer), then again alone, then they wait
    // a backoff.
    const fake = scripted(clock, 10, [
      { failIndexes: [0, 1] },
      { failIndexes: [5, 6] },
      { failIndexes: [0, 1] },
    ]);
    const source = new Subject<Trade>();
    const trades = tradeSequence(symbols(30), 1);
    const { reports, unsent, state } = run(source, clock, fake, { lingerMs: 60_000 });

    for (const trade of trades) source.next(trade); // 25 sent, 5 lingering behind them
    await clock.advance(30); // 2 unprocessed three times, waiting for their retry
    expect(fake.calls).toHaveLength(3);
    source.complete();
    await clock.advance(0);
    const beforeRetry = state.completed;
    await clock.advance(1_000);

    expect(beforeRetry).toBe(false);
    expect(state.completed).toBe(true);
    expect(clock.now).toBeLessThan(60_000);
    expect(
      [...fake.table.values()].map((item) => tradeKey(item as unknown as Trade)).sort(),
    ).toEqual(trades.map(tradeKey).sort());
    expect(reports.at(-1)!.totals).toEqual({ delivered: 30, retried: 6, failed: 0 });
    expect(unsent).toEqual([]);
  });
});
