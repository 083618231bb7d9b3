import { type Trade, tradeKey } from '@market-stream/core';
import { from, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { tradeFactory, tradeSequence } from '../../../../tests/helpers/factories.js';
import {
  BufferOverflowError,
  type DeliveryReport,
  InvalidSinkOptionsError,
  RecordRejectedError,
  RecordTooLargeError,
  SinkDeliveryError,
  type SinkFailure,
  toKinesis,
  type UnsentRecords,
} from '../../src/index.js';
import {
  connectionReset,
  type FakeAnswer,
  fakeKinesis,
  invalid,
  throttled,
} from '../helpers/fakeClients.js';
import { VirtualClock } from '../helpers/virtualTime.js';

const symbols = (count: number) =>
  Array.from({ length: count }, (_, i) => `S${String(i).padStart(4, '0')}`);

function run(
  trades: Trade[] | Subject<Trade>,
  clock: VirtualClock,
  fake: ReturnType<typeof fakeKinesis>,
  options: Partial<Parameters<typeof toKinesis<Trade>>[0]> = {},
) {
  const reports: DeliveryReport[] = [];
  const failures: SinkFailure<Trade>[] = [];
  const state: { completed: boolean; error?: unknown } = { completed: false };
  const source = Array.isArray(trades) ? from(trades) : trades;
  const subscription = source
    .pipe(
      toKinesis({
        client: fake.client,
        streamName: 'trades',
        scheduler: clock.scheduler,
        random: () => 0.5,
        onFailure: (failure) => {
          failures.push(failure);
        },
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
  return { reports, failures, state, subscription };
}

/** The seqs of each symbol in the order the fake stored them. */
function seqsBySymbol(trades: Trade[]): Map<string, number[]> {
  const bySymbol = new Map<string, number[]>();
  for (const trade of trades) {
    const seqs = bySymbol.get(trade.symbol) ?? [];
    seqs.push(trade.seq);
    bySymbol.set(trade.symbol, seqs);
  }
  return bySymbol;
}

describe('toKinesis()', () => {
  it('fills PutRecords to 500 records (one per symbol) and delivers the rest when the source completes', async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis();
    const trades = tradeSequence(symbols(600), 2);

    const { reports, state } = run(trades, clock, fake);
    await clock.advance(0);

    // Per-key order: a symbol's second trade waits for its first request to be answered. The
    // 100 left over wait for that answer too (company from the request in flight), so the
    // second round fills a request: 3 calls where sending them alone took 4.
    expect(fake.calls.map((call) => call.Records?.length)).toEqual([500, 500, 200]);
    expect(state.completed).toBe(true);
    expect(reports.reduce((sum, report) => sum + report.records, 0)).toBe(1200);
    expect(fake.decode().map(tradeKey).sort()).toEqual(trades.map(tradeKey).sort());
  });

  it('with lingerWhenIdle, waits lingerMs for a fuller batch, then sends what it has', async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis();
    const source = new Subject<Trade>();
    run(source, clock, fake, { lingerMs: 100, lingerWhenIdle: true });

    source.next(tradeFactory({ symbol: 'AAPL', seq: 1 }));
    await clock.advance(60);
    source.next(tradeFactory({ symbol: 'MSFT', seq: 1 }));
    await clock.advance(39);
    expect(fake.calls).toHaveLength(0);

    await clock.advance(1);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.Records).toHaveLength(2);
  });

  it('sends at once when idle and batches only what arrives while a request is in flight', async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis({ clock, latencyMs: 30 });
    const source = new Subject<Trade>();
    run(source, clock, fake, { lingerMs: 100, concurrency: 1 });

    source.next(tradeFactory({ symbol: 'AAPL', seq: 1 }));
    await clock.advance(0);
    expect(fake.calls.map((call) => call.Records?.length)).toEqual([1]);

    source.next(tradeFactory({ symbol: 'MSFT', seq: 1 }));
    source.next(tradeFactory({ symbol: 'TSLA', seq: 1 }));
    await clock.advance(29);
    expect(fake.calls).toHaveLength(1);
    await clock.advance(1);
    expect(fake.calls.map((call) => call.Records?.length)).toEqual([1, 2]);
  });

  it('keeps every request under 5 MiB counting partition keys', async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis();
    const blob = new Uint8Array(400_000);
    const trades = tradeSequence(symbols(40), 1);

    run(trades, clock, fake, { encode: () => blob });
    await clock.advance(0);

    const sizes = fake.calls.map((call) =>
      (call.Records ?? []).reduce(
        (sum, record) => sum + record.Data!.length + Buffer.byteLength(record.PartitionKey!),
        0,
      ),
    );
    expect(sizes.every((size) => size <= 5 * 1_048_576)).toBe(true);
    expect(fake.calls.map((call) => call.Records?.length)).toEqual([13, 13, 13, 1]);
  });

  it('rejects one record over 1 MiB with a typed error naming it, without harming the rest', async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis();
    const trades = tradeSequence(['AAPL', 'MSFT'], 3);
    const huge = new Uint8Array(1_048_577);

    const { failures, state } = run(trades, clock, fake, {
      encode: (trade) =>
        trade.symbol === 'MSFT' && trade.seq === 2 ? huge : Buffer.from(JSON.stringify(trade)),
    });
    await clock.advance(200);

    expect(failures).toHaveLength(1);
    expect(failures[0]!.reason).toBe('too-large');
    expect(failures[0]!.error).toBeInstanceOf(RecordTooLargeError);
    expect(failures[0]!.error.message).toContain('MSFT#2');
    expect(failures[0]!.records.map(tradeKey)).toEqual(['MSFT#2']);
    expect(fake.decode().map(tradeKey).sort()).toEqual(
      ['AAPL#1', 'AAPL#2', 'AAPL#3', 'MSFT#1', 'MSFT#3'].sort(),
    );
    expect(state.completed).toBe(true);
  });

  it('retries exactly the records PutRecords rejected: in the next request twice, then after a full-jitter backoff', async () => {
    const clock = new VirtualClock();
    const answers: (FakeAnswer | undefined)[] = [
      { failIndexes: [1, 3], code: 'ProvisionedThroughputExceededException' },
      { failIndexes: [0], code: 'InternalFailure' },
      { failIndexes: [0], code: 'ProvisionedThroughputExceededException' },
    ];
    const fake = fakeKinesis({ answer: (call) => answers[call] });
    const trades = tradeSequence(symbols(5), 1);

    const { reports, state } = run(trades, clock, fake, {
      rejectionBackoffBaseMs: 10,
      random: () => 0.5,
    });
    await clock.advance(0);
    // First and second rejections: no wait, each retry goes out in the next request.
    expect(fake.calls).toHaveLength(3);
    expect(fake.calls[1]!.Records!.map((record) => record.PartitionKey)).toEqual([
      'S0001',
      'S0003',
    ]);
    expect(fake.calls[2]!.Records!.map((record) => record.PartitionKey)).toEqual(['S0001']);
    // S0001 rejected a third time: the delay is random × 10 ms = 5 ms.
    await clock.advance(4);
    expect(fake.calls).toHaveLength(3);
    await clock.advance(1);
    expect(fake.calls[3]!.Records!.map((record) => record.PartitionKey)).toEqual(['S0001']);

    expect(state.completed).toBe(true);
    expect(fake.decode().map(tradeKey).sort()).toEqual(trades.map(tradeKey).sort());
    expect(reports.map((report) => [report.records, report.failed, report.attempts])).toEqual([
      [3, 2, 1],
      [1, 1, 2],
      [0, 1, 3],
      [1, 0, 4],
    ]);
    expect(reports.at(-1)!.totals).toEqual({ delivered: 5, retried: 4, failed: 0 });
  });

  it('keeps per-symbol order across retries: a later trade never overtakes a failed one', async () => {
    const clock = new VirtualClock();
    let failedOnce = false;
    const fake = fakeKinesis({
      answer: (call) => {
        // Reject AAPL's first trade once.
        if (!failedOnce && call === 0) {
          failedOnce = true;
          return { failIndexes: [0] };
        }
        return undefined;
      },
    });
    const source = new Subject<Trade>();
    run(source, clock, fake, { lingerMs: 10 });

    for (const trade of tradeSequence(['AAPL', 'MSFT'], 4)) source.next(trade);
    source.complete();
    await clock.advance(10_000);

    const bySymbol = seqsBySymbol(fake.decode());
    expect(bySymbol.get('AAPL')).toEqual([1, 2, 3, 4]);
    expect(bySymbol.get('MSFT')).toEqual([1, 2, 3, 4]);
  });

  it("with ordering: 'none' fills requests from one symbol", async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis();

    run(tradeSequence(['AAPL'], 700), clock, fake, { ordering: 'none' });
    await clock.advance(0);

    expect(fake.calls.map((call) => call.Records?.length)).toEqual([500, 200]);
  });

  it("with ordering: 'per-key' sends one record per symbol per request", async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis();

    run(tradeSequence(['AAPL', 'MSFT'], 3), clock, fake);
    await clock.advance(0);

    expect(fake.calls.map((call) => call.Records?.map((r) => r.PartitionKey))).toEqual([
      ['AAPL', 'MSFT'],
      ['AAPL', 'MSFT'],
      ['AAPL', 'MSFT'],
    ]);
  });

  it('gives up after maxAttempts and hands the records to onFailure', async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis({ answer: () => ({ failIndexes: [0], code: 'InternalFailure' }) });

    const { failures, state, reports } = run([tradeFactory({ seq: 7 })], clock, fake, {
      maxAttempts: 3,
    });
    await clock.advance(10_000);

    expect(fake.calls).toHaveLength(3);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ reason: 'attempts-exhausted', attempts: 3 });
    expect(failures[0]!.error).toBeInstanceOf(RecordRejectedError);
    expect((failures[0]!.error as RecordRejectedError).errorCode).toBe('InternalFailure');
    expect(reports.at(-1)!.totals).toEqual({ delivered: 0, retried: 2, failed: 1 });
    expect(state.completed).toBe(true);
  });

  it('gives up on a record older than recordTtlMs instead of retrying it', async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis({ answer: () => throttled() });

    const { failures } = run([tradeFactory()], clock, fake, {
      recordTtlMs: 1_000,
      maxAttempts: 100,
      backoffBaseMs: 400,
      random: () => 0.99,
    });
    await clock.advance(60_000);

    expect(failures).toHaveLength(1);
    expect(failures[0]!.reason).toBe('expired');
    expect(clock.now - 60_000).toBeLessThanOrEqual(0);
    expect(fake.calls.length).toBeLessThan(5);
  });

  it('retries throttled and dropped requests, and rejects a request the service refuses for good', async () => {
    const clock = new VirtualClock();
    const answers = [throttled(), connectionReset(), invalid()];
    const fake = fakeKinesis({ answer: (call) => answers[call] });

    const { failures, reports, state } = run([tradeFactory()], clock, fake);
    await clock.advance(10_000);

    expect(fake.calls).toHaveLength(3);
    expect(reports.map((report) => report.error?.name)).toEqual([
      'ThrottlingException',
      'Error',
      'ValidationException',
    ]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.reason).toBe('rejected');
    expect(state.completed).toBe(true);
  });

  it('errors with a SinkDeliveryError carrying the records when there is no onFailure', async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis({ answer: () => invalid() });

    const { state } = run([tradeFactory({ seq: 3 })], clock, fake, { onFailure: undefined });
    await clock.advance(1_000);

    expect(state.error).toBeInstanceOf(SinkDeliveryError);
    expect((state.error as SinkDeliveryError).records.map((r) => tradeKey(r as Trade))).toEqual([
      'AAPL#3',
    ]);
  });

  it('never has more than `concurrency` requests in flight', async () => {
    const clock = new VirtualClock();
    let inFlight = 0;
    let most = 0;
    const fake = fakeKinesis({ clock, latencyMs: 100 });
    const send = fake.client.send.bind(fake.client);
    (fake.client as { send: unknown }).send = async (command: never) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        return await send(command);
      } finally {
        inFlight--;
      }
    };

    const { state } = run(tradeSequence(['AAPL'], 50), clock, fake, {
      ordering: 'none',
      lingerMs: 0,
      concurrency: 3,
    });
    await clock.advance(10_000);

    expect(state.completed).toBe(true);
    expect(most).toBe(3);
  });

  it("errors with a BufferOverflowError when the buffer is full (overflow: 'error')", async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis({ clock, latencyMs: 60_000 });
    const unsent: UnsentRecords<Trade>[] = [];

    const { state } = run(tradeSequence(['AAPL'], 11), clock, fake, {
      maxBufferedRecords: 10,
      onUnsent: (records) => unsent.push(records),
    });
    await clock.advance(0);

    expect(state.error).toBeInstanceOf(BufferOverflowError);
    expect(unsent).toHaveLength(1);
    // The 10 held and the 11th, which overflowed: none vanishes.
    expect(unsent[0]!.unsent.length + unsent[0]!.inFlight.length).toBe(11);
    expect(unsent[0]!.unsent.at(-1)!.seq).toBe(11);
  });

  it("hands the newest record to onFailure when the buffer is full (overflow: 'reject')", async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis({ clock, latencyMs: 100 });

    const { failures, state } = run(tradeSequence(['AAPL'], 11), clock, fake, {
      maxBufferedRecords: 10,
      overflow: 'reject',
    });
    await clock.advance(10_000);

    expect(failures.map((failure) => [failure.reason, failure.records[0]!.seq])).toEqual([
      ['buffer-full', 11],
    ]);
    expect(fake.decode()).toHaveLength(10);
    expect(state.completed).toBe(true);
  });

  it('reports unsent and in-flight records when unsubscribed early', async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis({ clock, latencyMs: 1_000 });
    const unsent: UnsentRecords<Trade>[] = [];
    const source = new Subject<Trade>();

    const { subscription } = run(source, clock, fake, {
      onUnsent: (records) => unsent.push(records),
    });
    for (const trade of tradeSequence(['AAPL', 'MSFT'], 2)) source.next(trade);
    await clock.advance(100); // first request (AAPL#1, MSFT#1) in flight
    subscription.unsubscribe();

    expect(unsent).toHaveLength(1);
    expect(unsent[0]!.inFlight.map(tradeKey).sort()).toEqual(['AAPL#1', 'MSFT#1']);
    expect(unsent[0]!.unsent.map(tradeKey).sort()).toEqual(['AAPL#2', 'MSFT#2']);
  });

  it('waits for an async onFailure before completing', async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis({ answer: () => invalid() });
    const settled: string[] = [];

    const { state } = run([tradeFactory()], clock, fake, {
      onFailure: () => clock.delay(500).then(() => void settled.push('dead-lettered')),
    });
    await clock.advance(100);
    expect(state.completed).toBe(false);

    await clock.advance(500);
    expect(settled).toEqual(['dead-lettered']);
    expect(state.completed).toBe(true);
  });

  it('reports latency, bytes and entries per request', async () => {
    const clock = new VirtualClock();
    const fake = fakeKinesis({ clock, latencyMs: 25 });
    const trade = tradeFactory();

    const { reports } = run([trade], clock, fake);
    await clock.advance(1_000);

    expect(reports).toEqual([
      expect.objectContaining({
        sink: 'kinesis',
        records: 1,
        failed: 0,
        entries: 1,
        attempts: 1,
        latencyMs: 25,
        bytes: Buffer.byteLength(JSON.stringify(trade)) + 'AAPL'.length,
      }),
    ]);
  });

  it('throws InvalidSinkOptionsError for options it cannot work with', () => {
    const fake = fakeKinesis();
    expect(() => toKinesis({ client: fake.client })).toThrow(InvalidSinkOptionsError);
    expect(() => toKinesis({ client: fake.client, streamName: 's', concurrency: 0 })).toThrow(
      InvalidSinkOptionsError,
    );
    expect(() => toKinesis({ client: fake.client, streamName: 's', lingerMs: -1 })).toThrow(
      InvalidSinkOptionsError,
    );
  });
});
