import type { DeliveryMode } from '@market-stream/fanout';
import fc from 'fast-check';
import { type SchedulerAction, type SchedulerLike, Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { ENGINE_DEFAULTS } from '../../src/defaults.js';
import { createFanout } from '../../src/engine/createFanout.js';
import type { FanoutOptions } from '../../src/engine/types.js';
import { advanceTo, RecordingTransport, virtualScheduler } from './engine.helpers.js';

const WINDOW = 50;

/** A scheduler whose timers run only when the test says, as late as it says. */
class LateScheduler implements SchedulerLike {
  time = 0;
  /** When each timer armed so far was due. */
  readonly dueTimes: number[] = [];
  private tasks: { at: number; run: () => void; subscription: Subscription }[] = [];

  now(): number {
    return this.time;
  }

  schedule<T>(
    work: (this: SchedulerAction<T>, state?: T) => void,
    delay = 0,
    state?: T,
  ): Subscription {
    const subscription = new Subscription();
    const at = this.time + delay;
    this.dueTimes.push(at);
    this.tasks.push({
      at,
      run: () => work.call(subscription as unknown as SchedulerAction<T>, state),
      subscription,
    });
    return subscription;
  }

  /** Runs, now, every timer due by now that was not cancelled. */
  runDue(): void {
    const due = this.tasks.filter((task) => task.at <= this.time);
    this.tasks = this.tasks.filter((task) => task.at > this.time);
    for (const task of due) if (!task.subscription.closed) task.run();
  }
}

/** An engine on virtual time whose window never adapts, with each `trades` send's time kept. */
function setup(options: Partial<FanoutOptions> = {}) {
  const scheduler = virtualScheduler();
  const transport = new RecordingTransport();
  const fanout = createFanout({
    transport,
    scheduler,
    flushIntervalMs: WINDOW,
    maxFlushIntervalMs: WINDOW,
    clock: () => 0,
    ...options,
  });
  const sentAt = new Map<string, number[]>();
  transport.onSend = (id) => {
    // The message is recorded after this hook: remember the time and match it up in `tradeTimes`.
    const times = sentAt.get(id) ?? [];
    times.push(scheduler.now());
    sentAt.set(id, times);
  };
  /** When each `trades` message to `id` left (from its message `from` on). */
  const tradeTimes = (id: string, from = 0) => {
    const times = sentAt.get(id) ?? [];
    return transport
      .messages(id)
      .map((message, i) => ({ message, at: times[i]! }))
      .slice(from)
      .filter(({ message }) => message.type === 'trades')
      .map(({ at }) => at);
  };
  return { scheduler, transport, fanout, tradeTimes };
}

const trade = (symbol: string, seq: number, timestamp = 0) =>
  tradeFactory({ symbol, seq, timestamp });

/** `SYMBOL#seq` keys of `keys` of one symbol, in the order received. */
const ofSymbol = (keys: readonly string[], symbol: string) =>
  keys.filter((key) => key.startsWith(`${symbol}#`)).map((key) => Number(key.split('#')[1]));

const gaps = (times: readonly number[]) => times.slice(1).map((time, i) => time - times[i]!);

/**
 * Whether at most two `trades` messages fall within any window: a direct send may be followed
 * by the flush of what was held after it, but the next direct send waits a window after that.
 */
const atMostTwoPerWindow = (times: readonly number[]) =>
  times.slice(2).every((time, i) => time - times[i]! >= WINDOW);

const SYMBOLS = ['A', 'B', 'C'] as const;
const CONNECTIONS: { id: string; symbols: string[]; mode: DeliveryMode }[] = [
  { id: 'a', symbols: ['A', 'B'], mode: 'all' },
  { id: 'b', symbols: ['B', 'C'], mode: 'all' },
  { id: 'c', symbols: ['A', 'B', 'C'], mode: 'latest' },
  { id: 'd', symbols: ['A'], mode: 'all' },
  { id: 'e', symbols: ['C'], mode: 'latest' },
];

interface LoadEvent {
  gap: number;
  symbol: string;
  slow: string | null;
}

/** Source events: after `gap` ms, a trade of `symbol`; `slow` toggles backpressure of one id. */
const loadArbitrary: fc.Arbitrary<LoadEvent[]> = fc.array(
  fc.record({
    gap: fc.oneof(
      fc.constant(0),
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 40, max: 120 }),
    ),
    symbol: fc.constantFrom(...SYMBOLS),
    slow: fc.option(fc.constantFrom('a', 'c', 'd'), { freq: 8 }),
  }),
  { minLength: 1, maxLength: 80 },
);

/** Plays a load on an engine with `CONNECTIONS`; returns how many trades of each symbol left. */
function play(
  { scheduler, transport, fanout }: ReturnType<typeof setup>,
  load: readonly LoadEvent[],
): Map<string, number> {
  for (const { id, symbols, mode } of CONNECTIONS) fanout.connect(id, { symbols, mode });
  const published = new Map<string, number>();
  let time = 0;
  for (const { gap, symbol, slow } of load) {
    time += gap;
    advanceTo(scheduler, time);
    if (slow !== null) {
      if (transport.backpressured.has(slow)) transport.backpressured.delete(slow);
      else transport.backpressured.add(slow);
    }
    const seq = (published.get(symbol) ?? 0) + 1;
    published.set(symbol, seq);
    fanout.publish(trade(symbol, seq, time));
  }
  transport.backpressured.clear();
  advanceTo(scheduler, time + 4 * WINDOW);
  return published;
}

describe('createFanout() with directSend', () => {
  it('is on by default', () => {
    expect(ENGINE_DEFAULTS.directSend).toBe(true);
  });

  it('sends a quiet connection its trade at the arrival time, without waiting for a window', () => {
    const { scheduler, transport, fanout, tradeTimes } = setup({ mode: 'all' });
    fanout.connect('quiet', { symbols: ['AAPL'] });
    advanceTo(scheduler, 100);

    fanout.publish(trade('AAPL', 1, 100));
    const atArrival = transport.tradeKeys('quiet');
    advanceTo(scheduler, 300);
    fanout.publish(trade('AAPL', 2, 300));

    expect(atArrival).toEqual(['AAPL#1']);
    expect(transport.tradeKeys('quiet')).toEqual(['AAPL#1', 'AAPL#2']);
    expect(tradeTimes('quiet')).toEqual([100, 300]);
    expect(transport.messages('quiet').at(-1)).toEqual({
      type: 'trades',
      trades: [trade('AAPL', 2, 300)],
    });
  });

  it('sends a busy connection one trades message per flush, merging the rest in order', () => {
    const { scheduler, transport, fanout, tradeTimes } = setup({ mode: 'all' });
    fanout.connect('busy', { symbols: ['AAPL', 'MSFT'] });

    for (let time = 0, seq = 1; time < 500; time += 5, seq++) {
      advanceTo(scheduler, time);
      fanout.publish(trade(seq % 2 === 0 ? 'MSFT' : 'AAPL', seq, time));
    }
    advanceTo(scheduler, 700);

    const keys = transport.tradeKeys('busy');
    // The first trade leaves at once, what follows it at the flush right after; from then on
    // the connection is busy and gets one message per window.
    expect(tradeTimes('busy').slice(0, 2)).toEqual([0, 5]);
    expect(gaps(tradeTimes('busy').slice(1)).every((gap) => gap >= WINDOW)).toBe(true);
    expect(tradeTimes('busy').length).toBeLessThanOrEqual(500 / WINDOW + 2);
    expect(keys).toHaveLength(100);
    expect(ofSymbol(keys, 'AAPL')).toEqual(Array.from({ length: 50 }, (_, i) => 2 * i + 1));
    expect(ofSymbol(keys, 'MSFT')).toEqual(Array.from({ length: 50 }, (_, i) => 2 * i + 2));
  });

  it("sends what was held after a direct send at the shard's next flush, never a window later", () => {
    const { scheduler, fanout, tradeTimes, transport } = setup({ mode: 'all', shards: 1 });
    fanout.connect('q', { symbols: ['AAPL'] });
    advanceTo(scheduler, 100);

    fanout.publish(trade('AAPL', 1, 100));
    advanceTo(scheduler, 110);
    fanout.publish(trade('AAPL', 2, 110));
    advanceTo(scheduler, 120);
    fanout.publish(trade('AAPL', 3, 120));
    advanceTo(scheduler, 300);

    // 1 at once; 2 at the flush armed by it (the shard had not flushed for a window); 3 at the
    // flush a window after that one.
    expect(tradeTimes('q')).toEqual([100, 110, 160]);
    expect(transport.tradeKeys('q')).toEqual(['AAPL#1', 'AAPL#2', 'AAPL#3']);
  });

  /** Ten connections on both symbols, a trade every `gapMs`, each send costing 20 ms of CPU. */
  const directLoad = (gapMs: number) => {
    let clock = 0;
    const { scheduler, transport, fanout } = setup({
      mode: 'all',
      shards: 1,
      maxFlushIntervalMs: 200,
      clock: () => clock,
    });
    for (let i = 0; i < 10; i++) fanout.connect(`c${i}`, { symbols: ['AAPL', 'MSFT'] });
    transport.onSend = () => {
      clock += 20; // 10 sends × 20 ms: 200 ms of sending per trade
    };
    let time = 0;
    for (let seq = 1; seq <= 40; seq++) {
      time += gapMs;
      advanceTo(scheduler, time);
      fanout.publish(trade(seq % 2 === 0 ? 'AAPL' : 'MSFT', seq, time));
    }
    return { fanout, transport };
  };

  it('widens the window for sends made at once that a wider window would merge', () => {
    // Every connection quiet (a window and a half since its last message), but within two
    // windows: a window twice as wide would merge two trades per message.
    const { fanout } = directLoad(1.5 * WINDOW);

    expect(fanout.metrics.flushIntervalMs).toBeGreaterThan(WINDOW);
  });

  it('does not widen the window for sends to connections quieter than two windows: it would merge nothing', () => {
    const { fanout, transport } = directLoad(3 * WINDOW);

    expect(transport.tradeKeys('c0')).toHaveLength(40);
    expect(fanout.metrics.flushDuration.count).toBe(0); // every trade was sent at once
    expect(fanout.metrics.flushIntervalMs).toBe(WINDOW);
  });

  it('flushes shards that turn busy together one after another, each at its phase of the window', () => {
    const shards = 4;
    const { scheduler, fanout, tradeTimes } = setup({ mode: 'all', shards });
    const ids = Array.from({ length: 40 }, (_, i) => `c${i}`);
    for (const id of ids) fanout.connect(id, { symbols: ['AAPL'] });
    advanceTo(scheduler, 100);

    // Every connection gets trade 1 at once; 2 and 3 arrive within its window and are held.
    fanout.publish(trade('AAPL', 1, 100));
    advanceTo(scheduler, 101);
    fanout.publish([trade('AAPL', 2, 101), trade('AAPL', 3, 101)]);
    advanceTo(scheduler, 400);

    const flushedAt = new Set(ids.map((id) => tradeTimes(id)[1]!));
    // Shard i flushes at 101 + i × 50 / 4: four distinct turns a quarter window apart.
    expect([...flushedAt].sort((a, b) => a - b)).toEqual([101, 113.5, 126, 138.5]);
    for (const id of ids) expect(tradeTimes(id)).toHaveLength(2);
  });

  it("keeps a shard's phase when its timer fires late", () => {
    const scheduler = new LateScheduler();
    const transport = new RecordingTransport();
    const sentAt: number[] = [];
    const fanout = createFanout({ transport, scheduler, mode: 'all', shards: 1, clock: () => 0 });
    fanout.connect('q', { symbols: ['AAPL'] });
    transport.onSend = () => sentAt.push(scheduler.now());
    scheduler.time = 100;
    fanout.publish(trade('AAPL', 1, 100)); // at once
    fanout.publish(trade('AAPL', 2, 100)); // held, due at once: the shard was idle
    scheduler.runDue();
    fanout.publish(trade('AAPL', 3, 120)); // held, due at 150

    scheduler.time = 170; // the event loop was busy past 150: the timer fires at 170
    scheduler.runDue();
    fanout.publish(trade('AAPL', 4, 171)); // held: due a window after 150, not after 170
    scheduler.time = 400;
    scheduler.runDue();

    expect(sentAt).toEqual([100, 100, 170, 400]);
    expect(scheduler.dueTimes).toEqual([100, 150, 200]);
    expect(transport.tradeKeys('q')).toEqual(['AAPL#1', 'AAPL#2', 'AAPL#3', 'AAPL#4']);
  });

  it('keeps window-only batching with directSend: false', () => {
    const { scheduler, transport, fanout } = setup({ mode: 'all', directSend: false });
    fanout.connect('quiet', { symbols: ['AAPL'] });
    advanceTo(scheduler, 100);

    fanout.publish(trade('AAPL', 1, 100));
    const atArrival = transport.tradeKeys('quiet');
    advanceTo(scheduler, 150);

    expect(atArrival).toEqual([]);
    expect(transport.tradeKeys('quiet')).toEqual(['AAPL#1']);
  });

  it('delivers every trade once, in seq order, across the direct and window paths (all mode), and the newest in latest mode', () => {
    fc.assert(
      fc.property(loadArbitrary, fc.constantFrom(1, 2), (load, shards) => {
        const engine = setup({ shards });
        const published = play(engine, load);

        for (const { id, symbols, mode } of CONNECTIONS) {
          const keys = engine.transport.tradeKeys(id);
          expect(atMostTwoPerWindow(engine.tradeTimes(id))).toBe(true);
          for (const symbol of symbols) {
            const seqs = ofSymbol(keys, symbol);
            const count = published.get(symbol) ?? 0;
            if (mode === 'all') {
              expect(seqs).toEqual(Array.from({ length: count }, (_, i) => i + 1));
            } else {
              expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)).toBe(true);
              expect(seqs.at(-1)).toBe(count === 0 ? undefined : count);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('keeps every symbol in order, without repeats, while connections subscribe, unsubscribe and leave', () => {
    const churn = fc.array(
      fc.record({
        gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 70 })),
        symbol: fc.constantFrom(...SYMBOLS),
        change: fc.option(
          fc.record({
            id: fc.constantFrom('a', 'b', 'c'),
            action: fc.constantFrom('subscribe', 'unsubscribe', 'reconnect'),
            symbol: fc.constantFrom(...SYMBOLS),
          }),
          { freq: 3 },
        ),
      }),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(churn, (load) => {
        const { scheduler, transport, fanout, tradeTimes } = setup({ mode: 'all', shards: 1 });
        for (const id of ['a', 'b', 'c']) fanout.connect(id, { symbols: ['A', 'B'] });
        const published = new Map<string, number>();
        const since = new Map<string, number>();
        let time = 0;
        for (const { gap, symbol, change } of load) {
          time += gap;
          advanceTo(scheduler, time);
          if (change?.action === 'reconnect') {
            fanout.disconnect(change.id);
            since.set(change.id, transport.messages(change.id).length);
            fanout.connect(change.id, { symbols: [change.symbol] });
          } else if (change !== null) {
            const message = { action: change.action, symbols: [change.symbol] };
            fanout.handleMessage(change.id, JSON.stringify(message));
          }
          const seq = (published.get(symbol) ?? 0) + 1;
          published.set(symbol, seq);
          fanout.publish(trade(symbol, seq, time));
        }
        advanceTo(scheduler, time + 4 * WINDOW);

        for (const id of ['a', 'b', 'c']) {
          const from = since.get(id) ?? 0;
          // A snapshot may repeat the newest trade (a symbol subscribed again); trades never do.
          const last = new Map<string, number>();
          let inOrder = true;
          for (const message of transport.messages(id).slice(from)) {
            if (message.type !== 'trades' && message.type !== 'snapshot') continue;
            for (const { symbol, seq } of message.trades) {
              const before = last.get(symbol) ?? 0;
              inOrder &&= message.type === 'snapshot' ? seq >= before : seq > before;
              last.set(symbol, seq);
            }
          }
          expect(inOrder).toBe(true);
          expect(atMostTwoPerWindow(tradeTimes(id, from))).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('never reorders or repeats trades for a backpressured (slow) consumer', () => {
    const { scheduler, transport, fanout } = setup({ mode: 'all' });
    fanout.connect('slow', { symbols: ['AAPL'] });
    fanout.connect('fast', { symbols: ['AAPL'] });

    fanout.publish(trade('AAPL', 1, 0));
    transport.backpressured.add('slow');
    advanceTo(scheduler, 60);
    fanout.publish(trade('AAPL', 2, 60));
    advanceTo(scheduler, 70);
    fanout.publish(trade('AAPL', 3, 70));
    advanceTo(scheduler, 200);
    transport.backpressured.delete('slow');
    fanout.publish(trade('AAPL', 4, 200));
    advanceTo(scheduler, 400);

    expect(transport.tradeKeys('slow')).toEqual(['AAPL#1', 'AAPL#2', 'AAPL#3', 'AAPL#4']);
    expect(transport.tradeKeys('fast')).toEqual(['AAPL#1', 'AAPL#2', 'AAPL#3', 'AAPL#4']);
    expect(transport.types('slow').filter((type) => type === 'trades')).toHaveLength(2);
  });

  it('sends the snapshot first and never repeats its trade, even to a connection sent trades at once', () => {
    const { scheduler, transport, fanout } = setup({ mode: 'all' });
    fanout.connect('early', { symbols: ['AAPL'] });
    fanout.connect('late', { symbols: ['MSFT'] });
    fanout.publish([trade('AAPL', 1), trade('MSFT', 1)]);
    advanceTo(scheduler, 10);
    fanout.publish(trade('AAPL', 2, 10));

    fanout.handleMessage('late', '{"action":"subscribe","symbol":"AAPL"}');
    fanout.publish(trade('AAPL', 3, 10));
    advanceTo(scheduler, 200);
    fanout.publish(trade('AAPL', 4, 200));

    expect(transport.types('late')).toEqual([
      'subscribed',
      'snapshot',
      'trades',
      'subscribed',
      'snapshot',
      'trades',
      'trades',
    ]);
    expect(transport.messages('late')[4]).toEqual({
      type: 'snapshot',
      trades: [trade('AAPL', 2, 10)],
    });
    expect(transport.tradeKeys('late')).toEqual(['MSFT#1', 'AAPL#3', 'AAPL#4']);
    expect(transport.tradeKeys('early')).toEqual(['AAPL#1', 'AAPL#2', 'AAPL#3', 'AAPL#4']);
  });

  it('counts each trade once per receiver in the latency histogram, and each conflated one once', () => {
    fc.assert(
      fc.property(loadArbitrary, (load) => {
        const engine = setup({ mode: 'all' });
        // A backpressured latest-mode consumer is counted when its trade is handed over, and
        // again as `conflated` if a newer one replaces it in its backlog: only `all` mode slows.
        const published = play(
          engine,
          load.map((event) => (event.slow === 'c' ? { ...event, slow: null } : event)),
        );

        let expected = 0;
        for (const { symbols, mode } of CONNECTIONS) {
          if (mode === 'all') for (const symbol of symbols) expected += published.get(symbol) ?? 0;
        }
        const latest = CONNECTIONS.filter((c) => c.mode === 'latest');
        const received = latest.reduce((n, c) => n + engine.transport.tradeKeys(c.id).length, 0);
        const offered = latest.reduce(
          (n, c) => n + c.symbols.reduce((m, s) => m + (published.get(s) ?? 0), 0),
          0,
        );
        const { latency, drops } = engine.fanout.metrics;
        expect(latency.count).toBe(expected + received);
        expect(received + drops.conflated).toBe(offered);
      }),
      { numRuns: 100 },
    );
  });
});
