/**
 * Latency budget: the local ticker system run as a user runs it (`startTickerSystem` with the
 * options `pnpm start` reads: 20 tickers × 5 trades/s, `latest` mode), one real `ws` client
 * subscribed to every symbol, and where each trade's time goes on its way to that client:
 * produce → put (toKinesis' PutRecords accepted it) → read (fromKinesis got it) → flush (the
 * engine wrote its frame) → client receipt. Polling (`--read poll`), push (`--read push`,
 * SubscribeToShard through the local endpoint) and the in-memory path (`--in-memory`, no stream:
 * the floor) run alternately in one process, each several times; stage times come from taps
 * that watch the SDK client and the sockets without changing what the system does
 * (benchmarks/lib/stageTaps.ts).
 *
 * `BENCH_QUICK=1` runs each path once over a short window.
 */
import { once } from 'node:events';
import { ENGINE_DEFAULTS } from '@market-stream/fanout';
import { DEFAULT_TICKERS } from '@market-stream/simulator';
import WebSocket from 'ws';
import { readConfig } from '../../examples/full-stack/src/config.js';
import { startTickerSystem } from '../../examples/full-stack/src/startTickerSystem.js';
import { BUDGET_STAGES, type BudgetRun, type BudgetStage, budgetOf } from '../lib/latencyBudget.js';
import { StageTaps } from '../lib/stageTaps.js';
import { fmt, median, ratio, table } from '../lib/stats.js';
import { runSuite } from '../lib/suite.js';

const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = QUICK ? 1 : 3;
/** Discarded at the start of each run: emulators warming up, the reader catching up. */
const WARMUP_MS = QUICK ? 2_000 : 3_000;
/** Trades produced in this window after the warm-up are counted. */
const MEASURE_MS = QUICK ? 3_000 : 6_000;
/** After the window, time for its last trades to arrive before the system stops. */
const GRACE_MS = 1_500;
const TICKERS = 20;
const RATE = 5;

const PATHS = ['poll', 'push', 'in-memory'] as const;
type Path = (typeof PATHS)[number];

const FLAGS: Record<Path, string[]> = {
  poll: ['--read', 'poll'],
  push: ['--read', 'push'],
  'in-memory': ['--in-memory'],
};

const taps = new StageTaps();
const symbols = DEFAULT_TICKERS.slice(0, TICKERS).map((ticker) => ticker.symbol);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runOnce(path: Path): Promise<BudgetRun> {
  const args = ['--port', '0', '--tickers', String(TICKERS), '--rate', String(RATE), '--seed', '1'];
  const config = readConfig([...args, ...FLAGS[path]], {});
  if (config === undefined) throw new Error('readConfig printed help');
  taps.calibrate();
  taps.take();
  const system = await startTickerSystem(config);
  const client = new WebSocket(system.wsUrl);
  client.on('message', (data) => taps.receipt(data as Buffer));
  await once(client, 'open');
  client.send(JSON.stringify({ action: 'subscribe', symbols }));

  const from = Date.now() + WARMUP_MS;
  const to = from + MEASURE_MS;
  await sleep(WARMUP_MS + MEASURE_MS + GRACE_MS);
  client.close();
  await once(client, 'close');
  await system.close();

  const times = taps.take();
  if (path !== 'in-memory' && (times.put.size === 0 || times.read.size === 0)) {
    throw new Error(`${path}: the Kinesis taps saw no PutRecords or reads; is the SDK the same?`);
  }
  return budgetOf(times, { from, to }, path === 'in-memory');
}

/** `12.3 (11.0–14.1)`: the median of the runs' figures and their range. */
function cell(values: number[]): string {
  if (values.every((value) => Number.isNaN(value))) return '–';
  const shown = fmt(median(values), 1);
  if (values.length < 2) return shown;
  return `${shown} (${fmt(Math.min(...values), 1)}–${fmt(Math.max(...values), 1)})`;
}

runSuite(async () => {
  const runs: Record<Path, BudgetRun[]> = { poll: [], push: [], 'in-memory': [] };
  for (let round = 0; round < RUNS; round++) {
    for (const path of PATHS) {
      const run = await runOnce(path);
      runs[path].push(run);
      console.log(
        `  ${path} run ${round + 1}: ${run.trades} trades, total p50 ${fmt(run.stages.total.p50, 1)} ms, p99 ${fmt(run.stages.total.p99, 1)} ms`,
      );
    }
  }

  const figure = (path: Path, stage: BudgetStage, q: 'p50' | 'p99') =>
    runs[path].map((run) => run.stages[stage][q]);
  const typical = (path: Path, stage: BudgetStage, q: 'p50' | 'p99') =>
    median(figure(path, stage, q));
  const quantileTable = (q: 'p50' | 'p99') =>
    table(
      ['stage', ...PATHS.map((path) => `${path} ${q} ms`), 'poll ÷ push', 'push ÷ in-memory'],
      BUDGET_STAGES.map((stage) => [
        stage,
        ...PATHS.map((path) => cell(figure(path, stage, q))),
        ratio(typical('poll', stage, q), typical('push', stage, q)),
        stage === 'read → flush' || stage === 'flush → client' || stage === 'total'
          ? ratio(typical('push', stage, q), typical('in-memory', stage, q))
          : '–',
      ]),
    );

  const pushP99 = typical('push', 'total', 'p99');
  const floorP99 = typical('in-memory', 'total', 'p99');
  const counts = PATHS.map(
    (path) =>
      `${path} ${runs[path].map((run) => fmt(run.trades)).join(' / ')}` +
      (runs[path].some((run) => run.incomplete > 0)
        ? ` (${runs[path].map((run) => run.incomplete).join(' / ')} with a stage unseen)`
        : ''),
  ).join('; ');

  return {
    title: 'Latency budget: trade to screen, stage by stage, poll vs push',
    markdown: `The local ticker system as \`pnpm start\` runs it (\`startTickerSystem\`, ${TICKERS} tickers × ${RATE} trades/s, \`latest\` mode, the emulated Kinesis stream with 2 shards and dynalite in the same process), with one real \`ws\` client subscribed to all ${TICKERS} symbols. Each path runs ${RUNS} time(s), alternating poll → push → in-memory; in each run the first ${fmt(WARMUP_MS / 1000, 1)} s are discarded and the trades produced in the next ${fmt(MEASURE_MS / 1000, 1)} s are counted (trades counted per run: ${counts}).

Stage times per trade (matched by \`symbol#seq\`): **produce** is the trade's own timestamp (the simulator's due time, integer ms, so timer lateness counts in the first stage); **put** when toKinesis' \`PutRecords\` answer accepted it; **read** when the SDK handed it to \`fromKinesis\` (a \`GetRecords\` answer, or a \`SubscribeToShard\` event), which emits it in that same turn; **flush** when the fan-out engine wrote the \`trades\` frame holding it to the server socket; **client** when the client's \`message\` event fired. The taps wrap \`KinesisClient.prototype.send\` and \`ws\`'s \`WebSocket.prototype.send\` and only note a timestamp and a reference; decoding happens after each run. In-memory has no stream: its read → flush counts from the produce time. Only trades the client received count (\`latest\` mode conflates within a window). Cells: median over the runs of each run's p50 or p99, and (in brackets) the range across runs. Quantiles of stages do not add up to the quantile of the total.

**p50**

${quantileTable('p50')}

**p99**

${quantileTable('p99')}

Push total p99 ${fmt(pushP99, 1)} ms against the issue's target of ≤ 100 ms, ${fmt(pushP99 - floorP99, 1)} ms above the in-memory floor (target ≤ 30 ms); poll total p99 ${fmt(typical('poll', 'total', 'p99'), 1)} ms.

What the figures depend on (the example's settings in \`startPipeline\`): toKinesis lingers up to 20 ms only while a request is in flight (produce → put is the linger plus one PutRecords round trip to kinesalite); polling reads every 100 ms and backs off to 200 ms when a shard is idle (put → read is about half a poll interval plus the GetRecords round trip), while push is woken by each write (put → read is the local endpoint forwarding a record as an event); the engine's flush window (\`ENGINE_DEFAULTS.flushIntervalMs\`, ${ENGINE_DEFAULTS.flushIntervalMs} ms, widened under load) bounds read → flush: a trade waits for the window in progress; flush → client is loopback. kinesalite, dynalite, the simulator, the engine and the client share one event loop here, and the machine's 2 cores are shared with other work, so CPU contention shows up in every p99. On AWS the stream stages follow the documented figures instead (see \`planFanout\`'s latency model).`,
  };
});
