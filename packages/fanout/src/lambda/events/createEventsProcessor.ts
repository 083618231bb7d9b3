import { APPSYNC_EVENTS_PROTOCOL, type Trade } from '@market-stream/core';
import {
  type BatchResponse,
  type DecodedTrades,
  decodeKinesisEvent,
  type KinesisEventLike,
} from '@market-stream/sinks/lambda';
import { EVENTS_PUBLISHER_DEFAULTS } from '../../defaults.js';
import { Semaphore } from '../../internal/Semaphore.js';
import { decodeByRecord, failuresFrom } from './batchRecords.js';
import type { EventsPublisher } from './eventsPublisherTypes.js';
import { publishSymbol } from './publishSymbol.js';

/**
 * Options of {@link createEventsProcessor}.
 *
 * @example
 * ```ts
 * import { createEventsPublisher, type EventsProcessorOptions } from '@market-stream/fanout/lambda';
 *
 * const options: EventsProcessorOptions = {
 *   publisher: createEventsPublisher({ endpoint: process.env.EVENT_API_ENDPOINT! }),
 * };
 * ```
 */
export interface EventsProcessorOptions {
  /** Publishes each symbol's events (see {@link createEventsPublisher}). */
  publisher: Pick<EventsPublisher, 'publish'>;
  /**
   * Symbol channels published at once; the events of one channel always go one request after
   * the other.
   * @default 16
   */
  concurrency?: number;
  /**
   * Largest event, in UTF-8 bytes: a symbol's trades are split into as few events as fit.
   * @default 245760 (AppSync Events' 240 KB per event)
   */
  maxEventBytes?: number;
  /**
   * Turns the Kinesis event into trades and per-record failures; called once per record, so
   * each trade is known by the record it came from.
   * @default decodeKinesisEvent of `@market-stream/sinks/lambda`
   */
  decode?: (event: KinesisEventLike) => DecodedTrades;
  /**
   * Whether records that cannot be decoded go into `batchItemFailures` (a retry never fixes
   * them, and blocks the shard until `MaximumRetryAttempts`), as in `createStreamProcessor`.
   * @default false
   */
  reportDecodeFailures?: boolean;
  /**
   * Receives each record that could not be decoded.
   * @default logs one warning per batch with the count and the first reason
   */
  onDecodeFailure?: (failures: DecodedTrades['failures']) => void;
  /**
   * Writes the batch to history before it is published (e.g. `dynamoHistoryWriter` of
   * `@market-stream/sinks`, where clients get snapshots and recovery in this topology); when it
   * throws, every record of the batch is reported failed so Lambda retries it.
   */
  history?: (trades: readonly Trade[]) => Promise<void>;
  /**
   * Receives each batch's counts (for logs and metrics).
   * @default () => {}
   */
  onReport?: (report: EventsBatchReport) => void;
  /**
   * Receives each channel's publish failure (an `EventsPublishError` after the publisher's
   * retries, or what a custom publisher threw); its records are reported in the response.
   * @default () => {}
   */
  onPublishError?: (error: unknown, channel: string) => void;
}

/**
 * The counts of one Kinesis batch through {@link createEventsProcessor}.
 *
 * @example
 * ```ts
 * import type { EventsBatchReport } from '@market-stream/fanout/lambda';
 *
 * const onReport = (report: EventsBatchReport) =>
 *   report.failedChannels.length > 0 && console.warn(JSON.stringify(report));
 * ```
 */
export interface EventsBatchReport {
  /** Kinesis records in the batch. */
  records: number;
  /** Trades decoded. */
  trades: number;
  /** Symbol channels published to. */
  channels: number;
  /** Events published (accepted by AppSync). */
  published: number;
  /** Events not published after the retries (their records are reported for a retry). */
  failed: number;
  /** Channels with events not published. */
  failedChannels: string[];
  /** Records returned in `batchItemFailures`. */
  failedRecords: number;
  /** Records that could not be decoded. */
  undecodable: number;
}

/**
 * The Kinesis stream processor of the `events` topology: AppSync Events does the fan-out. Per
 * batch it decodes the records, writes history (optional), then per symbol publishes the trades
 * in `seq` order as `encodeTradeEvents` events (`{"type":"trades","trades":[…]}`, split under
 * the 240 KB event limit, never truncated) to `tradesChannel(symbol)`, e.g. `/trades/AAPL`,
 * and returns a partial batch response.
 *
 * Guarantees: a symbol's events are published in order, one request after the other (channels
 * in parallel, at most `concurrency` at once); a channel whose events are not all published
 * after the publisher's retries is reported, not lost: the record holding its first unpublished
 * trade, and every record after it in its shard, go into `batchItemFailures`, as Kinesis partial
 * batch responses require (Lambda checkpoints before the lowest one and retries from there).
 * Delivery is at-least-once: a retried batch publishes again what already went out, and clients
 * drop repeats by `seq`. History failing fails every record; records that cannot be decoded are
 * skipped and logged (or reported, with `reportDecodeFailures`).
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 *
 * @param options - Publisher, history, limits; see {@link EventsProcessorOptions}.
 * @returns A Lambda handler for a Kinesis event source with `ReportBatchItemFailures`.
 *
 * @example
 * ```ts
 * import { createEventsProcessor, createEventsPublisher } from '@market-stream/fanout/lambda';
 *
 * export const handler = createEventsProcessor({
 *   publisher: createEventsPublisher({ endpoint: process.env.EVENT_API_ENDPOINT! }),
 * });
 * ```
 */
export function createEventsProcessor(
  options: EventsProcessorOptions,
): (event: KinesisEventLike, context?: unknown) => Promise<BatchResponse> {
  const decode = options.decode ?? decodeKinesisEvent;
  const maxEventBytes = options.maxEventBytes ?? APPSYNC_EVENTS_PROTOCOL.maxEventBytes;
  const channels = new Semaphore(options.concurrency ?? EVENTS_PUBLISHER_DEFAULTS.concurrency);
  const onDecodeFailure =
    options.onDecodeFailure ??
    ((failures: DecodedTrades['failures']) =>
      console.warn(
        `[events processor] ${failures.length} undecodable record(s) skipped; first: ${failures[0]?.reason}`,
      ));

  return async (event) => {
    const records = event.Records ?? [];
    const { trades, bySymbol, failures } = decodeByRecord(records, decode);
    const undecodable = [...new Set(failures.map(({ itemIdentifier }) => itemIdentifier))];
    const reported = options.reportDecodeFailures
      ? undecodable.map((itemIdentifier) => ({ itemIdentifier }))
      : [];
    if (failures.length > 0) onDecodeFailure(failures);
    const report: EventsBatchReport = {
      records: records.length,
      trades: trades.length,
      channels: bySymbol.size,
      published: 0,
      failed: 0,
      failedChannels: [],
      failedRecords: reported.length,
      undecodable: undecodable.length,
    };
    if (trades.length === 0) {
      options.onReport?.(report);
      return { batchItemFailures: reported };
    }

    if (options.history) {
      try {
        await options.history(trades);
      } catch {
        const all = records.map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber }));
        options.onReport?.({ ...report, failedRecords: all.length });
        return { batchItemFailures: all };
      }
    }

    const outcomes = await Promise.all(
      [...bySymbol].map(([symbol, entries]) =>
        channels.run(() =>
          publishSymbol(options.publisher, symbol, entries, maxEventBytes, options.onPublishError),
        ),
      ),
    );
    const failing: number[] = [];
    for (const outcome of outcomes) {
      report.published += outcome.published;
      if (outcome.firstUnpublishedOrigin === undefined) continue;
      report.failed += outcome.failed;
      report.failedChannels.push(outcome.channel);
      failing.push(outcome.firstUnpublishedOrigin);
    }
    const batchItemFailures = failuresFrom(records, failing, reported);
    report.failedRecords = batchItemFailures.length;
    options.onReport?.(report);
    return { batchItemFailures };
  };
}
