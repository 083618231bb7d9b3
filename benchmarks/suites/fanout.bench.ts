/**
 * WebSocket fan-out under load: our engine (`all` and `latest`) against a naive `ws` broadcaster
 * (stringify and send per trade per subscribed client) and Socket.IO (one room per symbol), with
 * 1,000 / 5,000 / 10,000 real WebSocket clients in two load-generator processes, each client
 * subscribed to 5 of 20 symbols. For each server the trade rate is raised ×1.6 per step until
 * p99 latency (trade timestamp to client receipt) reaches 100 ms or anything is lost; two
 * bisection steps between the last passing and the first failing rate then give the sustainable
 * rate. `BENCH_QUICK=1` runs 1,000 clients with short steps.
 */
import { cpus } from 'node:os';
import type { ServerKind } from '../lib/fanoutBenchProtocol.js';
import {
  DRAIN_MS,
  fdLimit,
  LOAD_PROCESSES,
  measure,
  P99_LIMIT_MS,
  perClientRate,
  type Step,
  serverKinds,
  startRig,
  WORKING_P99_MS,
} from '../lib/fanoutScenario.js';
import { fmt, ratio, table } from '../lib/stats.js';
import { runSuite } from '../lib/suite.js';

const quick = process.env.BENCH_QUICK === '1';
// FANOUT_BENCH_CLIENTS=5000,10000 and FANOUT_BENCH_SERVERS=engine-all,naive-ws narrow a run by hand.
const CLIENT_COUNTS = process.env.FANOUT_BENCH_CLIENTS
  ? process.env.FANOUT_BENCH_CLIENTS.split(',').map(Number)
  : quick
    ? [1_000]
    : [1_000, 5_000, 10_000];
const KINDS = serverKinds();
const WARMUP_MS = quick ? 500 : 1_000;
const MEASURE_MS = quick ? 1_500 : 2_000;
const START_RATE = 10;
const STEP = 1.6;
/** Bisection steps between the last passing and the first failing rate. */
const REFINE_STEPS = 2;
const MAX_RATE = 20_000;
const SCENARIO_BUDGET_MS = quick ? 30_000 : 40_000;
/**
 * A step whose p99 lands this close to the limit (either side) is measured again, up to three
 * runs in all, and judged on its median run: one noisy run on a shared machine decides neither
 * a pass nor a fail. A loss or a dropped client in any run fails the step.
 */
const RECHECK_BAND_MS = [80, 125] as const;
const RECHECK_RUNS = 3;
/** Share of all cores busy (`/proc/stat`) from which a step's limit is the machine's, not a process's. */
const MACHINE_BUSY = 0.85;

interface Scenario {
  kind: ServerKind;
  clients: number;
  connected: number;
  best?: Step;
  limit?: Step;
  /** The highest rate that still worked (nothing lost, p99 < 1 s), past the 100 ms limit. */
  workingPoint?: Step;
  limitedBy: string;
}

/**
 * One step's verdict: a single run, or the median of three when its p99 is near the limit.
 * Returns how long the extra runs took too, which the scenario's time budget does not count.
 */
async function judged(measureOnce: () => Promise<Step>): Promise<{ step: Step; extraMs: number }> {
  const first = await measureOnce();
  const near = first.p99 >= RECHECK_BAND_MS[0] && first.p99 <= RECHECK_BAND_MS[1];
  if (!first.lossless || !near) return { step: first, extraMs: 0 };
  const started = Date.now();
  const runs = [first];
  while (runs.length < RECHECK_RUNS) runs.push(await measureOnce());
  const extraMs = Date.now() - started;
  const lossy = runs.find((run) => !run.lossless);
  if (lossy !== undefined) return { step: { ...lossy, runs: runs.length }, extraMs };
  const sorted = [...runs].sort((a, b) => a.p99 - b.p99);
  const median = sorted[Math.floor(runs.length / 2)]!;
  const p99Range: [number, number] = [sorted[0]!.p99, sorted.at(-1)!.p99];
  return { step: { ...median, runs: runs.length, p99Range }, extraMs };
}

/** A step's p99, with the range over its runs when it was measured more than once. */
function p99Text(step: Step): string {
  const range = step.p99Range;
  return range === undefined
    ? fmt(step.p99)
    : `${fmt(step.p99)} (${fmt(range[0])}–${fmt(range[1])})`;
}

async function scenario(kind: ServerKind, clients: number): Promise<Scenario> {
  const rig = await startRig(kind, clients);
  try {
    const result: Scenario = { kind, clients, connected: rig.connected, limitedBy: '' };

    // Re-runs of steps near the limit extend the budget, so they never cut the search short.
    let deadline = Date.now() + SCENARIO_BUDGET_MS;
    const run = async (rate: number) => {
      const once = () => measure(rig, rate, { warmupMs: WARMUP_MS, measureMs: MEASURE_MS });
      // Past the sustainable rate only the working point is sought: one run per step will do.
      let step: Step;
      if (result.limit === undefined || rate < result.limit.rate) {
        const verdict = await judged(once);
        step = verdict.step;
        deadline += verdict.extraMs;
      } else {
        step = await once();
      }
      console.log(
        `    ${fmt(rate)} trades/s: ${step.ok ? 'ok' : `FAIL (${step.why})`}${step.runs ? ` (median of ${step.runs} runs)` : ''}, p50 ${fmt(step.p50)} ms, p99 ${p99Text(step)} ms, ${fmt(step.updatesPerSecond)} updates/s, server ${fmt(step.serverCpu * 100)}% CPU, load ≤${fmt(step.loadCpuMax * 100)}%${step.flushIntervalMs ? `, window ${step.flushIntervalMs} ms` : ''}, load average ${step.loadAverage.toFixed(1)}`,
      );
      // Refined steps lie below later ones: the working point is the highest rate that worked.
      if (step.working && step.rate > (result.workingPoint?.rate ?? 0)) result.workingPoint = step;
      return step;
    };
    for (let rate = START_RATE; rate <= MAX_RATE; rate = Math.round(rate * STEP)) {
      const step = await run(rate);
      if (step.ok && result.limit === undefined) result.best = step;
      else if (result.limit === undefined) {
        result.limit = step;
        // The ×1.6 grid is coarse: narrow the sustainable rate down between the last passing
        // and the first failing step, the same way for every server.
        for (let i = 0; i < REFINE_STEPS && result.best !== undefined; i++) {
          const mid = Math.round(Math.sqrt(result.best.rate * result.limit.rate));
          if (mid <= result.best.rate || mid >= result.limit.rate) break;
          const refined = await run(mid);
          if (refined.ok) result.best = refined;
          else result.limit = refined;
        }
      }
      if (!step.working || Date.now() > deadline) break;
    }
    const limit = result.limit;
    const cores = cpus().length;
    result.limitedBy =
      limit === undefined
        ? 'time budget (still passing)'
        : `${limit.why}; ${
            limit.loadCpuMax >= 0.9
              ? 'load generator saturated'
              : limit.serverCpu >= 0.9
                ? 'server CPU saturated'
                : limit.machineCpu >= MACHINE_BUSY ||
                    limit.serverCpu + limit.loadCpuMax * LOAD_PROCESSES >= 0.9 * cores
                  ? `machine CPU saturated (${fmt(limit.machineCpu * 100)} % of all cores busy, the kernel's network work included)`
                  : limit.loadAverage > cores * 1.5
                    ? `machine overloaded by other processes (load average ${limit.loadAverage.toFixed(0)} on ${cores} cores)`
                    : 'no process saturated'
          }`;
    return result;
  } finally {
    await rig.stop();
  }
}

runSuite(async () => {
  const limit = fdLimit();
  const counts = CLIENT_COUNTS.filter(
    (count) => Math.ceil(count / LOAD_PROCESSES) + 256 < limit && count + 256 < limit,
  );
  const skipped = CLIENT_COUNTS.filter((count) => !counts.includes(count));
  const results: Scenario[] = [];
  for (const clients of counts) {
    for (const kind of KINDS) {
      try {
        results.push(await scenario(kind, clients));
      } catch (error) {
        console.error(`  ${kind} × ${clients} failed:`, error);
        results.push({
          kind,
          clients,
          connected: 0,
          limitedBy: `failed: ${(error as Error).message}`,
        });
      }
    }
  }

  const rows = results.map((r) => [
    fmt(r.clients),
    r.kind,
    r.best ? fmt(r.best.rate) : `< ${START_RATE}`,
    r.best ? fmt(perClientRate(r.best.rate), 1) : '–',
    r.best ? fmt(r.best.updatesPerSecond) : '–',
    r.best ? fmt(r.best.p50) : '–',
    r.best ? p99Text(r.best) : '–',
    r.best ? `${fmt(r.best.serverCpu * 100)}%` : '–',
    r.best ? `${fmt(r.best.loadCpuMax * 100)}%` : '–',
    r.best ? fmt(r.best.rssMb) : '–',
    r.best?.flushIntervalMs ? `${r.best.flushIntervalMs}` : '–',
    r.limit
      ? `${fmt(r.limit.rate)}${r.limit.p99Range ? ` (p99 ${p99Text(r.limit)})` : ''}: ${r.limitedBy}`
      : r.limitedBy,
    r.workingPoint && r.workingPoint !== r.best
      ? `${fmt(r.workingPoint.rate)} (p99 ${fmt(r.workingPoint.p99)} ms${r.workingPoint.flushIntervalMs ? `, window ${r.workingPoint.flushIntervalMs} ms` : ''})`
      : '–',
  ]);
  const rateOf = (kind: ServerKind, clients: number) =>
    results.find((r) => r.kind === kind && r.clients === clients)?.best?.rate ?? 0;
  const workingRateOf = (kind: ServerKind, clients: number) =>
    results.find((r) => r.kind === kind && r.clients === clients)?.workingPoint?.rate ?? 0;
  const ratios = counts.map((clients) => {
    const ours = rateOf('engine-all', clients);
    const oursWorking = workingRateOf('engine-all', clients);
    const twoWorkers = rateOf('engine-all-w2', clients);
    return `- ${fmt(clients)} clients, \`all\` mode: ${ratio(ours, rateOf('naive-ws', clients))} the naive \`ws\` broadcaster, ${ratio(ours, rateOf('socket.io', clients))} Socket.IO (sustainable trade rate, p99 < ${P99_LIMIT_MS} ms); ${ratio(oursWorking, workingRateOf('naive-ws', clients))} and ${ratio(oursWorking, workingRateOf('socket.io', clients))} at the working point (p99 < ${WORKING_P99_MS / 1000} s, nothing lost)${twoWorkers > 0 ? `; two workers ${ratio(twoWorkers, ours)} one` : ''}.`;
  });

  const markdown = `Real WebSocket clients in ${LOAD_PROCESSES} load-generator processes (each client subscribed to 5 of 20 symbols; \`ws\` clients, \`socket.io-client\` for Socket.IO, websocket transport only) against one server process that also generates the trades, stamped with their scheduled time. Servers: our engine via \`serveFanout\` in \`all\` and \`latest\` mode (default 50 ms window; under load it is sized so that flushing takes 65% of the CPU time, up to 200 ms), in \`all\` mode over two worker processes (\`engine-all-w2\`: \`workers: 2\`, the source read once in the primary and forwarded; its CPU is the primary's and the workers' together, so it can pass 100%, and on this 2-core machine the workers share the cores with the load generators), a naive \`ws\` broadcaster (\`JSON.stringify\` and \`send\` per trade per subscribed client), and Socket.IO 4 with one room per symbol. The trade rate rises ×${STEP} per step (${WARMUP_MS / 1000} s warm-up, ${MEASURE_MS / 1000} s measured, up to ${DRAIN_MS / 1000} s drain) until p99 latency from trade timestamp to client receipt reaches ${P99_LIMIT_MS} ms, a client disconnects, or anything is lost (\`all\`: every seq per client and symbol; \`latest\`: each symbol's final trade); then ${REFINE_STEPS} bisection steps (geometric midpoints) between the last passing and the first failing rate narrow it down. A step whose p99 lands within ${RECHECK_BAND_MS[0]}–${RECHECK_BAND_MS[1]} ms is run ${RECHECK_RUNS} times and judged on its median run (a loss or a dropped client in any run fails it); other steps are run once. The table shows the highest passing rate. Past that limit the rate keeps rising while the server still works (nothing lost, no client dropped, p99 under ${WORKING_P99_MS / 1000} s): the last column is that degraded working point, within a ${SCENARIO_BUDGET_MS / 1000} s budget per server (re-runs near the limit not counted). CPU is the share of one core (server, and the busiest load generator); "per client/s" is the trades one client receives per second (5 of the 20 symbols); "limit" is why the next step failed, or which process was saturated there.

${table(
  [
    'clients',
    'server',
    'trades/s sustained',
    'per client/s',
    'updates/s delivered',
    'p50 ms',
    'p99 ms',
    'server CPU',
    'load CPU (max)',
    'server RSS MB',
    'window ms',
    'next step: limit',
    'working point past it',
  ],
  rows,
)}

${ratios.join('\n')}
${skipped.length > 0 ? `\nSkipped ${skipped.map((c) => fmt(c)).join(', ')} clients: \`ulimit -n\` is ${limit}.\n` : ''}`;
  return {
    title: 'Fan-out: WebSocket clients vs the naive ws broadcaster and Socket.IO',
    markdown,
  };
});
