import type { SinkName } from '../types.js';

/**
 * One entry of a request: a record (or, when aggregating, many records packed into one)
 * ready to send, with its delivery bookkeeping.
 * @internal
 */
export interface Entry<R, P> {
  /** The user records this entry carries, in arrival order. */
  records: R[];
  /** The ordering key (partition key, message group, item partition key). */
  key: string;
  /** Size as the service counts it against the per-request limit. */
  bytes: number;
  /** The service-level entry (a PutRecords entry, an SQS batch entry, a PutRequest). */
  payload: P;
  /** Requests this entry has been part of. */
  attempts: number;
  /**
   * Times the service rejected this entry inside a request it answered (a throttled record,
   * an unprocessed item), which sets its backoff; see `SinkOptions.rejectionBackoffBaseMs`.
   */
  rejections: number;
  /** When the oldest of its records arrived, on the sink's scheduler clock. */
  arrivedAt: number;
}

/**
 * What one record turns into before batching.
 * @internal
 */
export interface Prepared<P> {
  key: string;
  bytes: number;
  payload: P;
}

/**
 * Entries of a request the service did not accept, by index into the request.
 * @internal
 */
export interface RequestOutcome {
  failed: { index: number; error: Error; retryable: boolean }[];
}

/**
 * What a service adds to the delivery engine: its limits, how a record becomes an entry and
 * how a batch is sent.
 * @internal
 */
export interface Transport<R, P> {
  sink: SinkName;
  /** Entries per request. */
  maxBatchCount: number;
  /** Bytes per request. */
  maxBatchBytes: number;
  /** Turns a record into an entry; throws a `RecordTooLargeError` or an encoding error. */
  prepare(record: R): Prepared<P>;
  /**
   * Optionally packs the head entries of one key's queue into one entry (KPL aggregation):
   * takes from `queue` what fits in `budgetBytes`, or nothing when even the head does not fit.
   */
  pack?: (
    queue: { peek(): Entry<R, P> | undefined; shift(): Entry<R, P> | undefined },
    budgetBytes: number,
  ) => Entry<R, P> | undefined;
  /** Sends one request. Rejects when the whole request failed. */
  send(entries: readonly Entry<R, P>[]): Promise<RequestOutcome>;
}
