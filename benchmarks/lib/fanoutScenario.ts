/**
 * The fan-out benchmarks' rig: one server process (our engine, the naive `ws` broadcaster or
 * Socket.IO, generating the trades itself), load-generator processes holding real WebSocket
 * clients, and one measured step at a given trade rate. Shared by the ramp (`fanout.bench.ts`)
 * and the fixed-load comparison (`fanout-fixed.bench.ts`).
 */
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nextMessage, request, startChild, stopChild } from './fanoutBenchChild.js';
import {
  BENCH_SYMBOLS,
  type LoadReply,
  type ServerKind,
  type ServerReply,
  SYMBOLS_PER_CLIENT,
} from './fanoutBenchProtocol.js';
import { fmt } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Load-generator processes; the clients are split evenly between them. */
export const LOAD_PROCESSES = 2;
/** Most time a step drains after the rate drops to 0, waiting for the last trades. */
export const DRAIN_MS = 2_000;
/** p99 (trade timestamp to client receipt) a sustainable step stays under. */
export const P99_LIMIT_MS = 100;
/** p99 a degraded but working step stays under. */
export const WORKING_P99_MS = 1_000;

type StatsReply = Extract<ServerReply, { type: 'stats' }>;
type Report = Extract<LoadReply, { type: 'report' }>;

/** One measured step. */
export interface Step {
  rate: number;
  /** p99 under 100 ms and nothing lost. */
  ok: boolean;
  /** Nothing lost or repeated, no client dropped, something delivered (whatever the latency). */
  lossless: boolean;
  /** Nothing lost or repeated, no client dropped, p99 under 1 s: degraded but working. */
  working: boolean;
  why: string;
  updatesPerSecond: number;
  p50: number;
  p99: number;
  /** Share of one core the server used. */
  serverCpu: number;
  /**
   * Share of the step the server's busiest main thread spent runnable but waiting for a core
   * (Linux schedstat): latency the machine added, not the server.
   */
  serverWaitShare: number;
  /**
   * Share of all the machine's cores busy, from `/proc/stat`: every process plus the kernel's own
   * work (the loopback network's softirq time, which no process is charged for).
   */
  machineCpu: number;
  loadCpuMax: number;
  rssMb: number;
  flushIntervalMs?: number;
  /** Messages the engine sent per second while measured (engine only). */
  messagesPerSecond?: number;
  /** The engine's own trade-to-send latency, ms (engine only; its last 30 s). */
  sendLatency?: { p50: number; p99: number };
  /** The machine's 1-minute load average after the step (other processes included). */
  loadAverage: number;
  /** Runs the verdict rests on (3 near the limit, judged on the median run). */
  runs?: number;
  /** Lowest and highest p99 of those runs, ms. */
  p99Range?: [number, number];
}

/** A running server and its connected load generators. */
export interface Rig {
  kind: ServerKind;
  server: ChildProcess;
  loads: ChildProcess[];
  /** Whether every trade must arrive (`all` mode), or each symbol's final one (`latest`). */
  allMode: boolean;
  /** Clients connected. */
  connected: number;
  stop(): Promise<void>;
}

/** The servers to run: `FANOUT_BENCH_SERVERS=engine-all,naive-ws` narrows a run, else all four. */
export function serverKinds(): ServerKind[] {
  return (process.env.FANOUT_BENCH_SERVERS?.split(',') ?? [
    'engine-all',
    'engine-all-w2',
    'engine-latest',
    'naive-ws',
    'socket.io',
  ]) as ServerKind[];
}

/** Trades per second one client receives at `rate` trades/s (it holds 5 of the 20 symbols). */
export const perClientRate = (rate: number) => (rate * SYMBOLS_PER_CLIENT) / BENCH_SYMBOLS.length;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The open-files limit, which bounds how many clients a run can hold. */
export function fdLimit(): number {
  const result = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const value = Number(result.stdout.trim());
  return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
}

/** Busy and total jiffies of all cores so far (`/proc/stat`; idle and iowait are not busy). */
function machineJiffies(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1);
  const values = fields.map(Number);
  const total = values.reduce((sum, n) => sum + n, 0);
  return { busy: total - values[3]! - values[4]!, total };
}

/** The largest share of `seconds` one of the server's main threads waited for a core. */
function waitShare(
  before: Record<string, number>,
  after: Record<string, number>,
  seconds: number,
): number {
  const waits = Object.entries(after).map(([pid, micros]) => micros - (before[pid] ?? micros));
  return Math.max(0, ...waits) / 1e6 / seconds;
}

/** Starts a server of `kind` and `clients` clients split over the load generators. */
export async function startRig(kind: ServerKind, clients: number): Promise<Rig> {
  const allMode = kind !== 'engine-latest';
  const server = startChild(join(here, 'fanoutServer.ts'), [kind]);
  const loads: ChildProcess[] = [];
  const stop = () =>
    Promise.all([...loads, server].map((child) => stopChild(child))).then(() => {});
  try {
    const { port } = await nextMessage<Extract<ServerReply, { type: 'ready' }>>(
      server,
      'ready',
      60_000,
    );
    const url = kind === 'socket.io' ? `http://127.0.0.1:${port}` : `ws://127.0.0.1:${port}/ws`;
    const protocol = kind === 'socket.io' ? 'socket.io' : 'ws';
    // One source address offers ~28,000 ephemeral ports; spread larger runs over 127.0.0.2….
    const addresses = Math.ceil(clients / 20_000);
    const per = Math.ceil(clients / LOAD_PROCESSES);
    for (let i = 0; i < LOAD_PROCESSES; i++) {
      const count = Math.min(per, clients - i * per);
      loads.push(
        startChild(
          join(here, 'loadGenerator.ts'),
          [url, protocol, String(count), String(i * per), String(addresses)],
          { FANOUT_ALL_MODE: allMode ? '1' : '0' },
        ),
      );
    }
    const connected = await Promise.all(
      loads.map((load) =>
        nextMessage<Extract<LoadReply, { type: 'connected' }>>(load, 'connected', 180_000),
      ),
    );
    const rig: Rig = {
      kind,
      server,
      loads,
      allMode,
      connected: connected.reduce((sum, c) => sum + c.clients, 0),
      stop,
    };
    console.log(`  ${kind} × ${fmt(clients)}: ${fmt(rig.connected)} connected`);
    return rig;
  } catch (error) {
    await stop();
    throw error;
  }
}

function quantile(histogram: number[], q: number): number {
  const total = histogram.reduce((sum, n) => sum + n, 0);
  if (total === 0) return Number.NaN;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let ms = 0; ms < histogram.length; ms++) {
    seen += histogram[ms]!;
    if (seen >= rank) return ms;
  }
  return histogram.length - 1;
}

/**
 * Runs the rig's server at `rate` trades/s for a warm-up and a measured spell, then drains and
 * collects the load generators' reports: latency, losses, CPU of every process.
 */
export async function measure(
  rig: Rig,
  rate: number,
  { warmupMs, measureMs }: { warmupMs: number; measureMs: number },
): Promise<Step> {
  const { server, loads, allMode } = rig;
  const stats = () => request<StatsReply>(server, { cmd: 'stats' }, 'stats', 90_000);
  server.send({ cmd: 'rate', rate });
  await sleep(warmupMs);
  for (const load of loads) load.send({ cmd: 'reset' });
  const before = await stats();
  const machineBefore = machineJiffies();
  const started = Date.now();
  await sleep(measureMs);
  await Promise.all(loads.map((load) => request(load, { cmd: 'mark' }, 'marked')));
  const after = await stats();
  const machineAfter = machineJiffies();
  const seconds = (Date.now() - started) / 1000;
  server.send({ cmd: 'rate', rate: 0 });
  const final = await stats();

  const drainUntil = Date.now() + DRAIN_MS;
  while (Date.now() < drainUntil) {
    const missing = await Promise.all(
      loads.map((load) =>
        request<Extract<LoadReply, { type: 'missing' }>>(
          load,
          { cmd: 'missing', seqs: final.seqs },
          'missing',
        ),
      ),
    );
    if (missing.every((m) => m.missing === 0)) break;
    await sleep(100);
  }
  const reports = await Promise.all(
    loads.map((load) => request<Report>(load, { cmd: 'report', seqs: final.seqs }, 'report')),
  );

  const histogram = reports[0]!.histogram.map((_, ms) =>
    reports.reduce((sum, r) => sum + r.histogram[ms]!, 0),
  );
  const p50 = quantile(histogram, 0.5);
  const p99 = quantile(histogram, 0.99);
  const sum = (pick: (r: Report) => number) => reports.reduce((total, r) => total + pick(r), 0);
  const lost = sum((r) => r.missing) + (allMode ? sum((r) => r.gaps) : 0);
  const repeated = sum((r) => r.duplicates);
  const disconnects = sum((r) => r.disconnects);
  const updates = sum((r) => r.updates);
  const why =
    disconnects > 0
      ? `${disconnects} clients disconnected`
      : lost > 0
        ? `${fmt(lost)} trades lost`
        : repeated > 0
          ? `${fmt(repeated)} duplicates`
          : !(p99 < P99_LIMIT_MS)
            ? `p99 ${fmt(p99)} ms`
            : updates === 0
              ? 'nothing delivered'
              : '';
  const lossless = disconnects === 0 && lost === 0 && repeated === 0 && updates > 0;
  return {
    rate,
    ok: why === '',
    lossless,
    working: lossless && p99 < WORKING_P99_MS,
    why,
    updatesPerSecond: updates / Math.max(0.001, reports[0]!.seconds),
    p50,
    p99,
    serverCpu: (after.cpuMicros - before.cpuMicros) / 1e6 / seconds,
    serverWaitShare: waitShare(before.runQueueMicros, after.runQueueMicros, seconds),
    machineCpu:
      (machineAfter.busy - machineBefore.busy) /
      Math.max(1, machineAfter.total - machineBefore.total),
    loadCpuMax: Math.max(...reports.map((r) => r.cpuMicros / 1e6 / Math.max(0.001, r.seconds))),
    rssMb: after.rss / 2 ** 20,
    flushIntervalMs: after.flushIntervalMs,
    messagesPerSecond:
      after.messagesOut === undefined || before.messagesOut === undefined
        ? undefined
        : (after.messagesOut - before.messagesOut) / seconds,
    sendLatency: after.sendLatency,
    loadAverage: loadavg()[0]!,
  };
}
