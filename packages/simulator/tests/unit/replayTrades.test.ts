import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Trade } from '@market-stream/core';
import { firstValueFrom, take, toArray, VirtualTimeScheduler } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { tradeFactory, tradeSequence } from '../../../../tests/helpers/factories.js';
import { InvalidLineError, InvalidOptionsError, TradeFileError } from '../../src/index.js';
import { type ReplayTradesOptions, replayTrades } from '../../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ndjson(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * Replays on a VirtualTimeScheduler, flushing between turns of the event loop until the replay
 * completes, and records the virtual time at which each trade came out.
 */
async function replayVirtually(
  source: Parameters<typeof replayTrades>[0],
  options: ReplayTradesOptions = {},
): Promise<{ trades: Trade[]; at: number[]; invalid: InvalidLineError[] }> {
  const scheduler = new VirtualTimeScheduler();
  const trades: Trade[] = [];
  const at: number[] = [];
  const invalid: InvalidLineError[] = [];
  let done = false;
  let failure: unknown;
  replayTrades(source, {
    onInvalid: (error) => invalid.push(error),
    ...options,
    scheduler,
  }).subscribe({
    next: (trade) => {
      trades.push(trade);
      at.push(scheduler.now());
    },
    error: (error) => {
      failure = error;
      done = true;
    },
    complete: () => {
      done = true;
    },
  });
  for (let turn = 0; turn < 10_000 && !done; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    scheduler.flush();
  }
  if (failure) throw failure;
  expect(done).toBe(true);
  return { trades, at, invalid };
}

const spaced = [0, 100, 250, 1_000].map((offset, i) =>
  tradeFactory({ timestamp: 1_700_000_000_000 + offset, seq: i + 1 }),
);

describe('replayTrades()', () => {
  it('replays an NDJSON file in order, every valid line once', async () => {
    const trades = tradeSequence(['AAPL', 'TSLA'], 50);
    const path = ndjson(
      'all.ndjson',
      trades.map((trade) => JSON.stringify(trade)),
    );

    const replayed = await firstValueFrom(replayTrades(path, { speed: 'max' }).pipe(toArray()));

    expect(replayed).toEqual(trades);
  });

  it('keeps the recorded spacing in real time, ×N, and emits at once at max speed', async () => {
    const real = await replayVirtually(spaced, { speed: 1 });
    const tenfold = await replayVirtually(spaced, { speed: 10 });
    const max = await replayVirtually(spaced, { speed: 'max' });

    expect(real.at).toEqual([0, 100, 250, 1_000]);
    expect(tenfold.at).toEqual([0, 10, 25, 100]);
    expect(max.at).toEqual([0, 0, 0, 0]);
    expect(real.trades).toEqual(spaced);
  });

  it('rewrites timestamps to the replay clock with retime, keeping the spacing', async () => {
    const { trades } = await replayVirtually(spaced, { speed: 2, retime: true });

    expect(trades.map((trade) => trade.timestamp)).toEqual([0, 50, 125, 500]);
    expect(trades.map((trade) => trade.price)).toEqual(spaced.map((trade) => trade.price));
  });

  it('reports bad lines with their line numbers, skips them and blank lines, and carries on', async () => {
    const good = tradeSequence(['AAPL'], 3).map((trade) => JSON.stringify(trade));
    const path = ndjson('bad.ndjson', [
      good[0]!,
      '{"symbol":"AAPL",',
      '',
      JSON.stringify(tradeFactory({ bid: 101, ask: 99 })),
      good[1]!,
      'x'.repeat(5_000),
      `${good[2]!}\r`,
      '[1,2,3]',
    ]);

    const { trades, invalid } = await replayVirtually(path, { speed: 'max', maxLineLength: 1_000 });

    expect(trades.map((trade) => trade.seq)).toEqual([1, 2, 3]);
    expect(invalid.map((error) => error.line)).toEqual([2, 4, 6, 8]);
    expect(invalid[0]!.issues[0]!.reason).toMatch(/not valid JSON/);
    expect(invalid[1]!.issues).toContainEqual({ field: 'ask', reason: 'must be greater than bid' });
    expect(invalid[2]!.issues[0]!.reason).toMatch(/longer than 1000/);
    expect(invalid[2]!.text.length).toBeLessThanOrEqual(201);
    expect(invalid.every((error) => error instanceof InvalidLineError)).toBe(true);
  });

  it('replays an async iterable of lines and trade objects, numbering items', async () => {
    async function* source() {
      yield JSON.stringify(spaced[0]);
      yield 'not json';
      yield spaced[1];
      yield { symbol: 'AAPL' };
    }

    const { trades, invalid } = await replayVirtually(source(), { speed: 'max' });

    expect(trades).toEqual([spaced[0], spaced[1]]);
    expect(invalid.map((error) => error.line)).toEqual([2, 4]);
  });

  it('stops reading when unsubscribed', async () => {
    let pulled = 0;
    function* endless() {
      for (;;) {
        pulled++;
        yield tradeFactory({ seq: pulled, timestamp: pulled });
      }
    }

    const first = await firstValueFrom(
      replayTrades(endless(), { speed: 'max' }).pipe(take(3), toArray()),
    );

    expect(first.map((trade) => trade.seq)).toEqual([1, 2, 3]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(pulled).toBeLessThanOrEqual(4);
  });

  it('fails with a READ_FAILED TradeFileError when the file cannot be read', async () => {
    const missing = join(dir, 'missing.ndjson');

    const failure = await firstValueFrom(replayTrades(missing, { speed: 'max' })).catch((e) => e);

    expect(failure).toBeInstanceOf(TradeFileError);
    expect(failure).toMatchObject({ code: 'READ_FAILED', path: missing });
  });

  it('rejects a bad speed synchronously', () => {
    expect(() => replayTrades([], { speed: 0 })).toThrow(InvalidOptionsError);
    expect(() => replayTrades(42 as never)).toThrow(InvalidOptionsError);
  });
});
