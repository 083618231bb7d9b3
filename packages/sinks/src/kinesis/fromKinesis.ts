import type { Trade } from '@market-stream/core';
import { Observable } from 'rxjs';
import { FROM_KINESIS_DEFAULTS } from '../defaults.js';
import { KinesisReadError } from '../errors.js';
import { definedOnly } from '../internal/definedOnly.js';
import { KinesisStreamReader, type ResolvedFromKinesisOptions } from './KinesisStreamReader.js';
import type { FromKinesisOptions } from './readerTypes.js';

/**
 * Reads every shard of a Kinesis stream as a stream of trades — for container fan-out nodes
 * and local runs (on AWS Lambda, use `@market-stream/sinks/lambda` instead).
 *
 * Each subscription reads independently: ListShards (all pages), a GetShardIterator per shard
 * (see `from`), then a GetRecords loop per shard — at most one call per `pollIntervalMs` (Kinesis
 * allows 5 per second per shard), slowing down to `maxIdlePollIntervalMs` while a shard is idle,
 * and backing off with full jitter on ProvisionedThroughputExceeded, 5xx and dropped
 * connections (`maxRetries` in a row, then the Observable errors with a `KinesisReadError`). KPL
 * aggregated records are deaggregated; each payload is decoded as UTF-8 JSON and checked with
 * core's `validateTrade`; a bad record goes to `onInvalid` and reading carries on.
 *
 * Guarantees: within a shard, trades come in stream order, so one symbol's trades (one
 * partition key, one shard) keep their order. When a shard closes (split, merge,
 * UpdateShardCount), its children are found with ListShards and each is read only after all
 * of its parents are read to the end, so order holds across resharding too. `onPositions`
 * reports the last sequence number emitted per shard; passing it back as `from` resumes after
 * it without duplicates. Positions count whole Kinesis records: stopping part-way through a KPL
 * aggregate re-reads that aggregate on resume (at-least-once). Unsubscribing cancels the
 * requests in flight and every timer. The Observable completes only if every shard closes with
 * no children (a stream being deleted).
 *
 * @param options - The client, the stream and how to read it; see {@link FromKinesisOptions}.
 * @returns A cold Observable of trades.
 * @throws {@link KinesisReadError} (`INVALID_READER_OPTIONS`) synchronously for bad options.
 *
 * @example
 * ```ts
 * import { KinesisClient } from '@aws-sdk/client-kinesis';
 * import { fromKinesis, type KinesisPositions } from '@market-stream/sinks';
 *
 * let positions: KinesisPositions | undefined;
 * const subscription = fromKinesis({
 *   client: new KinesisClient({}),
 *   streamName: 'trades',
 *   from: 'trim-horizon',
 *   onInvalid: (record) => console.warn('skipped', record.sequenceNumber, record.error.message),
 *   onPositions: (latest) => { positions = latest; },
 * }).subscribe((trade) => console.log(trade.symbol, trade.price));
 * // later: subscription.unsubscribe(); then resume with fromKinesis({ ..., from: positions })
 * ```
 */
export function fromKinesis(options: FromKinesisOptions): Observable<Trade> {
  const resolved = resolveOptions(options);
  return new Observable<Trade>((subscriber) => {
    const reader = new KinesisStreamReader(resolved, subscriber);
    void reader.start();
    return () => reader.stop();
  });
}

function resolveOptions(options: FromKinesisOptions): ResolvedFromKinesisOptions {
  const resolved: ResolvedFromKinesisOptions = {
    ...FROM_KINESIS_DEFAULTS,
    from: 'latest',
    ...definedOnly(options),
  } as ResolvedFromKinesisOptions;
  const invalid = (message: string) => new KinesisReadError('INVALID_READER_OPTIONS', message);
  if (!resolved.client || typeof resolved.client.send !== 'function') {
    throw invalid('client must be a KinesisClient');
  }
  if (typeof resolved.streamName !== 'string' || resolved.streamName.length === 0) {
    throw invalid('streamName must be a non-empty string');
  }
  const { from } = resolved;
  if (typeof from === 'string' && from !== 'latest' && from !== 'trim-horizon') {
    throw invalid(
      `from must be 'latest', 'trim-horizon', { timestamp } or positions, not '${from}'`,
    );
  }
  if (typeof from === 'object' && from !== null && 'timestamp' in from) {
    const time = new Date(from.timestamp as Date | number).getTime();
    if (!Number.isFinite(time)) throw invalid('from.timestamp must be a valid date');
  } else if (typeof from === 'object' && from !== null) {
    for (const [shardId, sequenceNumber] of Object.entries(from)) {
      if (typeof sequenceNumber !== 'string' || !/^\d+$/.test(sequenceNumber)) {
        throw invalid(`from[${shardId}] must be a sequence number (a string of digits)`);
      }
    }
  } else if (typeof from !== 'string') throw invalid('from is invalid');
  if (!(resolved.pollIntervalMs > 0 && Number.isFinite(resolved.pollIntervalMs))) {
    throw invalid('pollIntervalMs must be a finite number > 0');
  }
  for (const key of ['maxIdlePollIntervalMs', 'backoffBaseMs', 'backoffMaxMs'] as const) {
    if (!(resolved[key] >= 0 && Number.isFinite(resolved[key]))) {
      throw invalid(`${key} must be a finite number ≥ 0`);
    }
  }
  if (
    !Number.isInteger(resolved.recordsPerCall) ||
    resolved.recordsPerCall < 1 ||
    resolved.recordsPerCall > 10_000
  ) {
    throw invalid('recordsPerCall must be an integer from 1 to 10000');
  }
  if (!Number.isInteger(resolved.maxRetries) || resolved.maxRetries < 0) {
    throw invalid('maxRetries must be an integer ≥ 0');
  }
  return resolved;
}
