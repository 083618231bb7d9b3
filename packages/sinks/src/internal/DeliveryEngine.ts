import type { Subscriber, Subscription } from 'rxjs';
import { BufferOverflowError, RecordTooLargeError, SinkDeliveryError } from '../errors.js';
import type { DeliveryReport, FailureReason, SinkFailure } from '../types.js';
import { fullJitterDelay } from './backoff.js';
import { Lanes } from './Lanes.js';
import type { Resolved } from './resolveOptions.js';
import { isTransientError } from './transientError.js';
import type { Entry, RequestOutcome, Transport } from './transport.js';

/**
 * One subscription's run of `deliver()`: buffers the source's records in per-key lanes, keeps
 * at most `concurrency` requests in flight, settles each (a report, retries after a backoff,
 * records given up to `onFailure`), completes once everything held has left, and when it stops
 * early (teardown, overflow, a fatal error) hands what was still held to `onUnsent`, the record
 * that overflowed and any that arrive afterwards included. Tells `onBuffered` how many records
 * it holds after every change.
 * @internal
 */
export class DeliveryEngine<R, P> {
  private readonly lanes: Lanes<R, P>;
  /** Records held: queued, waiting for a retry, or in flight. */
  private buffered = 0;
  private readonly inFlight = new Set<Entry<R, P>[]>();
  private readonly waiting = new Map<Entry<R, P>[], Subscription>();
  private lingerTimer: Subscription | undefined;
  private lingerAt = Number.POSITIVE_INFINITY;
  private pendingCallbacks = 0;
  private completing = false;
  private sourceFailed = false;
  private sourceError: unknown;
  private closed = false;
  /** Closed before everything held had left (teardown or a fatal error), not completed. */
  private stoppedEarly = false;
  private pumping = false;
  /** The count `onBuffered` was last given, so it hears of changes only. */
  private reportedBuffered = 0;
  private readonly totals = { delivered: 0, retried: 0, failed: 0 };

  constructor(
    private readonly transport: Transport<R, P>,
    private readonly options: Resolved<R>,
    private readonly subscriber: Subscriber<DeliveryReport>,
  ) {
    this.lanes = new Lanes(transport, options.ordering === 'per-key');
  }

  /** Whether the engine has stopped: a record given now can only go to `onUnsent`. */
  get stopped(): boolean {
    return this.closed;
  }

  add(record: R): void {
    if (this.closed) {
      // A source that goes on emitting after the sink stopped (a synchronous one, within the
      // same call stack): the record is accounted for like the ones held at the stop.
      if (this.stoppedEarly) this.options.onUnsent?.({ unsent: [record], inFlight: [] });
      return;
    }
    if (this.buffered >= this.options.maxBufferedRecords) {
      const error = new BufferOverflowError(this.transport.sink, this.options.maxBufferedRecords);
      if (this.options.overflow === 'reject') this.fail([record], 'buffer-full', error, 0);
      else this.fatal(error, [record]);
      return;
    }
    let prepared: ReturnType<Transport<R, P>['prepare']>;
    try {
      prepared = this.transport.prepare(record);
    } catch (error) {
      const reason = error instanceof RecordTooLargeError ? 'too-large' : 'encode-failed';
      this.fail([record], reason, toError(error), 0);
      return;
    }
    const entry: Entry<R, P> = {
      records: [record],
      key: prepared.key,
      bytes: prepared.bytes,
      payload: prepared.payload,
      attempts: 0,
      arrivedAt: this.options.scheduler.now(),
    };
    this.buffered++;
    this.lanes.push(entry);
    this.pump();
    this.reportBuffered();
  }

  end(failed: boolean, error: unknown): void {
    if (this.closed) return;
    this.completing = true;
    this.sourceFailed = failed;
    this.sourceError = error;
    this.pump();
    this.checkDone();
  }

  /** Teardown: unsubscribed (or finished); reports what was still held. */
  abandon(): void {
    if (this.closed) return;
    this.stop();
  }

  private pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    const { concurrency, lingerMs, scheduler } = this.options;
    const { lanes } = this;
    while (this.inFlight.size < concurrency && lanes.readyLanes > 0) {
      if (!lanes.full && !this.completing && scheduler.now() - lanes.oldestReady < lingerMs) break;
      const batch = lanes.build();
      if (batch.length === 0) break;
      this.dispatch(batch);
    }
    if (lanes.readyLanes === 0) {
      this.cancelLinger();
    } else if (this.inFlight.size < concurrency && !this.completing) {
      this.armLinger(lanes.oldestReady + lingerMs);
    }
    this.pumping = false;
  }

  private dispatch(batch: Entry<R, P>[]): void {
    this.inFlight.add(batch);
    const started = this.options.scheduler.now();
    for (const entry of batch) entry.attempts++;
    let request: Promise<RequestOutcome>;
    try {
      request = this.transport.send(batch);
    } catch (error) {
      request = Promise.reject(error);
    }
    request.then(
      (outcome) => this.settle(batch, started, outcome, undefined),
      (error: unknown) => this.settle(batch, started, undefined, toError(error)),
    );
  }

  private settle(
    batch: Entry<R, P>[],
    started: number,
    outcome: RequestOutcome | undefined,
    requestError: Error | undefined,
  ): void {
    if (!this.inFlight.delete(batch) || this.closed) return;
    const { scheduler, maxAttempts, recordTtlMs, backoffBaseMs, backoffMaxMs, random } =
      this.options;
    const now = scheduler.now();
    const failures = new Map<number, { error: Error; retryable: boolean }>();
    if (requestError !== undefined) {
      const retryable = isTransientError(requestError);
      for (let i = 0; i < batch.length; i++) failures.set(i, { error: requestError, retryable });
    } else {
      for (const failure of outcome?.failed ?? []) failures.set(failure.index, failure);
    }

    let highestAttempt = 0;
    for (const entry of batch) if (entry.attempts > highestAttempt) highestAttempt = entry.attempts;
    const delay = fullJitterDelay(highestAttempt, backoffBaseMs, backoffMaxMs, random);

    let delivered = 0;
    let deliveredBytes = 0;
    let failed = 0;
    let retrying = 0;
    const retries: Entry<R, P>[] = [];
    const givenUp: { entry: Entry<R, P>; reason: FailureReason; error: Error }[] = [];
    for (let i = 0; i < batch.length; i++) {
      const entry = batch[i]!;
      const failure = failures.get(i);
      if (failure === undefined) {
        delivered += entry.records.length;
        deliveredBytes += entry.bytes;
        this.release(entry);
        continue;
      }
      failed += entry.records.length;
      const reason: FailureReason | undefined = !failure.retryable
        ? 'rejected'
        : entry.attempts >= maxAttempts
          ? 'attempts-exhausted'
          : recordTtlMs !== undefined && now + delay - entry.arrivedAt > recordTtlMs
            ? 'expired'
            : undefined;
      if (reason === undefined) {
        retries.push(entry);
        retrying += entry.records.length;
      } else {
        givenUp.push({ entry, reason, error: failure.error });
        this.totals.failed += entry.records.length;
        this.release(entry);
      }
    }
    this.totals.delivered += delivered;
    this.totals.retried += retrying;
    if (retries.length > 0) this.scheduleRetry(retries, delay);

    const report: DeliveryReport = {
      sink: this.transport.sink,
      records: delivered,
      failed,
      retrying,
      entries: batch.length,
      attempts: highestAttempt,
      bytes: deliveredBytes,
      latencyMs: now - started,
      buffered: this.buffered,
      totals: { ...this.totals },
    };
    if (requestError !== undefined) report.error = requestError;
    this.subscriber.next(report);

    // Entries given up for the same reason and error (a whole request refused) go to
    // `onFailure` together, so a dead-letter queue gets them in batches.
    const groups = new Map<Error, Map<FailureReason, { records: R[]; attempts: number }>>();
    for (const { entry, reason, error } of givenUp) {
      let byReason = groups.get(error);
      if (byReason === undefined) {
        byReason = new Map();
        groups.set(error, byReason);
      }
      const group = byReason.get(reason);
      if (group === undefined) {
        byReason.set(reason, { records: [...entry.records], attempts: entry.attempts });
      } else {
        group.records.push(...entry.records);
        group.attempts = Math.max(group.attempts, entry.attempts);
      }
    }
    for (const [error, byReason] of groups) {
      for (const [reason, group] of byReason) {
        this.fail(group.records, reason, error, group.attempts, true);
        if (this.closed) return;
      }
    }
    this.pump();
    this.reportBuffered();
    this.checkDone();
  }

  /** An entry left the engine (delivered or given up): free its lane and its buffer slots. */
  private release(entry: Entry<R, P>): void {
    this.buffered -= entry.records.length;
    this.lanes.release(entry);
  }

  private scheduleRetry(entries: Entry<R, P>[], delay: number): void {
    const timer = this.options.scheduler.schedule(() => {
      this.waiting.delete(entries);
      for (const entry of entries) this.lanes.pushRetry(entry);
      this.pump();
    }, delay);
    this.waiting.set(entries, timer);
  }

  /** Hands records to `onFailure` (already counted in `totals.failed` when `counted`). */
  private fail(
    records: R[],
    reason: FailureReason,
    error: Error,
    attempts: number,
    counted = false,
  ): void {
    if (!counted) this.totals.failed += records.length;
    const failure: SinkFailure<R> = { sink: this.transport.sink, records, reason, error, attempts };
    const { onFailure } = this.options;
    if (onFailure === undefined) {
      this.fatal(new SinkDeliveryError([failure]));
      return;
    }
    try {
      const result = onFailure(failure);
      if (result !== undefined && typeof result.then === 'function') {
        this.pendingCallbacks++;
        result.then(
          () => {
            this.pendingCallbacks--;
            this.checkDone();
          },
          (cause: unknown) => {
            this.pendingCallbacks--;
            this.fatal(new SinkDeliveryError([failure], { cause }));
          },
        );
      }
    } catch (cause) {
      this.fatal(new SinkDeliveryError([failure], { cause }));
    }
  }

  private checkDone(): void {
    if (this.closed || !this.completing || this.buffered > 0 || this.pendingCallbacks > 0) return;
    this.closed = true;
    this.cancelLinger();
    if (this.sourceFailed) this.subscriber.error(this.sourceError);
    else this.subscriber.complete();
  }

  /** Stops early and errors the stream; `refused` (an overflowing record) joins `onUnsent`. */
  private fatal(error: Error, refused: R[] = []): void {
    if (this.closed) return;
    try {
      this.stop(refused);
    } finally {
      this.subscriber.error(error);
    }
  }

  /** Tells `onBuffered` how many records are held; a throwing callback errors the stream. */
  private reportBuffered(): void {
    const { onBuffered } = this.options;
    if (onBuffered === undefined || this.closed || this.buffered === this.reportedBuffered) return;
    this.reportedBuffered = this.buffered;
    try {
      onBuffered(this.buffered);
    } catch (error) {
      this.fatal(toError(error));
    }
  }

  /**
   * Stops every timer and hands what is still held, plus `refused`, to `onUnsent`: retries
   * waiting for their timer and queued records as `unsent`, requests without an answer as
   * `inFlight`.
   */
  private stop(refused: R[] = []): void {
    this.closed = true;
    this.stoppedEarly = true;
    this.cancelLinger();
    const unsent: R[] = [];
    const inFlight: R[] = [];
    for (const [entries, timer] of this.waiting) {
      timer.unsubscribe();
      for (const entry of entries) unsent.push(...entry.records);
    }
    this.waiting.clear();
    this.lanes.forEachQueued((entry) => unsent.push(...entry.records));
    for (const batch of this.inFlight) for (const entry of batch) inFlight.push(...entry.records);
    this.inFlight.clear();
    unsent.push(...refused);
    this.buffered = 0;
    if (unsent.length > 0 || inFlight.length > 0) this.options.onUnsent?.({ unsent, inFlight });
  }

  private armLinger(at: number): void {
    if (this.lingerTimer !== undefined && this.lingerAt <= at) return;
    this.cancelLinger();
    this.lingerAt = at;
    const { scheduler } = this.options;
    this.lingerTimer = scheduler.schedule(
      () => {
        this.lingerTimer = undefined;
        this.lingerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, at - scheduler.now()),
    );
  }

  private cancelLinger(): void {
    this.lingerTimer?.unsubscribe();
    this.lingerTimer = undefined;
    this.lingerAt = Number.POSITIVE_INFINITY;
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
