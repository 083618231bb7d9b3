import type { SnapshotMessage } from '@market-stream/core';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { ENGINE_DEFAULTS } from '../../src/defaults.js';
import { createFanout } from '../../src/engine/createFanout.js';
import type { FanoutOptions } from '../../src/engine/types.js';
import { SequenceGapError, SymbolLimitError } from '../../src/errors.js';
import { advanceTo, RecordingTransport, virtualScheduler } from './engine.helpers.js';

function setup(options: Partial<FanoutOptions> = {}) {
  const scheduler = virtualScheduler();
  const transport = new RecordingTransport();
  const errors: unknown[] = [];
  const fanout = createFanout({
    transport,
    scheduler,
    mode: 'all',
    onError: (error) => errors.push(error),
    ...options,
  });
  return { scheduler, transport, errors, fanout };
}

const trade = (symbol: string, seq: number) => tradeFactory({ symbol, seq });

function snapshotOf(transport: RecordingTransport, id: string) {
  const snapshot = transport.messages(id).find((m) => m.type === 'snapshot') as SnapshotMessage;
  return snapshot.trades.map((t) => `${t.symbol}#${t.seq}`);
}

describe('createFanout() with a sequence jump (maxSeqGap)', () => {
  it('drops a trade far ahead of its symbol’s sequence, so the real ones keep flowing', () => {
    const { scheduler, transport, errors, fanout } = setup();
    fanout.connect('a', { symbols: ['SPOT'] });

    fanout.publish([trade('SPOT', 5), trade('SPOT', 2 ** 53 - 1), trade('SPOT', 6)]);
    fanout.publish(trade('SPOT', 7));
    advanceTo(scheduler, 50);
    fanout.connect('late', { symbols: ['SPOT'] });

    expect(transport.tradeKeys('a')).toEqual(['SPOT#5', 'SPOT#6', 'SPOT#7']);
    expect(snapshotOf(transport, 'late')).toEqual(['SPOT#7']);
    expect(fanout.metrics.drops.seq_gap).toBe(1);
    expect(fanout.metrics.toPrometheus()).toContain(
      'market_stream_fanout_drops_total{reason="seq_gap"} 1',
    );
    expect(errors).toEqual([expect.any(SequenceGapError)]);
    expect(errors[0]).toMatchObject({
      code: 'SEQ_GAP',
      symbol: 'SPOT',
      lastSeq: 5,
      seq: 2 ** 53 - 1,
      maxSeqGap: ENGINE_DEFAULTS.maxSeqGap,
    });
  });

  it('accepts a jump of exactly maxSeqGap and refuses one more', () => {
    const { errors, fanout } = setup({ maxSeqGap: 10 });
    fanout.connect('late', {});

    fanout.publish([trade('A', 1), trade('A', 11), trade('A', 22)]);

    expect(fanout.metrics.drops.seq_gap).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('reports a flood of jumps once per symbol per report interval, and counts each', () => {
    const { scheduler, errors, fanout } = setup();
    fanout.publish([trade('SPOT', 1), trade('IBM', 1)]);

    for (let i = 0; i < 1_000; i++) fanout.publish(trade('SPOT', 1e9 + i));
    fanout.publish(trade('IBM', 1e9));
    const inFirstInterval = errors.length;
    advanceTo(scheduler, ENGINE_DEFAULTS.errorReportIntervalMs);
    fanout.publish(trade('SPOT', 1e9));

    expect(fanout.metrics.drops.seq_gap).toBe(1_002);
    expect(inFirstInterval).toBe(2);
    expect(errors.map((e) => (e as SequenceGapError).symbol)).toEqual(['SPOT', 'IBM', 'SPOT']);
  });

  it('does not check jumps with maxSeqGap Infinity', () => {
    const { fanout } = setup({ maxSeqGap: Number.POSITIVE_INFINITY });

    fanout.publish([trade('SPOT', 1), trade('SPOT', 2 ** 53 - 1)]);

    expect(fanout.metrics.drops.seq_gap).toBe(0);
  });

  it('rejects a maxSeqGap below 1', () => {
    const transport = new RecordingTransport();
    expect(() => createFanout({ transport, maxSeqGap: 0 })).toThrow(RangeError);
  });
});

describe('createFanout() with more symbols than it keeps (maxSymbols)', () => {
  it('evicts the least recently traded symbol nobody subscribes to', () => {
    const { transport, errors, fanout } = setup({ maxSymbols: 3 });
    fanout.connect('a', { symbols: ['A'] });

    fanout.publish([trade('A', 1), trade('B', 1), trade('C', 1), trade('B', 2)]);
    fanout.publish([trade('D', 1), trade('E', 1)]);
    fanout.connect('late', { symbols: ['A', 'B', 'C', 'D', 'E'] });

    expect(fanout.metrics.symbols).toBe(3);
    expect(snapshotOf(transport, 'late')).toEqual(['A#1', 'D#1', 'E#1']);
    expect(fanout.metrics.drops.symbol_limit).toBe(0);
    expect(errors).toEqual([]);
  });

  it('never evicts a subscribed symbol: it drops, counts and reports the new one instead', () => {
    const { scheduler, transport, errors, fanout } = setup({ maxSymbols: 3, directSend: false });
    fanout.connect('a', { symbols: ['A', 'B', 'C'] });
    fanout.publish([trade('A', 1), trade('B', 1), trade('C', 1)]);

    fanout.publish([trade('D', 1), trade('E', 1)]);
    fanout.publish([trade('A', 2), trade('B', 2), trade('C', 2)]);
    advanceTo(scheduler, 50);
    fanout.connect('late', { symbols: ['A', 'B', 'C', 'D', 'E'] });

    expect(fanout.metrics.symbols).toBe(3);
    expect(transport.tradeKeys('a')).toEqual(['A#1', 'A#2', 'B#1', 'B#2', 'C#1', 'C#2']);
    expect(snapshotOf(transport, 'late')).toEqual(['A#2', 'B#2', 'C#2']);
    expect(fanout.metrics.drops.symbol_limit).toBe(2);
    expect(fanout.metrics.toPrometheus()).toContain(
      'market_stream_fanout_drops_total{reason="symbol_limit"} 2',
    );
    expect(errors).toEqual([expect.any(SymbolLimitError)]);
    expect(errors[0]).toMatchObject({ code: 'SYMBOL_LIMIT', symbol: 'D', maxSymbols: 3 });
  });

  it('makes a symbol evictable once its last subscriber leaves, after those idle longer', () => {
    const { transport, fanout } = setup({ maxSymbols: 2 });
    fanout.connect('a', { symbols: ['A'] });
    fanout.connect('b', { symbols: ['A', 'B'] });
    fanout.publish([trade('A', 1), trade('B', 1)]);

    fanout.disconnect('b');
    fanout.publish(trade('C', 1)); // B idle: evicted
    fanout.handleMessage('a', '{"action":"unsubscribe","symbols":["A"]}');
    fanout.publish(trade('D', 1)); // C idle since its trade, A only since now: C evicted
    fanout.publish(trade('E', 1)); // then A
    fanout.connect('late', { symbols: ['A', 'B', 'C', 'D', 'E'] });

    expect(snapshotOf(transport, 'late')).toEqual(['D#1', 'E#1']);
    expect(fanout.metrics.drops.symbol_limit).toBe(0);
  });

  it('keeps its state bounded while 10,000 distinct symbols pass through', () => {
    const { fanout } = setup({ maxSymbols: 100 });
    fanout.connect('a', { symbols: ['KEEP'] });
    fanout.publish(trade('KEEP', 1));
    let peak = 0;

    for (let i = 0; i < 10_000; i++) {
      fanout.publish(trade(`S${i}`, 1));
      peak = Math.max(peak, fanout.metrics.symbols);
    }
    fanout.connect('late', { symbols: ['KEEP'] });

    expect(peak).toBe(100);
    expect(fanout.metrics.snapshot().symbols).toBe(100);
    expect(fanout.metrics.drops.symbol_limit).toBe(0);
  });

  it('rejects a maxSymbols that is not a positive integer', () => {
    const transport = new RecordingTransport();
    expect(() => createFanout({ transport, maxSymbols: 0 })).toThrow(RangeError);
    expect(() => createFanout({ transport, maxSymbols: 2.5 })).toThrow(RangeError);
  });
});
