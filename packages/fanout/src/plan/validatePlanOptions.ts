import type { FanoutTopology, PlanFanoutOptions } from './planFanoutTypes.js';

const TOPOLOGIES: readonly FanoutTopology[] = ['serverless', 'containers', 'events'];

/**
 * Checks the workload {@link planFanout} is asked to price before any figure is computed.
 *
 * @param options - The options as given.
 * @throws RangeError when a count or rate is negative or not finite, the window is not
 *   positive, `symbols` is below 1, `streamRead` is neither `push` nor `poll`, or `compare` is
 *   empty or names a topology other than `serverless`, `containers` and `events`.
 *
 * @example
 * ```ts
 * validatePlanOptions({ connections: -1, tradesPerSecond: 1, symbolsPerConnection: 1, flushIntervalMs: 100 }); // throws RangeError
 * ```
 */
export function validatePlanOptions(options: PlanFanoutOptions): void {
  for (const name of ['connections', 'tradesPerSecond', 'symbolsPerConnection'] as const) {
    const value = options[name];
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
    }
  }
  if (!Number.isFinite(options.flushIntervalMs) || options.flushIntervalMs <= 0) {
    throw new RangeError(`flushIntervalMs must be > 0, got ${options.flushIntervalMs}`);
  }
  if (options.symbols !== undefined && !(options.symbols >= 1)) {
    throw new RangeError(`symbols must be ≥ 1, got ${options.symbols}`);
  }
  const read = options.streamRead;
  if (read !== undefined && read !== 'push' && read !== 'poll') {
    throw new RangeError(`streamRead must be 'push' or 'poll', got ${String(read)}`);
  }
  const compare = options.compare;
  if (
    compare !== undefined &&
    (compare.length === 0 || compare.some((topology) => !TOPOLOGIES.includes(topology)))
  ) {
    throw new RangeError(
      `compare must name some of ${TOPOLOGIES.join(', ')}, got ${String(compare)}`,
    );
  }
}
