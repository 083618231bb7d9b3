/**
 * Simulator throughput and pacing.
 *
 * - Throughput: 20 symbols × 10,000 trades/s each on a VirtualTimeScheduler, flushed at full CPU
 *   speed; trades per CPU-second (process user + system time) for both models, side by side with
 *   the naive design of one timer per symbol firing once per trade (RxJS `interval` per symbol,
 *   the original producer's loop) running the same momentum walk.
 * - Pacing: real time on the asyncScheduler at 10,000 trades/s in total; achieved rate and the
 *   lag of each emission behind its trade's timestamp (p50, p99).
 *
 * `BENCH_QUICK=1` runs fewer and shorter repeats.
 */
import { DEFAULT_TICKERS, simulateTrades } from '@market-stream/simulator';
import { asyncScheduler, merge, Observable, type Subscription, VirtualTimeScheduler } from 'rxjs';
import { fmt, median, percentile, ratio, repeat, table } from '../lib/stats.js';
import { runSuite } from '../lib/suite.js';

const quick = process.env.BENCH_QUICK === '1';
const RUNS = quick ? 2 : 5;
const SYMBOLS = 20;
const RATE = 10_000;
const VIRTUAL_MS = quick ? 1_000 : 5_000;
const PACING_MS = quick ? 2_000 : 5_000;
const PACING_RUNS = quick ? 1 : 3;

interface Trade {
  symbol: string;
  price: number;
  size: number;
  bid: number;
  ask: number;
  timestamp: number;
  seq: number;
}

/** Trades per CPU-second of one virtual-time run of `source`. */
function throughput(
  make: (scheduler: VirtualTimeScheduler) => Observable<Trade>,
  spanMs: number,
): number {
  // Sources that never complete stop at the span; the rest is unsubscribed below.
  const scheduler = new VirtualTimeScheduler(undefined, spanMs);
  let count = 0;
  let checksum = 0;
  const subscription = make(scheduler).subscribe((trade) => {
    count++;
    checksum += trade.price;
  });
  const before = process.cpuUsage();
  scheduler.flush();
  const used = process.cpuUsage(before);
  subscription.unsubscribe();
  if (!(checksum > 0)) throw new Error('no trades');
  return count / ((used.user + used.system) / 1e6);
}

/** The naive design: one timer per symbol per trade, the original producer's walk per tick. */
function timerPerTrade(scheduler: VirtualTimeScheduler): Observable<Trade> {
  const symbols = DEFAULT_TICKERS.slice(0, SYMBOLS);
  return merge(
    ...symbols.map(({ symbol, startPrice }) => {
      let price = startPrice;
      let momentum = 0;
      let seq = 0;
      const gauss = () =>
        Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
      // One timer per trade: each trade schedules the next one. (A fresh action each time:
      // RxJS's `interval` on a VirtualTimeScheduler chains every fired action onto the last,
      // and unsubscribing a long chain overflows the stack.)
      return new Observable<Trade>((subscriber) => {
        let pending: Subscription | undefined;
        const tick = () => {
          momentum = momentum * 0.95 + 0.0005 * gauss();
          price = Math.max(1, price * (1 + momentum + 0.001 * gauss()));
          const half = price * 0.0001;
          const size = Math.floor(
            1_000 * (Math.random() < 0.05 ? 5 + 15 * Math.random() : 0.5 + 1.5 * Math.random()),
          );
          subscriber.next({
            symbol,
            price: Math.round(price * 100) / 100,
            size,
            bid: Math.floor((price - half) * 100) / 100,
            ask: Math.ceil((price + half) * 100) / 100,
            timestamp: Math.floor(scheduler.now()),
            seq: ++seq,
          });
          pending = scheduler.schedule(tick, 1_000 / RATE);
        };
        pending = scheduler.schedule(tick, 1_000 / RATE);
        return () => pending?.unsubscribe();
      });
    }),
  );
}

interface Pacing {
  rate: number;
  p50: number;
  p99: number;
  max: number;
}

async function pacing(symbols: number, perSymbol: number): Promise<Pacing> {
  const lags: number[] = [];
  const started = performance.now();
  await new Promise<void>((resolve) => {
    simulateTrades({
      symbols,
      tradesPerSecond: perSymbol,
      duration: PACING_MS,
      scheduler: asyncScheduler,
      seed: 1,
    }).subscribe({
      next: (trade) => lags.push(performance.timeOrigin + performance.now() - trade.timestamp),
      complete: resolve,
    });
  });
  const elapsed = (performance.now() - started) / 1_000;
  return {
    rate: lags.length / elapsed,
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    max: Math.max(...lags.slice(0, 1_000_000)),
  };
}

runSuite(async () => {
  const span = (model: 'momentum' | 'stochastic-volatility') => (scheduler: VirtualTimeScheduler) =>
    simulateTrades({
      symbols: SYMBOLS,
      tradesPerSecond: RATE,
      duration: VIRTUAL_MS,
      scheduler,
      model,
      seed: 1,
    });

  const rows: { name: string; runs: number[] }[] = [];
  // Interleave the contenders run by run, so machine noise spreads over all of them alike.
  const contenders = [
    { name: "`simulateTrades` `'momentum'`", make: span('momentum'), spanMs: VIRTUAL_MS },
    {
      name: "`simulateTrades` `'stochastic-volatility'`",
      make: span('stochastic-volatility'),
      spanMs: VIRTUAL_MS,
    },
    // The baseline is slow, so it runs a fifth of the span.
    {
      name: 'baseline: one timer per symbol per trade',
      make: timerPerTrade,
      spanMs: VIRTUAL_MS / 5,
    },
  ];
  for (const contender of contenders) {
    rows.push({ name: contender.name, runs: [] });
    throughput(contender.make, contender.spanMs); // warm-up
  }
  for (let run = 0; run < RUNS; run++) {
    for (const [i, contender] of contenders.entries()) {
      rows[i]!.runs.push(throughput(contender.make, contender.spanMs));
    }
  }
  const baseline = median(rows[2]!.runs);

  const pacingRows: string[][] = [];
  for (const [symbols, perSymbol] of [
    [20, 500],
    [1, 10_000],
  ] as const) {
    const results = await repeat(PACING_RUNS, () => pacing(symbols, perSymbol), { warmup: 0 });
    pacingRows.push([
      `${symbols} × ${fmt(perSymbol)}/s = ${fmt(symbols * perSymbol)}/s`,
      fmt(median(results.map((r) => r.rate))),
      median(results.map((r) => r.p50)).toFixed(2),
      median(results.map((r) => r.p99)).toFixed(2),
      median(results.map((r) => r.max)).toFixed(1),
    ]);
  }

  const markdown = `Throughput: ${SYMBOLS} symbols × ${fmt(RATE)} trades/s each for ${VIRTUAL_MS / 1_000} simulated s
(${fmt(SYMBOLS * RATE * (VIRTUAL_MS / 1_000))} trades) on a \`VirtualTimeScheduler\`, flushed at full speed; trades
per CPU-second (user + system), median of ${RUNS} runs. The baseline runs the same momentum walk
with one timer per symbol per trade, each trade scheduling the next, as the original producer looped
(over a fifth of the span, to keep its run short).

${table(
  ['source', 'trades per CPU-second', 'vs baseline'],
  rows.map((row) => [row.name, fmt(median(row.runs)), ratio(median(row.runs), baseline)]),
)}

Real-time pacing: \`asyncScheduler\`, ${PACING_MS / 1_000} s per run, median of ${PACING_RUNS}. Lag = wall clock at
emission − the trade's timestamp (timestamps are whole ms, so up to 1 ms of it is rounding).

${table(['rate', 'achieved trades/s', 'lag p50 (ms)', 'lag p99 (ms)', 'lag max (ms)'], pacingRows)}
`;
  return { title: 'Simulator', markdown };
});
