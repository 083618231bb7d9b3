import { availableParallelism } from 'node:os';
import { WORKER_DEFAULTS } from '../../../defaults.js';

/**
 * The number of worker processes `serveFanout({ workers })` runs: `undefined` is the default
 * (1), `'auto'` the cores available (`os.availableParallelism()`). Internal.
 *
 * @throws RangeError when `workers` is neither `'auto'` nor an integer of at least 1.
 */
export function resolveWorkerCount(workers: number | 'auto' | undefined): number {
  if (workers === undefined) return WORKER_DEFAULTS.workers;
  if (workers === 'auto') return availableParallelism();
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1) {
    throw new RangeError(
      `serveFanout: workers must be an integer of at least 1 or 'auto', got ${String(workers)}`,
    );
  }
  return workers;
}
