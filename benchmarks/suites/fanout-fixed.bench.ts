/**
 * WebSocket fan-out at a fixed load: the same servers and clients as `fanout.bench.ts`, but each
 * server is held at one trade rate, and measured three times. The
 * figures do not depend on how far the load generator can push: server CPU at that load and CPU
 * per delivered update, medians with their spread.
 * `FANOUT_FIXED_LOADS=1000:80,5000:30` (clients:trades/s) and `FANOUT_BENCH_SERVERS` narrow a
 * run by hand.
 */
import type { ServerKind } from '../lib/fanoutBenchProtocol.js';
import {
  fdLimit,
  LOAD_PROCESSES,
  measure,
  perClientRate,
  type Step,
  serverKinds,
  startRig,
} from '../lib/fanoutScenario.js';
import { fmt, median, ratio, table } from '../lib/stats.js';
import { runSuite } from '../lib/suite.js';

const LOADS = (process.env.FANOUT_FIXED_LOADS ?? '1000:80,1000:250,1000:1000,5000:30,10000:15')
  .split(',')
  .map((pair) => {
    const [clients, rate] = pair.split(':').map(Number);
    return { clients: clients!, rate: rate! };
  });
const KINDS = serverKinds();
const RUNS = 3;
const WARMUP_MS = 1_000;
const MEASURE_MS = 3_000;

interface Row {
  kind: ServerKind;
  clients: number;
  rate: number;
  runs: Step[];
}

/** Server CPU per delivered update, µs. */
const cpuPerUpdate = (step: Step) => (step.serverCpu * 1e6) / Math.max(1, step.updatesPerSecond);

function spread(values: number[], digits = 0): string {
  return `${fmt(median(values), digits)} (${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)})`;
}

runSuite(async () => {
  const limit = fdLimit();
  const rows: Row[] = [];
  for (const { clients, rate } of LOADS) {
    if (Math.ceil(clients / LOAD_PROCESSES) + 256 >= limit || clients + 256 >= limit) continue;
    for (const kind of KINDS) {
      const rig = await startRig(kind, clients);
      try {
        const timing = { warmupMs: WARMUP_MS, measureMs: MEASURE_MS };
        await measure(rig, rate, timing);
        const runs: Step[] = [];
        for (let i = 0; i < RUNS; i++) runs.push(await measure(rig, rate, timing));
        for (const run of runs) {
          console.log(
            `    ${kind} × ${fmt(clients)} at ${fmt(rate)} trades/s: server ${fmt(run.serverCpu * 100)}% CPU, ${fmt(cpuPerUpdate(run), 2)} µs/update, p50 ${fmt(run.p50)} ms, p99 ${fmt(run.p99)} ms, busiest load process ${fmt(run.loadCpuMax * 100)}%, machine ${fmt(run.machineCpu * 100)}%, server waited for a core ${fmt(run.serverWaitShare * 100)}%${run.flushIntervalMs === undefined ? '' : `, window ${fmt(run.flushIntervalMs)} ms`}${run.messagesPerSecond === undefined ? '' : `, ${fmt(run.messagesPerSecond)} messages/s`}${run.sendLatency === undefined ? '' : `, engine send p50 ${fmt(run.sendLatency.p50)} p99 ${fmt(run.sendLatency.p99)} ms`}${run.lossless ? '' : ` (${run.why})`}`,
          );
        }
        rows.push({ kind, clients, rate, runs });
      } finally {
        await rig.stop();
      }
    }
  }

  const body = rows.map(({ kind, clients, rate, runs }) => [
    fmt(clients),
    fmt(rate),
    fmt(perClientRate(rate), 1),
    kind,
    fmt(median(runs.map((r) => r.updatesPerSecond))),
    spread(
      runs.map((r) => r.serverCpu * 100),
      1,
    ),
    spread(runs.map(cpuPerUpdate), 2),
    spread(runs.map((r) => r.p50)),
    spread(runs.map((r) => r.p99)),
    spread(runs.map((r) => r.loadCpuMax * 100)),
    spread(runs.map((r) => r.machineCpu * 100)),
    spread(runs.map((r) => r.serverWaitShare * 100)),
    runs.every((r) => r.lossless) ? 'yes' : runs.find((r) => !r.lossless)!.why,
  ]);
  const cpuOf = (kind: ServerKind, clients: number, rate: number) => {
    const row = rows.find((r) => r.kind === kind && r.clients === clients && r.rate === rate);
    return row === undefined ? Number.NaN : median(row.runs.map((r) => r.serverCpu));
  };
  const perUpdateOf = (kind: ServerKind, clients: number, rate: number) => {
    const row = rows.find((r) => r.kind === kind && r.clients === clients && r.rate === rate);
    return row === undefined ? Number.NaN : median(row.runs.map(cpuPerUpdate));
  };
  const ratios = LOADS.map(({ clients, rate }) => {
    const ours = cpuOf('engine-all', clients, rate);
    const twoWorkers = cpuOf('engine-all-w2', clients, rate);
    return `- ${fmt(clients)} clients at ${fmt(rate)} trades/s (${fmt(perClientRate(rate), 1)} per client), \`all\` mode: the naive \`ws\` broadcaster uses ${ratio(cpuOf('naive-ws', clients, rate), ours)} the engine's server CPU and ${ratio(perUpdateOf('naive-ws', clients, rate), perUpdateOf('engine-all', clients, rate))} its CPU per delivered update, Socket.IO ${ratio(cpuOf('socket.io', clients, rate), ours)} and ${ratio(perUpdateOf('socket.io', clients, rate), perUpdateOf('engine-all', clients, rate))}${Number.isNaN(twoWorkers) ? '' : `; two workers use ${ratio(twoWorkers, ours)} the CPU of one (the same sends, plus the primary's forwarding and each worker's own handling of every trade)`}.`;
  });

  const markdown = `The rig of the fan-out ramp above (real \`ws\` / \`socket.io-client\` clients in ${LOAD_PROCESSES} load-generator processes, each subscribed to 5 of 20 symbols; the server process generates the trades), held at fixed trade rates (all but the 1,000 × 1,000 one sustained by every server). Per server: one discarded step, then ${RUNS} steps of ${WARMUP_MS / 1000} s warm-up and ${MEASURE_MS / 1000} s measured; medians with the range over the ${RUNS} runs in brackets. Servers: our engine in \`all\` and \`latest\` mode, in \`all\` mode over two worker processes (\`engine-all-w2\`, whose CPU is the primary's and its workers' together), the naive \`ws\` broadcaster and Socket.IO. Server CPU is the share of one core; µs/update is server CPU time per update delivered to a client (in \`latest\` mode fewer updates are delivered, since each client gets at most the newest trade per symbol per window, so compare its server CPU, not its µs/update). These figures do not depend on how far the load generators can push; the busiest load process's CPU shows how close they are to their own limit (past ~90 % its latency is its own). Machine CPU is the share of both cores busy (\`/proc/stat\`), which includes the kernel's work for the loopback network (softirq) that no process is charged for; "server waited for a core" is the share of the time the server's main thread (the busiest one, with workers) was ready to run but every core was taken (Linux schedstat): latency the machine adds, not the server. At 1,000 clients × 1,000 trades/s (250 per client) the naive server and Socket.IO are past their limit (their p99 is their backlog), the load where each window carries about a dozen trades per client: their µs per update is still what an update costs them.

${table(
  [
    'clients',
    'trades/s',
    'per client/s',
    'server',
    'updates/s delivered',
    'server CPU %',
    'CPU µs per update',
    'p50 ms',
    'p99 ms',
    'busiest load process CPU %',
    'machine CPU %',
    'server waited for a core %',
    'nothing lost',
  ],
  body,
)}

${ratios.join('\n')}
`;
  return { title: 'Fan-out at a fixed load: server CPU, side by side', markdown };
});
