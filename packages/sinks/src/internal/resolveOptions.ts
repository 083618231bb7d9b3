import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { SINK_DEFAULTS } from '../defaults.js';
import { InvalidSinkOptionsError } from '../errors.js';
import type { SinkOptions } from '../types.js';

/**
 * Sink options with every default filled in.
 * @internal
 */
export type Resolved<R> = Required<
  Omit<
    SinkOptions<R>,
    'onFailure' | 'onUnsent' | 'onBuffered' | 'recordTtlMs' | 'scheduler' | 'random'
  >
> &
  Pick<SinkOptions<R>, 'onFailure' | 'onUnsent' | 'onBuffered' | 'recordTtlMs'> & {
    scheduler: SchedulerLike;
    random: () => number;
  };

/**
 * Fills in the defaults of a sink's options and checks them.
 *
 * @param options - The options the sink was given.
 * @returns The options with every default filled in.
 * @throws InvalidSinkOptionsError when an option is out of range or not one of its values.
 * @internal
 */
export function resolveOptions<R>(options: SinkOptions<R>): Resolved<R> {
  const resolved: Resolved<R> = {
    lingerMs: options.lingerMs ?? SINK_DEFAULTS.lingerMs,
    lingerWhenIdle: options.lingerWhenIdle ?? SINK_DEFAULTS.lingerWhenIdle,
    concurrency: options.concurrency ?? SINK_DEFAULTS.concurrency,
    maxBufferedRecords: options.maxBufferedRecords ?? SINK_DEFAULTS.maxBufferedRecords,
    overflow: options.overflow ?? SINK_DEFAULTS.overflow,
    ordering: options.ordering ?? SINK_DEFAULTS.ordering,
    maxAttempts: options.maxAttempts ?? SINK_DEFAULTS.maxAttempts,
    recordTtlMs: options.recordTtlMs,
    backoffBaseMs: options.backoffBaseMs ?? SINK_DEFAULTS.backoffBaseMs,
    rejectionBackoffBaseMs: options.rejectionBackoffBaseMs ?? SINK_DEFAULTS.rejectionBackoffBaseMs,
    backoffMaxMs: options.backoffMaxMs ?? SINK_DEFAULTS.backoffMaxMs,
    onFailure: options.onFailure,
    onUnsent: options.onUnsent,
    onBuffered: options.onBuffered,
    scheduler: options.scheduler ?? asyncScheduler,
    random: options.random ?? Math.random,
  };
  const atLeast = (name: keyof Resolved<R>, value: number, min: number, integer: boolean) => {
    if (!(value >= min) || (integer && !Number.isInteger(value))) {
      throw new InvalidSinkOptionsError(
        `${String(name)} must be ${integer ? 'an integer ' : 'a number '}>= ${min}, got ${value}`,
      );
    }
  };
  atLeast('lingerMs', resolved.lingerMs, 0, false);
  atLeast('concurrency', resolved.concurrency, 1, true);
  atLeast('maxBufferedRecords', resolved.maxBufferedRecords, 1, true);
  atLeast('maxAttempts', resolved.maxAttempts, 1, true);
  atLeast('backoffBaseMs', resolved.backoffBaseMs, 0, false);
  atLeast('rejectionBackoffBaseMs', resolved.rejectionBackoffBaseMs, 0, false);
  atLeast('backoffMaxMs', resolved.backoffMaxMs, 0, false);
  if (resolved.recordTtlMs !== undefined) atLeast('recordTtlMs', resolved.recordTtlMs, 0, false);
  if (resolved.overflow !== 'error' && resolved.overflow !== 'reject') {
    throw new InvalidSinkOptionsError(`overflow must be 'error' or 'reject'`);
  }
  if (resolved.ordering !== 'per-key' && resolved.ordering !== 'none') {
    throw new InvalidSinkOptionsError(`ordering must be 'per-key' or 'none'`);
  }
  return resolved;
}
