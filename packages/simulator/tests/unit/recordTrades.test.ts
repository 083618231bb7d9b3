import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateTrade } from '@market-stream/core';
import {
  firstValueFrom,
  from,
  lastValueFrom,
  Subject,
  take,
  toArray,
  VirtualTimeScheduler,
} from 'rxjs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import { simulateTrades, TradeFileError } from '../../src/index.js';
import { recordTrades, replayTrades } from '../../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function linesOf(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

describe('recordTrades()', () => {
  it('writes one valid NDJSON trade per line and completes once the file is complete', async () => {
    const trades = tradeSequence(['AAPL', 'TSLA'], 500);
    const path = join(dir, 'sequence.ndjson');

    const passed = await lastValueFrom(from(trades).pipe(recordTrades(path), toArray()));

    expect(passed).toEqual(trades);
    const lines = linesOf(path);
    expect(lines).toHaveLength(1_000);
    expect(lines.map((line) => validateTrade(JSON.parse(line)))).toEqual(
      trades.map((trade) => ({ ok: true, trade })),
    );
  });

  it('round-trips a simulation through replayTrades', async () => {
    const scheduler = new VirtualTimeScheduler();
    const path = join(dir, 'simulated.ndjson');
    const recording = lastValueFrom(
      simulateTrades({
        symbols: 5,
        tradesPerSecond: 100,
        duration: 10_000,
        scheduler,
        seed: 9,
      }).pipe(recordTrades(path), toArray()),
    );
    scheduler.flush();
    const recorded = await recording;

    const replayed = await lastValueFrom(replayTrades(path, { speed: 'max' }).pipe(toArray()));

    expect(recorded).toHaveLength(5_000);
    expect(replayed).toEqual(recorded);
  });

  it('appends with append: true', async () => {
    const path = join(dir, 'append.ndjson');
    writeFileSync(path, `${JSON.stringify(tradeSequence(['AAPL'], 1)[0])}\n`);

    await lastValueFrom(
      from(tradeSequence(['MSFT'], 2)).pipe(recordTrades(path, { append: true })),
    );

    expect(linesOf(path).map((line) => JSON.parse(line).symbol)).toEqual(['AAPL', 'MSFT', 'MSFT']);
  });

  it('writes what arrived and closes the file when unsubscribed early', async () => {
    const path = join(dir, 'early.ndjson');
    const source = new Subject<ReturnType<typeof tradeSequence>[number]>();
    const firstTwo = firstValueFrom(source.pipe(recordTrades(path), take(2), toArray()));

    for (const trade of tradeSequence(['AAPL'], 5)) source.next(trade);
    await firstTwo;

    // The file is closed asynchronously after the unsubscribe; wait for its content.
    await vi.waitFor(() => expect(linesOf(path)).toHaveLength(2));
  });

  it('fails with BUFFER_FULL instead of growing when a burst outruns the file', async () => {
    const path = join(dir, 'burst.ndjson');

    const failure = await lastValueFrom(
      from(tradeSequence(['AAPL'], 20_000)).pipe(
        recordTrades(path, { maxBufferBytes: 128 * 1024 }),
      ),
    ).catch((error) => error);

    expect(failure).toBeInstanceOf(TradeFileError);
    expect(failure).toMatchObject({ code: 'BUFFER_FULL', path });
  });

  it('fails with WRITE_FAILED when the file cannot be opened', async () => {
    const path = join(dir, 'no-such-dir', 'x.ndjson');

    const failure = await lastValueFrom(
      from(tradeSequence(['AAPL'], 1)).pipe(recordTrades(path)),
    ).catch((error) => error);

    expect(failure).toBeInstanceOf(TradeFileError);
    expect(failure).toMatchObject({ code: 'WRITE_FAILED' });
  });
});
