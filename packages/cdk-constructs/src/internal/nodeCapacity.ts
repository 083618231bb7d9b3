import { DEFAULTS } from '../defaults.js';
import { ConstructPropsError } from '../errors.js';
import type { ContainerFanoutServiceProps } from '../fanout/ContainerFanoutServiceProps.js';
import { STREAM_CONSUMER_LIMIT } from '../stream/StreamReadMode.js';

/** How many fan-out nodes may run, and how they read. */
export interface NodeCapacity {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** True when each node reads through an enhanced fan-out consumer of its own. */
  readonly push: boolean;
}

/**
 * The fan-out nodes' task count bounds. Reading by push, every running task holds one of the
 * stream's {@link STREAM_CONSUMER_LIMIT} consumers, less `otherStreamConsumers`: an unset
 * `maxCapacity` takes what is free (at most `DEFAULTS.containers.maxCapacity`), a larger one is
 * refused with what to do instead.
 *
 * @throws ConstructPropsError on bounds that do not hold, or more push nodes than free consumers.
 * @example
 * ```ts
 * const { minCapacity, maxCapacity, push } = resolveNodeCapacity(props); // 2, 20, true
 * ```
 */
export function resolveNodeCapacity(props: ContainerFanoutServiceProps): NodeCapacity {
  const d = DEFAULTS.containers;
  const push = (props.readMode ?? d.readMode) === 'push';
  const others = props.otherStreamConsumers ?? 0;
  const free = STREAM_CONSUMER_LIMIT - others;
  if (!(Number.isInteger(others) && others >= 0 && others < STREAM_CONSUMER_LIMIT)) {
    throw new ConstructPropsError(
      'ContainerFanoutService',
      `otherStreamConsumers must be an integer from 0 to ${STREAM_CONSUMER_LIMIT - 1}, got ${others}`,
    );
  }
  const minCapacity = props.minCapacity ?? d.minCapacity;
  const maxCapacity = props.maxCapacity ?? (push ? Math.min(d.maxCapacity, free) : d.maxCapacity);
  if (!(minCapacity >= 1 && maxCapacity >= minCapacity)) {
    throw new ConstructPropsError('ContainerFanoutService', 'need 1 ≤ minCapacity ≤ maxCapacity');
  }
  if (push && maxCapacity > free) {
    throw new ConstructPropsError(
      'ContainerFanoutService',
      `maxCapacity ${maxCapacity} is more nodes than the stream has enhanced fan-out consumers for: ` +
        `each node reading by push registers its own, Kinesis allows ${STREAM_CONSUMER_LIMIT} per stream ` +
        `and other readers hold ${others} (otherStreamConsumers), so at most ${free} nodes. ` +
        `Set maxCapacity to ${free} or fewer (give each node more cpu and memory to serve more ` +
        `clients), or readMode: 'poll' (nodes share each shard's 5 reads/s; about 5 nodes per ` +
        'shard before reads throttle).',
    );
  }
  if (push && minCapacity < 2) {
    throw new ConstructPropsError(
      'ContainerFanoutService',
      "readMode 'push' needs minCapacity ≥ 2: a deployment replaces nodes half at a time so the " +
        'tasks never hold more consumers than maxCapacity, and a single task could not be ' +
        "replaced that way. Set minCapacity: 2, or readMode: 'poll'.",
    );
  }
  return { minCapacity, maxCapacity, push };
}
