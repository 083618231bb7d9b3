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
   * The backoff of each of `retries`, by its own history (see `backoff` below): a first
   * failure waits a first backoff even when it shared its request with a retry on its fifth
   * attempt; 0 for a record's first two rejections inside an answered request.
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
 * leave), otherwise retried after its own backoff (see `backoff` below). A request that
 * failed as a whole fails each of its entries with its error.
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
    | 'maxAttempts'
    | 'recordTtlMs'
    | 'backoffBaseMs'
    | 'rejectionBackoffBaseMs'
    | 'backoffMaxMs'
    | 'random'
  >,
): BatchVerdict<R, P> {
  const { maxAttempts, recordTtlMs } = policy;
  const failures = new Map<number, { error: Error; retryable: boolean }>();
  const wholeRequest = 'requestError' in answer;
  if (wholeRequest) {
    const retryable = isTransientError(answer.requestError);
    for (let i = 0; i < batch.length; i++) {
      failures.set(i, { error: answer.requestError, retryable });
    }
  } else {
    for (const failure of answer.outcome?.failed ?? []) failures.set(failure.index, failure);
  }

  let attempts = 0;
  let requestFailures = 0;
  for (const entry of batch) {
    if (entry.attempts > attempts) attempts = entry.attempts;
    // Attempts that were not rejections inside an answered request: this one and earlier
    // whole-request failures.
    const requestsFailed = entry.attempts - entry.rejections;
    if (requestsFailed > requestFailures) requestFailures = requestsFailed;
  }

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
  const delays = new Map<string, number>();
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
    const delay = failure.retryable
      ? backoff(entry, wholeRequest ? requestFailures : 0, delays, policy)
      : 0;
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

/**
 * Rejections inside answered requests that a record retries in the very next request before it
 * backs off: a record that waits leaves its key's lane behind the others, so every wait costs
 * the next requests that key's place; two cover almost every record a random third of whose
 * attempts are rejected (1 in 27 is rejected three times in a row), while a shard that stays
 * throttled still backs off from the third.
 */
const IMMEDIATE_REJECTION_RETRIES = 2;

/**
 * The backoff of a retryable failure. A whole request that failed (throttled, a 5xx, a dropped
 * connection) backs off from `backoffBaseMs` by the most whole-request failures any of its
 * entries has seen, one delay for all of them, so the request's records come back together.
 * A record the service rejected inside a request it answered (Kinesis
 * `ProvisionedThroughputExceededException`, a DynamoDB unprocessed item, a failed SQS entry) is
 * retried in the next request on its first two rejections, as the KPL does: the service is
 * answering, so the round trip paces it, and waiting would only send it alone later. Rejected
 * a third time and on, it backs off from `rejectionBackoffBaseMs` by its rejections, so a shard
 * that stays throttled is retried less and less often; entries on the same count share one draw.
 *
 * @param requestFailures - For a whole request that failed, the most whole-request failures
 * of any of its entries; 0 for a record rejected inside an answered request.
 */
function backoff<R, P>(
  entry: Entry<R, P>,
  requestFailures: number,
  draws: Map<string, number>,
  policy: Pick<Resolved<R>, 'backoffBaseMs' | 'rejectionBackoffBaseMs' | 'backoffMaxMs' | 'random'>,
): number {
  const { backoffBaseMs, rejectionBackoffBaseMs, backoffMaxMs, random } = policy;
  const wholeRequest = requestFailures > 0;
  if (!wholeRequest) entry.rejections++;
  if (!wholeRequest && entry.rejections <= IMMEDIATE_REJECTION_RETRIES) return 0;
  const draw = wholeRequest ? 'request' : `x${entry.rejections}`;
  let delay = draws.get(draw);
  if (delay === undefined) {
    delay = wholeRequest
      ? fullJitterDelay(requestFailures, backoffBaseMs, backoffMaxMs, random)
      : fullJitterDelay(
          entry.rejections - IMMEDIATE_REJECTION_RETRIES,
          rejectionBackoffBaseMs,
          backoffMaxMs,
          random,
        );
    draws.set(draw, delay);
  }
  return delay;
}
