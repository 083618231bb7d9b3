import type { Trade } from '@market-stream/core';
import { WORKER_DEFAULTS, WS_DEFAULTS } from '../../../defaults.js';
import type { WorkerModuleOptions } from '../serveFanout.js';
import { type SingleFanoutServer, serveSingle } from '../serveSingle.js';
import type { PrimaryMessage, WorkerMessage } from './messages.js';
import { toErrorData } from './toErrorData.js';

/*
 * The entry of each worker process of `serveFanout({ workers })`: today's single-process
 * server on the shared port, fed by the trades its primary forwards. Bad input stays here: it
 * reaches only this process's clients. A SIGTERM (rolling restart) or an uncaught exception
 * closes every client with 1012 "worker restarting" before the process exits, so the clients
 * reconnect at once (to another worker); the primary restarts this one. Losing the primary
 * (the IPC channel) closes the clients with 1001.
 */

let server: SingleFanoutServer | undefined;
/** Trades forwarded before the server was up, published right after the primed ones. */
let early: Trade[][] | undefined = [];
let metricsTimer: NodeJS.Timeout | undefined;
let stopping = false;
let received = 0;

const send = (message: WorkerMessage, then: () => void = () => {}) => {
  if (process.connected) process.send?.(message, undefined, undefined, then);
  else then();
};
const sendMetrics = () => {
  if (server !== undefined) send({ kind: 'metrics', report: server.metrics.toReport(), received });
};

async function start(message: Extract<PrimaryMessage, { kind: 'start' }>): Promise<void> {
  try {
    const local = message.workerModule ? await loadWorkerModule(message.workerModule) : {};
    server = await serveSingle({
      ...message.options,
      ...local,
      port: message.port,
      onError: (error) => send({ kind: 'error', error: toErrorData(error) }),
    });
  } catch (error) {
    // Exit once the message is out: the primary rejects serveFanout() (or reports it) with it.
    send({ kind: 'failed', error: toErrorData(error) }, () => process.exit(1));
    return;
  }
  server.fanout.publish(message.prime);
  for (const trades of early ?? []) server.fanout.publish(trades);
  early = undefined;
  metricsTimer = setInterval(sendMetrics, message.metricsIntervalMs);
  send({ kind: 'listening', port: server.port, url: server.url });
  sendMetrics();
}

async function loadWorkerModule(href: string): Promise<WorkerModuleOptions> {
  const loaded = (await import(href)) as {
    default?: () => WorkerModuleOptions | Promise<WorkerModuleOptions>;
  };
  if (typeof loaded.default !== 'function') {
    throw new TypeError(`workerModule ${href} has no default export function`);
  }
  return await loaded.default();
}

async function stop(code: number, reason: string, exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (metricsTimer) clearInterval(metricsTimer);
  // Bounded even if a close hangs: the primary restarts or awaits this exit.
  setTimeout(() => process.exit(exitCode), WORKER_DEFAULTS.closeTimeoutMs).unref();
  try {
    await server?.closeWith(code, reason);
  } finally {
    process.exit(exitCode);
  }
}

process.on('message', (message: PrimaryMessage) => {
  switch (message.kind) {
    case 'start':
      void start(message);
      break;
    case 'trades':
      received += message.count;
      if (server === undefined) early?.push(JSON.parse(message.json) as Trade[]);
      else server.fanout.publish(JSON.parse(message.json) as Trade[]);
      break;
    case 'flush':
      server?.fanout.flush();
      break;
    case 'report':
      sendMetrics();
      break;
    case 'close':
      void stop(WS_DEFAULTS.closeCode, WS_DEFAULTS.closeReason, 0);
      break;
  }
});
process.on('disconnect', () => void stop(WS_DEFAULTS.closeCode, WS_DEFAULTS.closeReason, 0));
process.on(
  'SIGTERM',
  () => void stop(WORKER_DEFAULTS.restartCloseCode, WORKER_DEFAULTS.restartCloseReason, 0),
);
process.on('uncaughtException', (error) => {
  send({ kind: 'error', error: toErrorData(error) });
  void stop(WORKER_DEFAULTS.restartCloseCode, WORKER_DEFAULTS.restartCloseReason, 1);
});
// Last: messages sent before this process listened for them were dropped, so the primary waits for this.
send({ kind: 'ready' });
