/**
 * A reconnect storm: 1,000 clients of one engine (`all` mode, 20 symbols × 50 trades/s) drop at
 * once, stay away 2 s, and come back within 1 s, resubscribing with `since` (recovery from the
 * replay buffer) or without it (the snapshot only, what the client did before recovery existed).
 * Time until every client is live again, the server's CPU and memory during the storm, and
 * whether anything was lost or repeated. Runs alternate between the two ways, a fresh server
 * each.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nextMessage, request, startChild, stopChild } from '../lib/fanoutBenchChild.js';
import type { ServerReply } from '../lib/fanoutBenchProtocol.js';
import type { RecoveryReply } from '../lib/recoveryClients.js';
import { fmt, median, ratio, table } from '../lib/stats.js';
import { runSuite } from '../lib/suite.js';

const here = join(fileURLToPath(import.meta.url), '..', '..', 'lib');
const CLIENTS = Number(process.env.RECOVERY_BENCH_CLIENTS ?? 1_000);
const RATE = 1_000;
const FILL_MS = 4_000;
const OUTAGE_MS = 2_000;
const SPREAD_MS = 1_000;
const TIMEOUT_MS = 30_000;
const RUNS = 3;

type Stats = Extract<ServerReply, { type: 'stats' }>;
type Storm = Extract<RecoveryReply, { type: 'storm' }>;

interface Run {
  storm: Storm;
  /** Server CPU time while the storm lasted, ms, and the part above its steady state. */
  cpuMs: number;
  extraCpuMs: number;
  /** Server RSS growth from before the outage to the storm's peak, MB. */
  rssGrowthMb: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function once(since: boolean): Promise<Run> {
  const server = startChild(join(here, 'fanoutServer.ts'), ['engine-all']);
  const stopAll: (() => Promise<void>)[] = [() => stopChild(server)];
  try {
    const { port } = await nextMessage<Extract<ServerReply, { type: 'ready' }>>(
      server,
      'ready',
      60_000,
    );
    const stats = () => request<Stats>(server, { cmd: 'stats' }, 'stats', 30_000);
    const load = startChild(join(here, 'recoveryClients.ts'), [
      `ws://127.0.0.1:${port}/ws`,
      String(CLIENTS),
    ]);
    stopAll.unshift(() => stopChild(load));
    server.send({ cmd: 'rate', rate: RATE });
    await request(load, { cmd: 'connect' }, 'connected', 120_000);
    await sleep(FILL_MS);

    const steadyFrom = await stats();
    const steadyStarted = Date.now();
    await sleep(1_000);
    const beforeDrop = await stats();
    const steadyCpuPerMs =
      (beforeDrop.cpuMicros - steadyFrom.cpuMicros) / 1000 / (Date.now() - steadyStarted);
    await request(load, { cmd: 'drop' }, 'dropped');
    await sleep(OUTAGE_MS);

    const before = await stats();
    const started = Date.now();
    let peakRss = before.rss;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakRss = Math.max(peakRss, (await stats()).rss);
        await sleep(100);
      }
    })();
    const storm = await request<Storm>(
      load,
      { cmd: 'reconnect', since, spreadMs: SPREAD_MS, timeoutMs: TIMEOUT_MS },
      'storm',
      TIMEOUT_MS + 10_000,
    );
    sampling = false;
    await sampler;
    const after = await stats();
    const elapsed = Date.now() - started;
    const cpuMs = (after.cpuMicros - before.cpuMicros) / 1000;
    return {
      storm,
      cpuMs,
      extraCpuMs: cpuMs - steadyCpuPerMs * elapsed,
      rssGrowthMb: Math.max(0, peakRss - beforeDrop.rss) / 2 ** 20,
    };
  } finally {
    for (const stop of stopAll) await stop();
  }
}

function spread(values: number[], digits = 0): string {
  return `${fmt(median(values), digits)} (${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)})`;
}

runSuite(async () => {
  const runs = { since: [] as Run[], snapshot: [] as Run[] };
  for (let i = 0; i < RUNS; i++) {
    for (const since of [true, false]) {
      const run = await once(since);
      (since ? runs.since : runs.snapshot).push(run);
      const s = run.storm;
      console.log(
        `  ${since ? 'since   ' : 'snapshot'}: ${s.live}/${CLIENTS} live, all in ${fmt(s.allLiveMs)} ms (per client p50 ${fmt(s.p50LiveMs)} p99 ${fmt(s.p99LiveMs)}), ${fmt(s.caughtUpTrades)} trades caught up, holes ${s.holes}, repeats ${s.repeats}, unrecovered ${s.unrecovered}; server CPU ${fmt(run.cpuMs)} ms (+${fmt(run.extraCpuMs)} over steady), RSS +${fmt(run.rssGrowthMb, 1)} MB`,
      );
    }
  }
  const row = (name: string, list: Run[]) => [
    name,
    `${fmt(median(list.map((r) => r.storm.live)))} / ${fmt(CLIENTS)}`,
    spread(list.map((r) => r.storm.allLiveMs)),
    spread(list.map((r) => r.storm.p50LiveMs)),
    spread(list.map((r) => r.storm.p99LiveMs)),
    spread(list.map((r) => r.storm.caughtUpTrades)),
    fmt(Math.max(...list.map((r) => r.storm.holes))),
    fmt(Math.max(...list.map((r) => r.storm.repeats))),
    spread(list.map((r) => r.extraCpuMs)),
    spread(
      list.map((r) => r.rssGrowthMb),
      1,
    ),
  ];
  const extra = (list: Run[]) => median(list.map((r) => r.extraCpuMs));
  const allLive = (list: Run[]) => median(list.map((r) => r.storm.allLiveMs));
  const markdown = `${fmt(CLIENTS)} raw \`ws\` clients in one load process, each subscribed by message to 5 of 20 symbols, on one engine (\`serveFanout\`, \`all\` mode, default replay buffer) fed ${fmt(RATE)} trades/s (${fmt(RATE / 20)} per symbol). After ${FILL_MS / 1000} s every client is dropped at once (no close frame), stays away ${OUTAGE_MS / 1000} s, and reconnects at a random moment within ${SPREAD_MS / 1000} s: with \`since\` (its last seq per symbol: the engine recovers the missed trades from its replay buffer) or without (the snapshot only: the newest trade per symbol, what every client got before recovery existed). A client is live again when it has its answer (\`recovery\`, or the snapshot) and then a live \`trades\` message. ${RUNS} runs of each, alternating, a fresh server each; medians with the range. "Holes" and "repeats" count seqs missing or received twice across the outage per client and symbol (recovery only: a snapshot skips by design). Server CPU is the time the server process spent while the storm lasted above its steady rate just before the outage; RSS growth is the storm's peak over the RSS before the outage.

${table(
  [
    'resubscribe',
    'clients live again',
    'all live after, ms',
    'per client p50, ms',
    'per client p99, ms',
    'trades caught up',
    'holes',
    'repeats',
    'server CPU above steady, ms',
    'server RSS growth, MB',
  ],
  [row('with `since` (recovery)', runs.since), row('snapshot only', runs.snapshot)],
)}

- Recovery delivers every missed trade (holes 0 is the check) for ${ratio(extra(runs.since), extra(runs.snapshot))} the server CPU of snapshot-only resubscribes, and every client is live again after ${ratio(allLive(runs.since), allLive(runs.snapshot))} the time.
`;
  return { title: 'Reconnect storm: recovery by seq against the snapshot only', markdown };
});
