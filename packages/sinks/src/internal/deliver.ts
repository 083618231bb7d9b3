import {
  asyncScheduler,
  Observable,
  type OperatorFunction,
  type SchedulerLike,
  type Subscriber,
  type Subscription,
} from 'rxjs';
import { SINK_DEFAULTS } from '../defaults.js';
import {
  BufferOverflowError,
  InvalidSinkOptionsError,
  RecordTooLargeError,
  SinkDeliveryError,
} from '../errors.js';
import { fullJitterDelay } from './backoff.js';
import { Queue } from './Queue.js';
import { isTransientError } from './transientError.js';
import type { Entry, RequestOutcome, Transport } from './transport.js';
import type { DeliveryReport, FailureReason, SinkFailure, SinkOptions } from './types.js';

/** Lanes kept while idle, so steady keys do not allocate a lane per record. */
const IDLE_LANES = 4096;

/** Ready lanes looked at to restart the linger clock after a request is built. */
const LINGER_SCAN = 64;

type Resolved<R> = Required<
  Omit<SinkOptions<R>, 'onFailure' | 'onUnsent' | 'recordTtlMs' | 'scheduler' | 'random'>
> &
  Pick<SinkOptions<R>, 'onFailure' | 'onUnsent' | 'recordTtlMs'> & {
    scheduler: SchedulerLike;
    random: () => number;
  };

/**
 * The delivery engine every sink runs on: a bounded buffer, batches filled to the service's
 * count and byte limits or sent after `lingerMs`, at most `concurrency` requests in flight,
 * retries of exactly the entries that failed (exponential backoff, full jitter) up to
 * `maxAttempts` or `recordTtlMs`, per-key order, a report per request, a flush on completion
 * and a report of what was left on early unsubscribe.
 *
 * Per-key order works by lanes: each key has a FIFO lane, and with `ordering: 'per-key'` a
 * lane with an entry in flight or waiting for a retry sends nothing else, so a later record
 * can never overtake an earlier one of its key, whatever fails.
 *
 * @internal
 */
export function deliver<R, P>(
  transport: Transport<R, P>,
  options: SinkOptions<R>,
): OperatorFunction<R, DeliveryReport> {
  const resolved = resolveOptions(options);
  return (source) =>
    new Observable<DeliveryReport>((subscriber) => {
      const engine = new DeliveryEngine(transport, resolved, subscriber);
      const subscription = source.subscribe({
        next: (record) => engine.add(record),
        error: (error: unknown) => engine.end(true, error),
        complete: () => engine.end(false, undefined),
      });
      return () => {
        subscription.unsubscribe();
        engine.abandon();
      };
    });
}

function resolveOptions<R>(options: SinkOptions<R>): Resolved<R> {
  const resolved: Resolved<R> = {
    lingerMs: options.lingerMs ?? SINK_DEFAULTS.lingerMs,
    concurrency: options.concurrency ?? SINK_DEFAULTS.concurrency,
    maxBufferedRecords: options.maxBufferedRecords ?? SINK_DEFAULTS.maxBufferedRecords,
    overflow: options.overflow ?? SINK_DEFAULTS.overflow,
    ordering: options.ordering ?? SINK_DEFAULTS.ordering,
    maxAttempts: options.maxAttempts ?? SINK_DEFAULTS.maxAttempts,
    recordTtlMs: options.recordTtlMs,
    backoffBaseMs: options.backoffBaseMs ?? SINK_DEFAULTS.backoffBaseMs,
    backoffMaxMs: options.backoffMaxMs ?? SINK_DEFAULTS.backoffMaxMs,
    onFailure: options.onFailure,
    onUnsent: options.onUnsent,
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

interface Lane<R, P> {
  key: string;
  /** Entries due for another attempt, sent before `queue`. */
  retries: Entry<R, P>[];
  queue: Queue<Entry<R, P>>;
  /** Entries of this lane in flight or waiting for a retry timer. */
  busy: number;
  /** Whether the lane sits in the ready queue. */
  ready: boolean;
  /** Bytes of `retries` and `queue`. */
  bytes: number;
}

class DeliveryEngine<R, P> {
  private readonly lanes = new Map<string, Lane<R, P>>();
  private readonly ready = new Queue<Lane<R, P>>();
  private readyBytes = 0;
  private readyEntries = 0;
  private oldestReady = Number.POSITIVE_INFINITY;
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
  private pumping = false;
  private readonly perKey: boolean;
  private readonly totals = { delivered: 0, retried: 0, failed: 0 };

  constructor(
    private readonly transport: Transport<R, P>,
    private readonly options: Resolved<R>,
    private readonly subscriber: Subscriber<DeliveryReport>,
  ) {
    this.perKey = options.ordering === 'per-key';
  }

  add(record: R): void {
    if (this.closed) return;
    if (this.buffered >= this.options.maxBufferedRecords) {
      const error = new BufferOverflowError(this.transport.sink, this.options.maxBufferedRecords);
      if (this.options.overflow === 'reject') this.fail([record], 'buffer-full', error, 0);
      else this.fatal(error);
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
    let lane = this.lanes.get(entry.key);
    if (lane === undefined) {
      lane = { key: entry.key, retries: [], queue: new Queue(), busy: 0, ready: false, bytes: 0 };
      this.lanes.set(entry.key, lane);
    }
    lane.queue.push(entry);
    lane.bytes += entry.bytes;
    if (lane.ready) {
      this.readyBytes += entry.bytes;
      this.readyEntries++;
    } else if (this.sendable(lane)) {
      this.markReady(lane);
    }
    this.pump();
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

  private sendable(lane: Lane<R, P>): boolean {
    return (!this.perKey || lane.busy === 0) && (lane.retries.length > 0 || lane.queue.length > 0);
  }

  private markReady(lane: Lane<R, P>): void {
    lane.ready = true;
    this.ready.push(lane);
    this.readyBytes += lane.bytes;
    this.readyEntries += lane.retries.length + lane.queue.length;
    const head = lane.retries[0] ?? lane.queue.peek();
    if (head !== undefined && head.arrivedAt < this.oldestReady) this.oldestReady = head.arrivedAt;
  }

  private unready(lane: Lane<R, P>): void {
    lane.ready = false;
    this.readyBytes -= lane.bytes;
    this.readyEntries -= lane.retries.length + lane.queue.length;
  }

  private pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    const { concurrency, lingerMs, scheduler } = this.options;
    const { maxBatchCount, maxBatchBytes } = this.transport;
    while (this.inFlight.size < concurrency && this.ready.length > 0) {
      const sendableEntries = this.perKey ? this.ready.length : this.readyEntries;
      const full = sendableEntries >= maxBatchCount || this.readyBytes >= maxBatchBytes;
      if (!full && !this.completing && scheduler.now() - this.oldestReady < lingerMs) break;
      const batch = this.build();
      if (batch.length === 0) break;
      this.dispatch(batch);
    }
    if (this.ready.length === 0) {
      this.oldestReady = Number.POSITIVE_INFINITY;
      this.cancelLinger();
    } else if (this.inFlight.size < concurrency && !this.completing) {
      this.armLinger(this.oldestReady + lingerMs);
    }
    this.pumping = false;
  }

  private build(): Entry<R, P>[] {
    const { maxBatchCount, maxBatchBytes } = this.transport;
    const batch: Entry<R, P>[] = [];
    let bytes = 0;
    while (batch.length < maxBatchCount && this.ready.length > 0) {
      const lane = this.ready.peek()!;
      const entry = this.take(lane, maxBatchBytes - bytes);
      if (entry === undefined) break;
      batch.push(entry);
      bytes += entry.bytes;
      lane.busy++;
      if (this.perKey || (lane.retries.length === 0 && lane.queue.length === 0)) {
        this.ready.shift();
        this.unready(lane);
      }
    }
    if (this.ready.length > 0) {
      // The oldest lanes just left; the linger clock follows what is still waiting. Lanes
      // queue in the order they became ready, so the oldest heads sit near the front: look
      // at a bounded prefix rather than every ready lane on every request.
      let oldest = Number.POSITIVE_INFINITY;
      this.ready.forEachFirst(LINGER_SCAN, (lane) => {
        const head = lane.retries[0] ?? lane.queue.peek();
        if (head !== undefined && head.arrivedAt < oldest) oldest = head.arrivedAt;
      });
      this.oldestReady = oldest;
    }
    return batch;
  }

  /** Takes the next entry of a ready lane that fits in `budget` bytes. */
  private take(lane: Lane<R, P>, budget: number): Entry<R, P> | undefined {
    const retry = lane.retries[0];
    if (retry !== undefined) {
      if (retry.bytes > budget) return undefined;
      lane.retries.shift();
      this.removed(lane, retry.bytes);
      return retry;
    }
    if (this.transport.pack !== undefined) {
      return this.transport.pack(
        {
          peek: () => lane.queue.peek(),
          shift: () => {
            const entry = lane.queue.shift();
            if (entry !== undefined) this.removed(lane, entry.bytes);
            return entry;
          },
        },
        budget,
      );
    }
    const head = lane.queue.peek();
    if (head === undefined || head.bytes > budget) return undefined;
    lane.queue.shift();
    this.removed(lane, head.bytes);
    return head;
  }

  private removed(lane: Lane<R, P>, bytes: number): void {
    lane.bytes -= bytes;
    this.readyBytes -= bytes;
    this.readyEntries--;
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
      totals: { ...this.totals },
    };
    if (requestError !== undefined) report.error = requestError;
    this.subscriber.next(report);

    // Entries given up for the same reason and error (a whole request refused) go to
    // `onFailure` together, so a dead-letter queue gets them in batches.
    const groups = new Map<Error, Map<FailureReason, { records: R[]; attempts: number }>>();
    for (const { entry, reason, error } of givenUp) {
      this.release(entry);
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
    this.checkDone();
  }

  /** An entry left the engine (delivered or given up): free its lane and its buffer slots. */
  private release(entry: Entry<R, P>): void {
    this.buffered -= entry.records.length;
    const lane = this.lanes.get(entry.key);
    if (lane === undefined) return;
    lane.busy--;
    if (lane.ready) return;
    if (this.sendable(lane)) this.markReady(lane);
    else if (
      lane.busy === 0 &&
      lane.retries.length === 0 &&
      lane.queue.length === 0 &&
      this.lanes.size > IDLE_LANES
    ) {
      // Idle lanes are kept for reuse (a symbol trades again soon) up to a bound, past which
      // they are dropped so memory follows the active keys, not every key ever seen.
      this.lanes.delete(lane.key);
    }
  }

  private scheduleRetry(entries: Entry<R, P>[], delay: number): void {
    const timer = this.options.scheduler.schedule(() => {
      this.waiting.delete(entries);
      for (const entry of entries) {
        const lane = this.lanes.get(entry.key)!;
        lane.busy--;
        lane.retries.push(entry);
        lane.bytes += entry.bytes;
        if (lane.ready) {
          this.readyBytes += entry.bytes;
          this.readyEntries++;
          if (entry.arrivedAt < this.oldestReady) this.oldestReady = entry.arrivedAt;
        } else if (this.sendable(lane)) {
          this.markReady(lane);
        }
      }
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

  private fatal(error: Error): void {
    if (this.closed) return;
    this.stop();
    this.subscriber.error(error);
  }

  /** Stops every timer and hands what is still held to `onUnsent`. */
  private stop(): void {
    this.closed = true;
    this.cancelLinger();
    const unsent: R[] = [];
    const inFlight: R[] = [];
    for (const [entries, timer] of this.waiting) {
      timer.unsubscribe();
      for (const entry of entries) unsent.push(...entry.records);
    }
    this.waiting.clear();
    for (const lane of this.lanes.values()) {
      for (const entry of lane.retries) unsent.push(...entry.records);
      for (const entry of lane.queue.toArray()) unsent.push(...entry.records);
    }
    for (const batch of this.inFlight) for (const entry of batch) inFlight.push(...entry.records);
    this.inFlight.clear();
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
