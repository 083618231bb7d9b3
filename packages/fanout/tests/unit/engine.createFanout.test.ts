import type { Trade } from '@market-stream/core';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { createFanout } from '../../src/engine/createFanout.js';
import { shardOf } from '../../src/engine/shardOf.js';
import type { FanoutOptions } from '../../src/engine/types.js';
import { MemoryConnectionStore } from '../../src/stores/MemoryConnectionStore.js';
import { advanceTo, RecordingTransport, virtualScheduler } from './engine.helpers.js';

function setup(options: Partial<FanoutOptions> = {}) {
  const scheduler = virtualScheduler();
  const transport = new RecordingTransport();
  const store = new MemoryConnectionStore();
  const source = new Subject<Trade>();
  const fanout = createFanout({ transport, store, scheduler, source, ...options });
  return { scheduler, transport, store, source, fanout };
}

const trade = (symbol: string, seq: number, timestamp = 0) =>
  tradeFactory({ symbol, seq, timestamp });

describe('createFanout()', () => {
  it('sends each connection at most one trades message per window, with only its symbols', () => {
    const { scheduler, transport, source, fanout } = setup({ mode: 'all', directSend: false });
    fanout.connect('a', { symbols: ['AAPL'] });
    fanout.connect('b', { symbols: 'MSFT,AAPL' });

    source.next(trade('AAPL', 1));
    source.next(trade('MSFT', 1));
    source.next(trade('AAPL', 2));
    source.next(trade('TSLA', 1));
    advanceTo(scheduler, 0);
    const first = { a: transport.tradeKeys('a'), b: transport.tradeKeys('b') };
    advanceTo(scheduler, 10);
    source.next(trade('AAPL', 3));
    source.next(trade('MSFT', 2));
    advanceTo(scheduler, 49);
    const withinWindow = transport.tradeKeys('b').length;
    advanceTo(scheduler, 50);

    expect(first).toEqual({ a: ['AAPL#1', 'AAPL#2'], b: ['AAPL#1', 'AAPL#2', 'MSFT#1'] });
    expect(withinWindow).toBe(3);
    expect(transport.types('a')).toEqual(['subscribed', 'snapshot', 'trades', 'trades']);
    expect(transport.tradeKeys('a')).toEqual(['AAPL#1', 'AAPL#2', 'AAPL#3']);
    expect(transport.types('b')).toEqual(['subscribed', 'snapshot', 'trades', 'trades']);
    expect(transport.tradeKeys('b')).toEqual(['AAPL#1', 'AAPL#2', 'MSFT#1', 'AAPL#3', 'MSFT#2']);
  });

  it('conflates to the newest trade per symbol in latest mode', () => {
    const { scheduler, transport, source, fanout } = setup({ mode: 'latest', directSend: false });
    fanout.connect('a', { symbols: ['AAPL', 'MSFT'] });

    for (let seq = 1; seq <= 5; seq++) source.next(trade('AAPL', seq));
    source.next(trade('MSFT', 1));
    advanceTo(scheduler, 50);

    expect(transport.tradeKeys('a')).toEqual(['AAPL#5', 'MSFT#1']);
    expect(fanout.metrics.drops.conflated).toBe(4);
  });

  it('honours a per-connection mode', () => {
    const { scheduler, transport, source, fanout } = setup({ mode: 'latest', directSend: false });
    fanout.connect('all', { symbols: ['AAPL'], mode: 'all' });
    fanout.connect('latest', { symbols: ['AAPL'] });

    for (let seq = 1; seq <= 3; seq++) source.next(trade('AAPL', seq));
    advanceTo(scheduler, 50);

    expect(transport.tradeKeys('all')).toEqual(['AAPL#1', 'AAPL#2', 'AAPL#3']);
    expect(transport.tradeKeys('latest')).toEqual(['AAPL#3']);
  });

  it('answers a subscribe with the full set, then a snapshot, and never repeats the snapshot trade', () => {
    const { scheduler, transport, source, fanout } = setup({ mode: 'all' });
    fanout.connect('early', { symbols: ['AAPL'] });
    source.next(trade('AAPL', 1));
    source.next(trade('AAPL', 2));

    fanout.connect('late', { symbols: ['TSLA'] });
    fanout.handleMessage('late', '{"action":"subscribe","symbol":"aapl"}');
    source.next(trade('AAPL', 3));
    advanceTo(scheduler, 100);

    const late = transport.messages('late');
    expect(late[2]).toEqual({ type: 'subscribed', symbols: ['AAPL', 'TSLA'] });
    expect(late[3]).toEqual({ type: 'snapshot', trades: [trade('AAPL', 2)] });
    expect(transport.tradeKeys('late')).toEqual(['AAPL#3']);
    expect(transport.tradeKeys('early')).toEqual(['AAPL#1', 'AAPL#2', 'AAPL#3']);
  });

  it('stops delivering a symbol after unsubscribe and replies with the remaining set', () => {
    const { scheduler, transport, source, fanout } = setup({ mode: 'all' });
    fanout.connect('a', { symbols: ['AAPL', 'MSFT'] });

    fanout.handleMessage('a', '{"action":"unsubscribe","symbols":["AAPL"]}');
    source.next(trade('AAPL', 1));
    source.next(trade('MSFT', 1));
    advanceTo(scheduler, 50);

    expect(transport.messages('a')).toContainEqual({ type: 'subscribed', symbols: ['MSFT'] });
    expect(transport.tradeKeys('a')).toEqual(['MSFT#1']);
    expect(fanout.metrics.subscriptions).toBe(1);
  });

  it('answers ping with pong', () => {
    const { transport, fanout } = setup();
    fanout.connect('a');

    fanout.handleMessage('a', '{"action":"ping"}');

    expect(transport.messages('a')).toEqual([{ type: 'pong' }]);
  });

  it('answers bad input with the contract codes and leaves the connection and others intact', () => {
    const { scheduler, transport, source, fanout } = setup({
      mode: 'all',
      limits: { maxSymbols: 3, maxMessageBytes: 256 },
    });
    fanout.connect('bad', { symbols: ['AAPL', 'MSFT'] });
    fanout.connect('good', { symbols: ['AAPL'] });

    fanout.handleMessage('bad', '{not json');
    fanout.handleMessage('bad', '{"action":"dance"}');
    fanout.handleMessage('bad', '{"action":"subscribe","symbols":["no way"]}');
    fanout.handleMessage('bad', '{"action":"subscribe","symbols":["TSLA","NVDA"]}');
    fanout.handleMessage(
      'bad',
      JSON.stringify({ action: 'subscribe', symbols: ['X'.repeat(300)] }),
    );
    source.next(trade('AAPL', 1));
    advanceTo(scheduler, 50);

    const codes = transport
      .messages('bad')
      .flatMap((message) => (message.type === 'error' ? [message.code] : []));
    expect(codes).toEqual([
      'BAD_JSON',
      'UNKNOWN_ACTION',
      'INVALID_SYMBOL',
      'TOO_MANY_SYMBOLS',
      'MESSAGE_TOO_LARGE',
    ]);
    expect(transport.tradeKeys('bad')).toEqual(['AAPL#1']);
    expect(transport.tradeKeys('good')).toEqual(['AAPL#1']);
    expect(transport.messages('good').some((message) => message.type === 'error')).toBe(false);
    expect(fanout.metrics.subscriptions).toBe(3);
  });

  it('rate limits client messages per connection with a token bucket', () => {
    const { scheduler, transport, fanout } = setup({ maxMessagesPerSecond: 10, messageBurst: 5 });
    fanout.connect('flood');
    fanout.connect('calm');

    for (let i = 0; i < 20; i++) fanout.handleMessage('flood', '{"action":"ping"}');
    fanout.handleMessage('calm', '{"action":"ping"}');
    advanceTo(scheduler, 1_000);
    fanout.handleMessage('flood', '{"action":"ping"}');

    const flood = transport.messages('flood');
    expect(flood.filter((m) => m.type === 'pong')).toHaveLength(6);
    expect(flood.filter((m) => m.type === 'error' && m.code === 'RATE_LIMITED')).toHaveLength(1);
    expect(transport.messages('calm')).toEqual([{ type: 'pong' }]);
    expect(fanout.metrics.drops.rate_limited).toBe(15);
  });

  it('closes a slow consumer in all mode with 1013 once its backlog is full, without delaying others', () => {
    const { scheduler, transport, source, store, fanout } = setup({
      mode: 'all',
      maxBacklogTrades: 3,
    });
    fanout.connect('slow', { symbols: ['AAPL'] });
    fanout.connect('fast', { symbols: ['AAPL'] });
    transport.backpressured.add('slow');

    for (let seq = 1; seq <= 5; seq++) {
      source.next(trade('AAPL', seq));
      advanceTo(scheduler, seq * 50);
    }

    expect(transport.closed.get('slow')).toEqual({
      code: 1013,
      reason: expect.stringContaining('slow consumer'),
    });
    expect(transport.tradeKeys('slow')).toEqual([]);
    expect(transport.tradeKeys('fast')).toEqual(['AAPL#1', 'AAPL#2', 'AAPL#3', 'AAPL#4', 'AAPL#5']);
    expect(fanout.metrics.connections).toBe(1);
    expect(fanout.metrics.drops.slow_consumer).toBeGreaterThan(0);
    return fanout.settled().then(async () => expect(await store.get('slow')).toBeUndefined());
  });

  it('delivers the backlog of a slow all-mode consumer in order, as one message, once it catches up', () => {
    const { scheduler, transport, source, fanout } = setup({ mode: 'all', maxBacklogTrades: 10 });
    fanout.connect('slow', { symbols: ['AAPL'] });
    transport.backpressured.add('slow');

    for (let seq = 1; seq <= 3; seq++) {
      source.next(trade('AAPL', seq));
      advanceTo(scheduler, seq * 50);
    }
    transport.backpressured.delete('slow');
    source.next(trade('AAPL', 4));
    advanceTo(scheduler, 200);

    expect(transport.tradeKeys('slow')).toEqual(['AAPL#1', 'AAPL#2', 'AAPL#3', 'AAPL#4']);
    expect(transport.types('slow').filter((type) => type === 'trades')).toHaveLength(1);
  });

  it('gives a slow latest-mode consumer fresh prices, not a backlog', () => {
    const { scheduler, transport, source, fanout } = setup({
      mode: 'latest',
      maxQueuedMessages: 2,
    });
    fanout.connect('slow', { symbols: ['AAPL', 'MSFT'] });
    transport.backpressured.add('slow');

    for (let seq = 1; seq <= 10; seq++) {
      source.next(trade('AAPL', seq));
      source.next(trade('MSFT', seq));
      advanceTo(scheduler, seq * 50);
    }
    transport.backpressured.delete('slow');
    source.next(trade('AAPL', 11));
    advanceTo(scheduler, 550);

    expect(transport.closed.has('slow')).toBe(false);
    expect(transport.tradeKeys('slow')).toEqual(['AAPL#11', 'MSFT#10']);
    expect(transport.types('slow').filter((type) => type === 'trades')).toHaveLength(1);
  });

  it('spreads connections over shards by shardOf and mirrors them in the store', async () => {
    const { scheduler, transport, source, store, fanout } = setup({
      shards: 4,
      mode: 'all',
      directSend: false,
    });
    const ids = Array.from({ length: 40 }, (_, i) => `c${i}`);
    for (const id of ids) fanout.connect(id, { symbols: ['AAPL'] });

    source.next(trade('AAPL', 1));
    advanceTo(scheduler, 50);
    await fanout.settled();

    for (const id of ids) expect(transport.tradeKeys(id)).toEqual(['AAPL#1']);
    for (let shard = 0; shard < 4; shard++) {
      const listed = (await store.listShard(shard)).map((record) => record.id).sort();
      expect(listed).toEqual(ids.filter((id) => shardOf(id, 4) === shard).sort());
    }
    expect(fanout.metrics.flushDuration.count).toBe(4);
  });

  it('flushes a shard early when it holds maxPendingTrades', () => {
    const { transport, source, fanout } = setup({
      mode: 'all',
      maxPendingTrades: 3,
      directSend: false,
    });
    fanout.connect('a', { symbols: ['AAPL'] });

    for (let seq = 1; seq <= 3; seq++) source.next(trade('AAPL', seq));

    expect(transport.tradeKeys('a')).toEqual(['AAPL#1', 'AAPL#2', 'AAPL#3']);
  });

  it('drops invalid and duplicate source trades', () => {
    const { scheduler, transport, source, fanout } = setup({ mode: 'all' });
    fanout.connect('a', { symbols: ['AAPL'] });

    source.next(trade('AAPL', 1));
    source.next(trade('AAPL', 1));
    source.next({ ...trade('AAPL', 2), price: -5 });
    source.next(trade('AAPL', 2));
    advanceTo(scheduler, 50);

    expect(transport.tradeKeys('a')).toEqual(['AAPL#1', 'AAPL#2']);
    expect(fanout.metrics.drops.stale).toBe(1);
    expect(fanout.metrics.drops.invalid_trade).toBe(1);
  });

  it('forgets a connection the transport reports gone', async () => {
    const { scheduler, transport, source, store, fanout } = setup();
    fanout.connect('a', { symbols: ['AAPL'] });
    transport.gone.add('a');

    source.next(trade('AAPL', 1));
    advanceTo(scheduler, 50);
    await fanout.settled();

    expect(fanout.metrics.connections).toBe(0);
    expect(fanout.metrics.subscriptions).toBe(0);
    expect(await store.get('a')).toBeUndefined();
  });

  it('keeps one send in flight per connection on an asynchronous transport, in order, merging what waits', async () => {
    const scheduler = virtualScheduler();
    const received: string[] = [];
    const resolvers: Array<() => void> = [];
    const fanout = createFanout({
      scheduler,
      mode: 'all',
      transport: {
        send: (_, payload) =>
          new Promise((resolve) => {
            received.push(payload);
            resolvers.push(() => resolve('sent'));
          }),
      },
    });
    fanout.connect('a', { symbols: ['AAPL'] });
    fanout.publish(trade('AAPL', 1));
    advanceTo(scheduler, 50);
    fanout.publish(trade('AAPL', 2));
    advanceTo(scheduler, 100);

    const inFlightBefore = received.length;
    while (resolvers.length > 0) {
      resolvers.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }

    expect(inFlightBefore).toBe(1);
    const messages = received.map((payload) => JSON.parse(payload));
    expect(messages.map((message) => message.type)).toEqual(['subscribed', 'snapshot', 'trades']);
    expect(messages[2].trades.map((t: Trade) => t.seq)).toEqual([1, 2]);
    expect(fanout.metrics.messagesOut).toBe(3);
  });

  /** 10 connections on one symbol, one trade per window, each send costing `sendMs` of CPU. */
  const governed = (options: Partial<FanoutOptions> = {}) => {
    let clock = 0;
    let sendMs = 0;
    // Window batching (directSend: false): one trade per window to every connection would be
    // sent at once, which the governor does not count (see the directSend tests).
    const { scheduler, transport, source, fanout } = setup({
      flushIntervalMs: 50,
      maxFlushIntervalMs: 200,
      clock: () => clock,
      directSend: false,
      ...options,
    });
    for (let i = 0; i < 10; i++) fanout.connect(`c${i}`, { symbols: ['AAPL'] });
    transport.onSend = () => {
      clock += sendMs;
    };
    let time = 0;
    let seq = 0;
    return {
      fanout,
      /** Runs `windows` windows at `costMs` per send; returns the windows in force after each. */
      run(windows: number, costMs: number): number[] {
        sendMs = costMs;
        const seen: number[] = [];
        for (let i = 0; i < windows; i++) {
          source.next(trade('AAPL', ++seq, time));
          time += fanout.metrics.flushIntervalMs;
          advanceTo(scheduler, time);
          seen.push(fanout.metrics.flushIntervalMs);
        }
        return seen;
      },
    };
  };

  it('widens the window when flushing is busy and narrows it back when idle', () => {
    const { fanout, run } = governed();
    run(60, 20); // 10 sends × 20 ms: 200 ms of flushing per window
    const widened = fanout.metrics.flushIntervalMs;
    run(60, 0);

    expect(widened).toBe(200);
    expect(fanout.metrics.flushIntervalMs).toBe(50);
  });

  it('returns to the base window under a steady moderate load after a burst (no ratchet)', () => {
    const { fanout, run } = governed();
    run(60, 20);
    expect(fanout.metrics.flushIntervalMs).toBe(200);
    // 22.5 ms of flushing per window: 45% of a 50 ms window, comfortably under 70%.
    const after = run(120, 2.25);

    expect(fanout.metrics.flushIntervalMs).toBe(50);
    expect(after.slice(-40).every((window) => window === 50)).toBe(true);
  });

  it('does not widen for one busy spell in a moderate load', () => {
    const { fanout, run } = governed();
    run(40, 1.5); // 30% of the window
    const spike = run(4, 5); // one four-window period at 100%
    const after = run(40, 1.5);

    expect([...spike, ...after].every((window) => window === 50)).toBe(true);
    expect(fanout.metrics.flushIntervalMs).toBe(50);
  });

  it('settles the window where flushing takes the target share of the time, and holds it', () => {
    const { run } = governed();
    // 55 ms of flushing per window whatever its length: 65% of the time at about 85 ms. Fixed
    // ×1.25 steps would end on 78 ms (70%, overloaded) or 98 ms (56%, latency for nothing).
    const windows = run(120, 5.5);
    const settled = windows.slice(-60);

    expect(new Set(settled).size).toBe(1);
    expect(settled[0]).toBeGreaterThanOrEqual(78);
    expect(settled[0]).toBeLessThanOrEqual(93);
  });

  it('sizes the window by targetFlushLoad', () => {
    const { fanout, run } = governed({ targetFlushLoad: 0.9 });
    const windows = run(120, 5.5); // 55 ms per window: 90% of the time at about 61 ms

    expect(windows.at(-1)).toBeGreaterThanOrEqual(56);
    expect(windows.at(-1)).toBeLessThanOrEqual(67);
    expect(fanout.metrics.flushIntervalMs).toBe(windows.at(-1));
  });

  it.each([0, 1, 1.5, Number.NaN])('rejects targetFlushLoad %s with a RangeError', (target) => {
    expect(() => setup({ targetFlushLoad: target })).toThrow(RangeError);
  });

  it('counts connections, subscriptions, traffic and latency, and renders them for Prometheus', () => {
    const { scheduler, source, fanout } = setup({ mode: 'all' });
    fanout.connect('a', { symbols: ['AAPL', 'MSFT'] });
    fanout.connect('b', { symbols: ['AAPL'] });

    advanceTo(scheduler, 40);
    source.next(trade('AAPL', 1, 10));
    advanceTo(scheduler, 50);
    fanout.handleMessage('b', 'oops');

    const snapshot = fanout.metrics.snapshot();
    expect(snapshot).toMatchObject({
      connections: 2,
      subscriptions: 3,
      tradesIn: 1,
      errors: { BAD_JSON: 1 },
      // Trade at 10, sent at 40: 30 ms, which the 10 ms buckets below 250 ms report exactly.
      latencyMs: { count: 2, p50: 30 },
    });
    expect(snapshot.messagesOut).toBe(2 * 3 + 1);
    const text = fanout.metrics.toPrometheus();
    expect(text).toContain('market_stream_fanout_connections 2');
    expect(text).toContain('market_stream_fanout_latency_ms_bucket{le="50"} 2');
    expect(text).toContain('market_stream_fanout_client_errors_total{code="BAD_JSON"} 1');
  });

  it('delivers what is pending and forgets every connection on close', async () => {
    const { transport, source, store, fanout } = setup({ mode: 'all' });
    fanout.connect('a', { symbols: ['AAPL'] });
    source.next(trade('AAPL', 1));

    await fanout.close();
    source.next(trade('AAPL', 2));

    expect(transport.tradeKeys('a')).toEqual(['AAPL#1']);
    expect(fanout.metrics.connections).toBe(0);
    expect(store.size).toBe(0);
  });
});
