import { WorkerOptionError } from '../../../errors.js';
import type { ServeFanoutOptions } from '../serveFanout.js';
import type { WorkerServeOptions } from './messages.js';

/** Options that are objects with behaviour, not data: they cannot reach another process. */
const LOCAL_ONLY = ['server', 'store', 'scheduler', 'clock', 'transport'] as const;

/**
 * The options each worker of `serveFanout({ workers })` gets, as data: `source` and `onError`
 * stay in the primary; anything that cannot be sent to another process is refused with a
 * {@link WorkerOptionError} naming it (give those through `workerModule`). Internal.
 */
export function toWorkerOptions(options: ServeFanoutOptions): WorkerServeOptions {
  const {
    source: _source,
    onError: _onError,
    workers: _workers,
    workerModule: _workerModule,
    ...rest
  } = options;
  for (const name of LOCAL_ONLY) {
    if ((rest as Record<string, unknown>)[name] !== undefined) {
      throw new WorkerOptionError(
        name,
        'cannot be sent to worker processes: with workers above 1, return it from the default export of workerModule, or serve with workers: 1',
      );
    }
  }
  for (const [name, value] of Object.entries(rest)) {
    if (typeof value === 'function') {
      throw new WorkerOptionError(
        name,
        'is a function, which cannot be sent to worker processes: with workers above 1, return it from the default export of workerModule',
      );
    }
  }
  return rest as WorkerServeOptions;
}
