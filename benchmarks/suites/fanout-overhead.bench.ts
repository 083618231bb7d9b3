/**
 * What the engine itself costs per delivered update, without sockets: 5,000 connections, each
 * holding 5 of 20 symbols, fed one trade at a time with a window between trades, so every
 * connection is quiet and each trade leaves at once as its own message (the case where batching
 * saves nothing). The transport's `send` only counts. Against the same loop written naively
 * (`JSON.stringify` and `send` per trade per subscribed client) and naively but serializing each
 * trade once. CPU time of this process, median of 5 runs with the range.
 */
import type { Trade } from '@market-stream/core';
import { createFanout } from '@market-stream/fanout';
import { VirtualTimeScheduler } from 'rxjs';
import { fmt, median, ratio, table } from '../lib/stats.js';
import { runSuite } from '../lib/suite.js';

const CONNECTIONS = 5_000;
const SYMBOLS = Array.from({ length: 20 }, (_, i) => `SYM${String.fromCharCode(65 + i)}`);
const TRADES = 8_000;
const WARMUP_TRADES = 2_000;
const RUNS = 5;

/** Each connection's 5 symbols, the same for every contender. */
const subscriptions = Array.from({ length: CONNECTIONS }, (_, i) =>
  [0, 3, 7, 11, 16].map((k) => SYMBOLS[(i + k) % SYMBOLS.length]!),
);

function tradeAt(index: number, timestamp: number): Trade {
  const symbol = SYMBOLS[index % SYMBOLS.length]!;
  const seq = Math.floor(index / SYMBOLS.length) + 1;
  return { symbol, seq, price: 100, size: 100, bid: 99.99, ask: 100.01, timestamp };
}

/** CPU time of `work`, ns per update it reports. */
function cpuNsPerUpdate(work: () => number): number {
  const before = process.cpuUsage();
  const updates = work();
  const used = process.cpuUsage(before);
  return ((used.user + used.system) * 1000) / updates;
}

/** The engine, every trade a window after the last: each is sent at once (`directSend`). */
function engineRun(): number {
  let sent = 0;
  const scheduler = new VirtualTimeScheduler();
  const fanout = createFanout({
    transport: {
      send: () => {
        sent++;
        return 'sent';
      },
      isBackpressured: () => false,
    },
    scheduler,
    mode: 'all',
    clock: () => 0,
  });
  subscriptions.forEach((symbols, i) => {
    fanout.connect(`c${i}`, { symbols });
  });
  let time = 0;
  const play = (from: number, count: number) => {
    for (let i = from; i < from + count; i++) {
      time += 100;
      scheduler.maxFrames = time;
      scheduler.flush();
      scheduler.frame = time;
      fanout.publish(tradeAt(i, time));
    }
  };
  play(0, WARMUP_TRADES);
  const result = cpuNsPerUpdate(() => {
    sent = 0;
    play(WARMUP_TRADES, TRADES);
    return sent;
  });
  void fanout.close();
  return result;
}

/** A naive broadcaster: every subscribed client, per trade; `once` serializes each trade once. */
function naiveRun(once: boolean): number {
  const clients = subscriptions.map((symbols) => new Set(symbols));
  let sent = 0;
  let bytes = 0;
  const send = (payload: string) => {
    sent++;
    bytes += payload.length;
  };
  const play = (from: number, count: number) => {
    for (let i = from; i < from + count; i++) {
      const trade = tradeAt(i, i);
      const shared = once ? JSON.stringify({ type: 'trades', trades: [trade] }) : '';
      for (const symbols of clients) {
        if (!symbols.has(trade.symbol)) continue;
        send(once ? shared : JSON.stringify({ type: 'trades', trades: [trade] }));
      }
    }
  };
  play(0, WARMUP_TRADES);
  const result = cpuNsPerUpdate(() => {
    sent = 0;
    play(WARMUP_TRADES, TRADES);
    return sent;
  });
  if (bytes < 0) console.log(bytes); // keeps the payloads alive
  return result;
}

const spread = (values: number[]) =>
  `${fmt(median(values))} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`;

runSuite(async () => {
  const contenders = [
    { name: 'engine (`directSend`, one-trade message)', run: engineRun },
    { name: 'naive: `JSON.stringify` + `send` per client', run: () => naiveRun(false) },
    { name: 'naive, each trade serialized once', run: () => naiveRun(true) },
  ];
  const results = contenders.map(({ name }) => ({ name, runs: [] as number[] }));
  // Interleaved, so a noisy spell on the machine touches every contender alike.
  for (let run = 0; run < RUNS; run++) {
    contenders.forEach(({ run: once }, i) => {
      results[i]!.runs.push(once());
    });
  }
  const engine = median(results[0]!.runs);
  const markdown = `${CONNECTIONS.toLocaleString('en-US')} connections, each holding 5 of ${SYMBOLS.length} symbols, fed ${TRADES.toLocaleString('en-US')} trades one at a time, a window apart, so every trade leaves at once as its own one-trade message (the case where batching saves nothing); the transport's \`send\` only counts, so no socket is involved. CPU time of this process per delivered update, median of ${RUNS} interleaved runs with the range. The bar: the engine's envelope and bookkeeping of a one-trade message cost no more than the naive server's \`JSON.stringify\` + \`send\`; the sockets' own cost (the \`ws\` frame and the write, several µs per message, the same for every server) comes on top, see the fixed-load section.

${table(
  ['contender', 'ns per update'],
  results.map(({ name, runs }) => [name, spread(runs)]),
)}

- The naive broadcaster spends ${ratio(median(results[1]!.runs), engine)} the engine's CPU per update before any socket is touched; serializing each trade once, ${ratio(median(results[2]!.runs), engine)}.
`;
  return { title: 'Fan-out engine overhead per one-trade message, without sockets', markdown };
});
