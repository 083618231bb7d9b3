import type { Subscriber } from 'rxjs';
import { BufferOverflowError, RecordTooLargeError, SinkDeliveryError } from '../errors.js';
import type { DeliveryReport, FailureReason, SinkFailure } from '../types.js';
import { judgeBatch } from './judgeBatch.js';
import { Lanes } from './Lanes.js';
import { LingerTimer } from './LingerTimer.js';
import { RetryQueue } from './RetryQueue.js';
import type { Resolved } from './resolveOptions.js';
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
  /** Entries waiting for their backoff, behind one timer. */
  private readonly waiting: RetryQueue<Entry<R, P>>;
  private readonly linger: LingerTimer;
  private pendingCallbacks = 0;
  private completing = false;
  private sourceFailed = false;
  private sourceError: unknown;
  private closed = false;
  /** Closed before everything held had left (teardown or a fatal error), not completed. */
  private stoppedEarly = false;
  private pumping = false;
  /** The linger timer just fired: records of an idle sink may leave (see `lingering()`). */
  private tickPassed = false;
  /** The count `onBuffered` was last given, so it hears of changes only. */
  private reportedBuffered = 0;
  private readonly totals = { delivered: 0, retried: 0, failed: 0 };
  /** How long the last answered request took, ms. */
  private lastRoundTripMs = 0;
  /** When the last request was answered (scheduler time). */
  private lastSettledAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly transport: Transport<R, P>,
    private readonly options: Resolved<R>,
    private readonly subscriber: Subscriber<DeliveryReport>,
  ) {
    this.lanes = new Lanes(transport, options.ordering === 'per-key', () =>
      options.scheduler.now(),
    );
    this.waiting = new RetryQueue(options.scheduler, (due) => {
      // Every retry due now goes back to its lane at once, so they can share a request.
      for (const entry of due) this.lanes.pushRetry(entry);
      this.pump();
    });
    this.linger = new LingerTimer(options.scheduler, () => {
      this.tickPassed = true;
      this.pump();
    });
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
      rejections: 0,
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
    const { concurrency, scheduler } = this.options;
    const { lanes } = this;
    while (this.inFlight.size < concurrency && lanes.readyLanes > 0) {
      // Completing flushes without lingering, but still waits for company from a request in
      // flight or a retry due soon: they join the next request.
      const flushing = this.completing && this.inFlight.size === 0 && !this.retryDueSoon();
      if (!lanes.full && !flushing && !this.due()) break;
      const batch = lanes.build();
      if (batch.length === 0) break;
      this.dispatch(batch);
    }
    if (lanes.readyLanes === 0) {
      this.linger.cancel();
    } else if (this.inFlight.size < concurrency) {
      this.linger.arm(this.lingering() ? this.lingerDeadline() : scheduler.now());
    }
    this.tickPassed = false;
    this.pumping = false;
  }

  /**
   * Whether ready records wait for company: while a request is in flight or a retry waits for
   * its backoff (or always, with `lingerWhenIdle`), up to `lingerMs`. An idle sink sends on the
   * next tick instead, so a synchronous burst still leaves together but a quiet stream pays no
   * linger.
   */
  private lingering(): boolean {
    return this.options.lingerWhenIdle || this.inFlight.size > 0 || this.waiting.size > 0;
  }

  /**
   * Whether the ready records are due to leave. While a request is in flight its lanes come
   * back with its answer (after a round trip), so the ready ones wait for them, up to
   * `lingerMs` from when the oldest ready lane became ready. Likewise a retry due within that
   * time is waited for, so lanes that a backoff set apart leave together again. Otherwise they
   * wait up to `lingerMs` from the oldest ready record's arrival (so a backlog with nothing in
   * flight or due soon leaves at once). Without this, under a backlog every lane that came back
   * from a request or a backoff was "late" by its arrival and left alone, and a few hot keys
   * under partial failure made requests of about one record each.
   */
  private due(): boolean {
    const lingered = this.options.scheduler.now() >= this.lingerDeadline();
    return lingered || (this.tickPassed && !this.lingering());
  }

  /** When the ready records have lingered long enough, by the rules of {@link due}. */
  private lingerDeadline(): number {
    const { lingerMs } = this.options;
    const forCompany = this.lanes.oldestReadySince + lingerMs;
    if (this.inFlight.size > 0) return forCompany;
    const byArrival = this.lanes.oldestReady + lingerMs;
    return this.retryDueSoon() ? Math.max(byArrival, this.waiting.nextDueAt) : byArrival;
  }

  /**
   * Whether the ready lanes should wait for the next retry: it is due within `lingerMs` of when
   * the oldest ready lane became ready or the last request was answered, whichever is later (a
   * lane that waited for a request which then failed waits for its retry afresh), and either
   * as many records wait for a backoff as lanes are ready (a failed request's whole batch, say)
   * or it is due within the last round trip, sooner than a request could take it. A straggler
   * due later is not waited for: it catches up with the request that leaves without it, while
   * that is in flight.
   */
  private retryDueSoon(): boolean {
    const { nextDueAt } = this.waiting;
    const since = Math.max(this.lanes.oldestReadySince, this.lastSettledAt);
    if (nextDueAt > since + this.options.lingerMs) return false;
    return (
      this.waiting.size >= this.lanes.readyLanes ||
      nextDueAt <= this.options.scheduler.now() + this.lastRoundTripMs
    );
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
      (outcome) => this.settle(batch, started, { outcome }),
      (error: unknown) => this.settle(batch, started, { requestError: toError(error) }),
    );
  }

  private settle(
    batch: Entry<R, P>[],
    started: number,
    answer: { outcome: RequestOutcome | undefined } | { requestError: Error },
  ): void {
    if (!this.inFlight.delete(batch) || this.closed) return;
    const now = this.options.scheduler.now();
    this.lastRoundTripMs = now - started;
    this.lastSettledAt = now;
    const verdict = judgeBatch(batch, answer, now, this.options);
    for (const entry of verdict.released) this.release(entry);
    this.totals.delivered += verdict.delivered;
    this.totals.retried += verdict.retrying;
    this.totals.failed += verdict.failed - verdict.retrying;
    for (let i = 0; i < verdict.retries.length; i++) {
      const delay = verdict.retryDelays[i]!;
      // A retry without a backoff (a record's first or second rejection) is back in its lane
      // before the next request is built, so it leaves with the lanes this answer freed.
      if (delay === 0) this.lanes.pushRetry(verdict.retries[i]!);
      else this.waiting.add(verdict.retries[i]!, delay);
    }

    const report: DeliveryReport = {
      sink: this.transport.sink,
      records: verdict.delivered,
      failed: verdict.failed,
      retrying: verdict.retrying,
      entries: batch.length,
      attempts: verdict.attempts,
      bytes: verdict.deliveredBytes,
      latencyMs: now - started,
      buffered: this.buffered,
      totals: { ...this.totals },
    };
    if ('requestError' in answer) report.error = answer.requestError;
    this.subscriber.next(report);

    // Entries given up for the same reason and error (a whole request refused) go to
    // `onFailure` together, so a dead-letter queue gets them in batches.
    for (const { records, reason, error, attempts } of verdict.givenUp) {
      this.giveUp({ sink: this.transport.sink, records, reason, error, attempts });
      if (this.closed) return;
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

  /** Counts records as failed and hands them to `onFailure`. */
  private fail(records: R[], reason: FailureReason, error: Error, attempts: number): void {
    this.totals.failed += records.length;
    this.giveUp({ sink: this.transport.sink, records, reason, error, attempts });
  }

  /** Hands a failure (already counted in `totals.failed`) to `onFailure`. */
  private giveUp(failure: SinkFailure<R>): void {
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
    this.linger.cancel();
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
    this.linger.cancel();
    const unsent: R[] = [];
    const inFlight: R[] = [];
    for (const entry of this.waiting.drain()) unsent.push(...entry.records);
    this.lanes.forEachQueued((entry) => unsent.push(...entry.records));
    for (const batch of this.inFlight) for (const entry of batch) inFlight.push(...entry.records);
    this.inFlight.clear();
    unsent.push(...refused);
    this.buffered = 0;
    if (unsent.length > 0 || inFlight.length > 0) this.options.onUnsent?.({ unsent, inFlight });
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
