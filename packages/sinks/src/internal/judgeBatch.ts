import type { FailureReason } from '../types.js';
import { fullJitterDelay } from './backoff.js';
import type { Resolved } from './resolveOptions.js';
import { isTransientError } from './transientError.js';
import type { Entry, RequestOutcome } from './transport.js';

/** Records given up together: same error, same reason (a whole request refused, say). */
export interface GivenUp<R> {
  records: R[];
  reason: FailureReason;
  error: Error;
  /** The most attempts any of them had. */
  attempts: number;
}

/** What a request's answer means for each entry of its batch; see {@link judgeBatch}. */
export interface BatchVerdict<R, P> {
  /** Entries that left the engine, delivered or given up, in batch order. */
  released: Entry<R, P>[];
  /** Entries to send again, each after its own `retryDelays[i]`. */
  retries: Entry<R, P>[];
  /**
   * The backoff of each of `retries`, by its own attempts (full jitter): a first failure waits
   * a first backoff even when it shared its request with a retry on its fifth attempt.
   */
  retryDelays: number[];
  /** Given-up records, grouped by error then reason, for `onFailure`. */
  givenUp: GivenUp<R>[];
  /** The longest of `retryDelays` (0 when nothing is retried). */
  delay: number;
  /** The batch's highest attempt. */
  attempts: number;
  /** Records delivered. */
  delivered: number;
  /** Bytes of the entries delivered. */
  deliveredBytes: number;
  /** Records not delivered by this request (retrying or given up). */
  failed: number;
  /** Records to be retried. */
  retrying: number;
}

/**
 * Judges one answered request, pure but for `random`: an entry the service accepted is
 * delivered; a failed one is given up as `rejected` (not retryable), `attempts-exhausted`
 * (`maxAttempts` reached) or `expired` (older than `recordTtlMs` by the time its retry would
 * leave), otherwise retried after its own backoff (full jitter on its own attempts). A request that failed as a whole fails
 * each of its entries with its error.
 *
 * @param batch - The entries sent, their `attempts` counting this request.
 * @param answer - The outcome, or the error the whole request failed with.
 * @param now - The scheduler's time.
 * @param policy - The sink's retry options.
 * @returns The verdict, see {@link BatchVerdict}.
 *
 * @example
 * ```ts
 * const verdict = judgeBatch(batch, { outcome: { failed: [] } }, scheduler.now(), options);
 * verdict.delivered; // every record of the batch
 * ```
 */
export function judgeBatch<R, P>(
  batch: readonly Entry<R, P>[],
  answer: { outcome: RequestOutcome | undefined } | { requestError: Error },
  now: number,
  policy: Pick<
    Resolved<R>,
    'maxAttempts' | 'recordTtlMs' | 'backoffBaseMs' | 'backoffMaxMs' | 'random'
  >,
): BatchVerdict<R, P> {
  const { maxAttempts, recordTtlMs, backoffBaseMs, backoffMaxMs, random } = policy;
  const failures = new Map<number, { error: Error; retryable: boolean }>();
  if ('requestError' in answer) {
    const retryable = isTransientError(answer.requestError);
    for (let i = 0; i < batch.length; i++) {
      failures.set(i, { error: answer.requestError, retryable });
    }
  } else {
    for (const failure of answer.outcome?.failed ?? []) failures.set(failure.index, failure);
  }

  let attempts = 0;
  for (const entry of batch) if (entry.attempts > attempts) attempts = entry.attempts;

  const verdict: BatchVerdict<R, P> = {
    released: [],
    retries: [],
    retryDelays: [],
    givenUp: [],
    delay: 0,
    attempts,
    delivered: 0,
    deliveredBytes: 0,
    failed: 0,
    retrying: 0,
  };
  const groups = new Map<Error, Map<FailureReason, GivenUp<R>>>();
  const delays = new Map<number, number>();
  for (let i = 0; i < batch.length; i++) {
    const entry = batch[i]!;
    const failure = failures.get(i);
    if (failure === undefined) {
      verdict.delivered += entry.records.length;
      verdict.deliveredBytes += entry.bytes;
      verdict.released.push(entry);
      continue;
    }
    verdict.failed += entry.records.length;
    let delay = 0;
    if (failure.retryable) {
      // One draw per attempt count: the entries of a batch on the same attempt wait the same
      // backoff and come back together, as the batch's one timer had them before.
      delay = delays.get(entry.attempts) ?? -1;
      if (delay < 0) {
        delay = fullJitterDelay(entry.attempts, backoffBaseMs, backoffMaxMs, random);
        delays.set(entry.attempts, delay);
      }
    }
    const reason: FailureReason | undefined = !failure.retryable
      ? 'rejected'
      : entry.attempts >= maxAttempts
        ? 'attempts-exhausted'
        : recordTtlMs !== undefined && now + delay - entry.arrivedAt > recordTtlMs
          ? 'expired'
          : undefined;
    if (reason === undefined) {
      verdict.retries.push(entry);
      verdict.retryDelays.push(delay);
      if (delay > verdict.delay) verdict.delay = delay;
      verdict.retrying += entry.records.length;
      continue;
    }
    verdict.released.push(entry);
    let byReason = groups.get(failure.error);
    if (byReason === undefined) {
      byReason = new Map();
      groups.set(failure.error, byReason);
    }
    const group = byReason.get(reason);
    if (group === undefined) {
      byReason.set(reason, {
        records: [...entry.records],
        reason,
        error: failure.error,
        attempts: entry.attempts,
      });
    } else {
      group.records.push(...entry.records);
      group.attempts = Math.max(group.attempts, entry.attempts);
    }
  }
  for (const byReason of groups.values()) verdict.givenUp.push(...byReason.values());
  return verdict;
}
