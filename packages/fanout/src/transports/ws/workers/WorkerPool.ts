import cluster, { type Worker } from 'node:cluster';
import type { Trade } from '@market-stream/core';
import { WORKER_DEFAULTS } from '../../../defaults.js';
import { WorkerError, WorkerRestartLimitError } from '../../../errors.js';
import type { MergedFanoutMetrics } from '../../../metrics/MergedFanoutMetrics.js';
import { findFreePort } from './findFreePort.js';
import type { PrimaryMessage, WorkerMessage, WorkerServeOptions } from './messages.js';
import { resolveWorkerEntry } from './resolveWorkerEntry.js';

/** What a {@link WorkerPool} needs to run its workers. */
export interface WorkerPoolOptions {
  /** Workers to keep running. */
  count: number;
  /** Each worker's `serveFanout` options, as data. */
  options: WorkerServeOptions;
  /** The requested port (0: a free one). */
  port: number;
  /** The interface the workers listen on. */
  host: string;
  /** `href` of the `workerModule`, if any. */
  workerModule?: string;
  /** The view the workers' reports and the restarts go to. */
  metrics: MergedFanoutMetrics;
  /** The newest trade of every symbol, to prime a (re)started worker with. */
  newest: () => Trade[];
  /** Where worker errors, failed restarts and the restart limit are reported. */
  onError: (error: unknown) => void;
}

const MINUTE_MS = 60_000;

/**
 * The primary side of `serveFanout({ workers })`: forks `count` cluster workers running
 * `workerMain` on one port, forwards messages to them, restarts one that exits (within
 * `WORKER_DEFAULTS.maxRestartsPerMinute`), feeds their metrics reports into one view, and
 * closes them. Internal.
 *
 * Scheduling: cluster's default round-robin (`SCHED_RR`, Node's default outside Windows) is
 * kept. The primary accepts each connection and hands it to the next worker: a cost per
 * connection, not per message, and fan-out connections are long-lived, while the kernel's
 * `SCHED_NONE` distribution is known to pile connections onto a few busy-accepting processes,
 * and connections per worker is what sets each worker's load.
 */
export class WorkerPool {
  private readonly live = new Map<number, Worker>();
  /** Workers that asked for `start`: only they get messages (cluster drops earlier ones). */
  private readonly ready = new Set<number>();
  private readonly listening = new Set<number>();
  private readonly exits = new Map<number, Promise<void>>();
  private readonly reportWaiters = new Set<{ pending: Set<number>; done: () => void }>();
  /** When each listening worker was last heard from (a report), for the hung-worker watchdog. */
  private readonly lastHeard = new Map<number, number>();
  /** Trades forwarded to each worker, for the lag bound. */
  private readonly forwarded = new Map<number, number>();
  private watchdog: NodeJS.Timeout | undefined;
  private lastWatch = 0;
  private restartTimes: number[] = [];
  /** The port every worker listens on. */
  private port = 0;
  private url = '';
  private started = false;
  private closing = false;

  constructor(private readonly options: WorkerPoolOptions) {}

  /**
   * Forks the workers, all on one port: the one asked, or a free one found here for port 0.
   *
   * @returns The real port and the clients' URL, once every worker listens on it.
   */
  async start(): Promise<{ port: number; url: string }> {
    this.port = this.options.port || (await findFreePort(this.options.host));
    try {
      const listening = await Promise.all(
        Array.from({ length: this.options.count }, () => this.fork()),
      );
      this.url = listening[0]!.url;
      this.started = true;
      this.lastWatch = Date.now();
      this.watchdog = setInterval(() => this.watch(), WORKER_DEFAULTS.metricsIntervalMs);
      this.watchdog.unref();
      return { port: this.port, url: this.url };
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Sends `message` to every live worker, in the order of the calls. */
  broadcast(message: PrimaryMessage): void {
    for (const id of this.ready) {
      if (message.kind === 'trades')
        this.forwarded.set(id, this.forwarded.get(id)! + message.count);
      send(this.live.get(id)!, message);
    }
  }

  /** Pids of the live workers. */
  pids(): number[] {
    return [...this.live.values()].flatMap((w) =>
      w.process.pid === undefined ? [] : [w.process.pid],
    );
  }

  /** Asks each listening worker for a report; resolves once all came, or after `timeoutMs`. */
  refresh(timeoutMs: number = WORKER_DEFAULTS.reportTimeoutMs): Promise<void> {
    const pending = new Set(this.listening);
    if (pending.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter = {
        pending,
        done: () => {
          clearTimeout(timer);
          this.reportWaiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.done, timeoutMs);
      this.reportWaiters.add(waiter);
      for (const id of pending) send(this.live.get(id)!, { kind: 'report' });
    });
  }

  /**
   * Has every worker close its clients (1001) and exit; kills one still running after
   * `WORKER_DEFAULTS.closeTimeoutMs`. Nothing is restarted from here on.
   */
  async close(): Promise<void> {
    this.closing = true;
    if (this.watchdog) clearInterval(this.watchdog);
    const exits = [...this.live.values()].map((worker) => {
      const exited = this.exits.get(worker.id)!;
      send(worker, { kind: 'close' });
      const timer = setTimeout(
        () => worker.process.kill('SIGKILL'),
        WORKER_DEFAULTS.closeTimeoutMs,
      );
      return exited.finally(() => clearTimeout(timer));
    });
    await Promise.all(exits);
    for (const waiter of [...this.reportWaiters]) waiter.done();
  }

  /** Forks one worker; resolves to the port it listens on, rejects if it fails to start. */
  private fork(): Promise<{ port: number; url: string }> {
    const { exec, execArgv } = resolveWorkerEntry();
    cluster.setupPrimary({ exec, execArgv, args: [], serialization: 'advanced' });
    const worker = cluster.fork();
    this.live.set(worker.id, worker);
    const pid = () => worker.process.pid ?? 0;
    this.exits.set(worker.id, new Promise<void>((resolve) => worker.once('exit', () => resolve())));
    const started = new Promise<{ port: number; url: string }>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        switch (message.kind) {
          case 'ready':
            this.ready.add(worker.id);
            this.forwarded.set(worker.id, 0);
            send(worker, this.closing ? { kind: 'close' } : this.startMessage());
            break;
          case 'listening':
            this.listening.add(worker.id);
            this.lastHeard.set(worker.id, Date.now());
            this.options.metrics.workers = this.listening.size;
            resolve({ port: message.port, url: message.url });
            break;
          case 'failed':
            reject(new WorkerError(pid(), message.error));
            break;
          case 'metrics':
            this.options.metrics.update(worker.id, message.report);
            if (this.ready.has(worker.id)) {
              this.lastHeard.set(worker.id, Date.now());
              this.checkLag(worker, message.received);
            }
            for (const waiter of [...this.reportWaiters]) {
              waiter.pending.delete(worker.id);
              if (waiter.pending.size === 0) waiter.done();
            }
            break;
          case 'error':
            this.options.onError(new WorkerError(pid(), message.error));
            break;
        }
      });
      worker.on('error', () => {});
      worker.once('exit', (code, signal) => {
        reject(
          new WorkerError(pid(), {
            name: 'Error',
            message: `worker exited (${signal ?? `code ${code}`}) before it listened`,
          }),
        );
        this.onExit(worker, code, signal);
      });
    });
    return started;
  }

  /** What a worker that is ready gets first: its options and the newest trades to prime with. */
  private startMessage(): PrimaryMessage {
    return {
      kind: 'start',
      options: this.options.options,
      port: this.port,
      ...(this.options.workerModule === undefined
        ? {}
        : { workerModule: this.options.workerModule }),
      metricsIntervalMs: WORKER_DEFAULTS.metricsIntervalMs,
      prime: this.options.newest(),
    };
  }

  /** Kills every worker not heard from for `unresponsiveMs` (hung); its exit restarts it. */
  private watch(): void {
    const now = Date.now();
    const late = now - this.lastWatch > 2 * WORKER_DEFAULTS.metricsIntervalMs;
    this.lastWatch = now;
    if (late) {
      // This process was blocked, not (necessarily) the workers: their reports wait unread.
      for (const id of this.lastHeard.keys()) this.lastHeard.set(id, now);
      return;
    }
    for (const [id, heard] of this.lastHeard) {
      if (now - heard <= WORKER_DEFAULTS.unresponsiveMs) continue;
      const message = `worker sent nothing for ${now - heard} ms (a blocked event loop); killed to restart it`;
      this.stop(this.live.get(id)!, 'SIGKILL', 'WORKER_UNRESPONSIVE', message);
    }
  }

  /**
   * Stops a worker more than `maxForwardLagTrades` behind the trades forwarded to it (SIGTERM:
   * 1012 to its clients), so the IPC messages queued for it here stay bounded; its exit
   * restarts it.
   */
  private checkLag(worker: Worker, received: number): void {
    const lag = this.forwarded.get(worker.id)! - received;
    if (lag <= WORKER_DEFAULTS.maxForwardLagTrades) return;
    const message = `worker is ${lag} trades behind the source; stopped to restart it`;
    this.stop(worker, 'SIGTERM', 'WORKER_BEHIND', message);
  }

  /** Sends nothing more to `worker`, reports why, and signals it. */
  private stop(worker: Worker, signal: NodeJS.Signals, code: string, message: string): void {
    this.ready.delete(worker.id);
    this.lastHeard.delete(worker.id);
    this.options.onError(
      new WorkerError(worker.process.pid ?? 0, { name: 'Error', code, message }),
    );
    worker.process.kill(signal);
  }

  private onExit(worker: Worker, code: number | null, signal: string | null): void {
    this.live.delete(worker.id);
    this.exits.delete(worker.id);
    this.ready.delete(worker.id);
    this.listening.delete(worker.id);
    this.lastHeard.delete(worker.id);
    this.forwarded.delete(worker.id);
    this.options.metrics.retire(worker.id);
    this.options.metrics.workers = this.listening.size;
    for (const waiter of [...this.reportWaiters]) {
      waiter.pending.delete(worker.id);
      if (waiter.pending.size === 0) waiter.done();
    }
    if (this.closing || !this.started) return;
    const now = Date.now();
    this.restartTimes = this.restartTimes.filter((time) => now - time < MINUTE_MS);
    if (this.restartTimes.length >= WORKER_DEFAULTS.maxRestartsPerMinute) {
      this.options.onError(new WorkerRestartLimitError(this.restartTimes.length, code, signal));
      return;
    }
    this.restartTimes.push(now);
    this.options.metrics.workerRestarts += 1;
    this.fork().catch((error: unknown) => this.options.onError(error));
  }
}

function send(worker: Worker, message: PrimaryMessage): void {
  if (worker.isConnected()) worker.send(message, () => {});
}
