/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): a uniformly random delay in `[0, min(maxMs, baseMs × 2^(attempt−1)))`. Full jitter
 * spreads retries of many producers hit by the same throttle, so they do not retry in lockstep.
 *
 * @param attempt - The attempt that just failed, 1 for the first.
 * @param baseMs - The cap of the first delay.
 * @param maxMs - The largest cap.
 * @param random - A source of uniform numbers in [0, 1).
 * @returns The delay before the next attempt, in ms.
 * @internal
 */
export function fullJitterDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}
