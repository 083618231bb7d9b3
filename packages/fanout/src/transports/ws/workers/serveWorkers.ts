import cluster from 'node:cluster';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENGINE_DEFAULTS, WS_DEFAULTS } from '../../../defaults.js';
import { WorkerOptionError } from '../../../errors.js';
import { MergedFanoutMetrics } from '../../../metrics/MergedFanoutMetrics.js';
import type { FanoutServer, ServeFanoutOptions } from '../serveFanout.js';
import { ForwardingFanout } from './ForwardingFanout.js';
import { PrimingBook } from './PrimingBook.js';
import { toWorkerOptions } from './toWorkerOptions.js';
import { WorkerPool } from './WorkerPool.js';

/**
 * `serveFanout()` with `count` (above 1) worker processes: validates what can reach them, forks
 * them on one port, then reads the source here and forwards it. Internal: see
 * {@link serveFanout}.
 */
export async function serveWorkers(
  options: ServeFanoutOptions,
  count: number,
): Promise<FanoutServer> {
  if (!cluster.isPrimary) {
    throw new WorkerOptionError('workers', 'above 1 needs the cluster primary; this is a worker');
  }
  const workerOptions = toWorkerOptions(options);
  const onError = options.onError ?? (() => {});
  const metrics = new MergedFanoutMetrics();
  const priming = new PrimingBook({
    maxSeqGap: options.maxSeqGap ?? ENGINE_DEFAULTS.maxSeqGap,
    maxSymbols: options.maxSymbols ?? ENGINE_DEFAULTS.maxSymbols,
  });
  const pool = new WorkerPool({
    count,
    options: workerOptions,
    port: options.port ?? WS_DEFAULTS.port,
    host: options.host ?? WS_DEFAULTS.host,
    ...(options.workerModule === undefined
      ? {}
      : { workerModule: toModuleHref(options.workerModule) }),
    metrics,
    newest: () => priming.trades(),
    onError,
  });
  const fanout = new ForwardingFanout({ pool, metrics, priming, onError });
  const { port, url } = await pool.start();
  if (options.source !== undefined) fanout.attach(options.source);

  let closed: Promise<void> | undefined;
  return {
    port,
    url,
    metrics,
    fanout,
    refreshMetrics: async () => {
      await pool.refresh();
      return metrics.snapshot();
    },
    workerPids: () => pool.pids(),
    close: () => {
      closed ??= (async () => {
        await fanout.close();
        await pool.close();
      })();
      return closed;
    },
  };
}

/** A module path (relative to the working directory), a `file:` URL or a package name, as an import specifier. */
function toModuleHref(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (module.startsWith('.') || isAbsolute(module)) return pathToFileURL(resolve(module)).href;
  return module;
}
