import type { ReconnectOptions } from '../defaults.js';

/**
 * The delay before reconnect attempt `attempt` (from 0): exponential backoff with full jitter,
 * a uniformly random time below `min(maxDelayMs, initialDelayMs * 2^attempt)`, so that many
 * clients dropped at once do not come back at once.
 */
export function backoffDelay(
  attempt: number,
  { initialDelayMs, maxDelayMs }: Pick<ReconnectOptions, 'initialDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
