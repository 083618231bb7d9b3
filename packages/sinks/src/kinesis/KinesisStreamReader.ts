import type { KinesisClient, Shard, ShardIteratorType } from '@aws-sdk/client-kinesis';
import type { Trade } from '@market-stream/core';
import type { Subscriber } from 'rxjs';
import { FROM_KINESIS_DEFAULTS } from '../defaults.js';
import { KinesisReadError } from '../errors.js';
import { fullJitterDelay } from '../internal/backoff.js';
import { isTransientError } from '../internal/transientError.js';
import { listAllShards } from './listAllShards.js';
import type {
  FromKinesisOptions,
  InvalidKinesisRecord,
  KinesisPositions,
  KinesisStartPosition,
} from './readerTypes.js';
import { type IteratorStart, readShard } from './shardReader.js';
import { acquireConsumer, releaseConsumer, type StreamConsumer } from './streamConsumer.js';
import { type PushReaderContext, subscribeShard } from './subscribeShard.js';

/**
 * `fromKinesis` options with every default applied.
 * @internal
 */
export type ResolvedFromKinesisOptions = Required<
  Omit<FromKinesisOptions, 'onInvalid' | 'onPositions' | 'consumer'>
> &
  Pick<FromKinesisOptions, 'onInvalid' | 'onPositions' | 'consumer'>;

/** Thrown inside the reader once it stops, so every loop unwinds quietly. */
class ReaderStopped extends Error {}

/**
 * Reads every shard of a stream for one subscriber of `fromKinesis`: discovers shards with
 * ListShards, reads each with {@link readShard}, starts a child shard only once its parent (and
 * adjacent parent, for a merge) is fully read so per-key order survives resharding, retries
 * throttling and transient failures with full-jitter backoff, and stops every timer and request
 * in flight on {@link stop}.
 * @internal
 */
export class KinesisStreamReader implements PushReaderContext {
  readonly streamName: string;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly recordsPerCall: number;
  readonly pollIntervalMs: number;
  readonly maxIdlePollIntervalMs: number;
  readonly maxRetries: number;
  stopped = false;

  private readonly client: KinesisClient;
  private readonly abort = new AbortController();
  private readonly sleeps = new Set<{ timer: ReturnType<typeof setTimeout>; wake: () => void }>();
  private readonly shards = new Map<string, Shard>();
  private readonly started = new Set<string>();
  private readonly finished = new Set<string>();
  private readonly positions: Record<string, string> = {};
  private readonly resumeFrom: KinesisPositions | undefined;
  private positionsChanged = false;
  private reading = 0;
  /** The enhanced fan-out consumer, once acquired (push mode only). */
  private consumer: Promise<StreamConsumer | undefined> | undefined;

  constructor(
    private readonly options: ResolvedFromKinesisOptions,
    private readonly subscriber: Subscriber<Trade>,
  ) {
    this.client = options.client;
    this.streamName = options.streamName;
    this.recordsPerCall = options.recordsPerCall;
    this.pollIntervalMs = options.pollIntervalMs;
    this.maxIdlePollIntervalMs = options.maxIdlePollIntervalMs;
    this.maxRetries = options.maxRetries;
    this.backoffBaseMs = options.backoffBaseMs;
    this.backoffMaxMs = options.backoffMaxMs;
    this.resumeFrom = isPositions(options.from) ? options.from : undefined;
    Object.assign(this.positions, this.resumeFrom);
  }

  /** Discovers the shards and starts reading; errors go to the subscriber. */
  async start(): Promise<void> {
    try {
      if (this.options.consumer !== undefined && (await this.consumerArn(false)) === undefined) {
        return;
      }
      await this.refreshShards();
      if (this.options.from === 'latest') {
        // A shard closed before we start holds nothing newer than now.
        for (const [shardId, shard] of this.shards) {
          if (shard.SequenceNumberRange?.EndingSequenceNumber) this.finished.add(shardId);
        }
      }
      this.startReadyShards();
      this.completeIfNothingLeft();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Stops every loop, timer and request in flight. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    for (const sleep of this.sleeps) {
      clearTimeout(sleep.timer);
      sleep.wake();
    }
    this.sleeps.clear();
    this.reportPositions();
    if (this.options.consumer?.deregister) void this.releaseConsumer();
  }

  consumerArn(renew: boolean): Promise<string | undefined> {
    const name = this.options.consumer?.name ?? '';
    if (renew || this.consumer === undefined) {
      this.consumer = acquireConsumer(this, name, {
        pollMs: this.options.backoffBaseMs,
        timeoutMs:
          this.options.consumer?.activationTimeoutMs ??
          FROM_KINESIS_DEFAULTS.consumerActivationTimeoutMs,
      });
    }
    return this.consumer.then((consumer) => consumer?.consumerArn);
  }

  sendOnce<T>(command: { input: unknown }): Promise<T> {
    if (this.stopped) return Promise.reject(new ReaderStopped());
    return this.client.send(command as never, { abortSignal: this.abort.signal }) as Promise<T>;
  }

  async send<T>(command: { input: unknown }, shardId?: string): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) throw new ReaderStopped();
      try {
        return (await this.client.send(command as never, {
          abortSignal: this.abort.signal,
        })) as T;
      } catch (error) {
        if (this.stopped) throw new ReaderStopped();
        if ((error as { name?: unknown }).name === 'ExpiredIteratorException') throw error;
        if (!isTransientError(error) || attempt > this.options.maxRetries) {
          throw new KinesisReadError(
            'KINESIS_READ_FAILED',
            `${command.constructor.name} on stream ${this.streamName}${shardId ? ` shard ${shardId}` : ''} failed${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${(error as Error).message}`,
            { shardId, cause: error },
          );
        }
        const delay = fullJitterDelay(
          attempt,
          this.options.backoffBaseMs,
          this.options.backoffMaxMs,
          Math.random,
        );
        if (!(await this.sleep(delay))) throw new ReaderStopped();
      }
    }
  }

  sleep(ms: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const sleep = {
        timer: setTimeout(() => {
          this.sleeps.delete(sleep);
          resolve(true);
        }, ms),
        wake: () => resolve(false),
      };
      this.sleeps.add(sleep);
    });
  }

  emit(trade: Trade): void {
    this.subscriber.next(trade);
  }

  invalid(record: InvalidKinesisRecord): void {
    this.options.onInvalid?.(record);
  }

  checkpoint(shardId: string, sequenceNumber: string): void {
    this.positions[shardId] = sequenceNumber;
    this.positionsChanged = true;
    // The subscriber stopped on this record's last trade: report the position it reached.
    if (this.stopped) this.reportPositions();
  }

  batchDone(): void {
    this.reportPositions();
  }

  private reportPositions(): void {
    if (!this.positionsChanged) return;
    this.positionsChanged = false;
    this.options.onPositions?.({ ...this.positions });
  }

  private async refreshShards(): Promise<void> {
    const shards = await listAllShards((command) => this.send(command), this.streamName);
    for (const shard of shards) if (shard.ShardId) this.shards.set(shard.ShardId, shard);
  }

  private startReadyShards(): void {
    for (const [shardId, shard] of this.shards) {
      if (this.started.has(shardId) || this.finished.has(shardId)) continue;
      const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
        (parent): parent is string => parent !== undefined,
      );
      // A parent past retention is no longer listed: nothing of it is left to read first.
      if (parents.some((parent) => this.shards.has(parent) && !this.finished.has(parent))) continue;
      this.started.add(shardId);
      this.reading++;
      const readParent = parents.some((parent) => this.started.has(parent));
      void this.readOne(shardId, this.iteratorStart(shardId, readParent));
    }
  }

  private iteratorStart(shardId: string, readParent: boolean): IteratorStart {
    const { from } = this.options;
    const resumeAt = this.resumeFrom?.[shardId];
    if (resumeAt) {
      return { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: resumeAt };
    }
    if (typeof from === 'object' && 'timestamp' in from && typeof from.timestamp !== 'string') {
      return { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(from.timestamp) };
    }
    // A child of a shard we read to its end starts at its beginning, right after its parent.
    const type: ShardIteratorType = from === 'latest' && !readParent ? 'LATEST' : 'TRIM_HORIZON';
    return { ShardIteratorType: type };
  }

  private async readOne(shardId: string, start: IteratorStart): Promise<void> {
    try {
      const closed = this.options.consumer
        ? await subscribeShard(this, shardId, start)
        : await readShard(this, shardId, start);
      if (!closed || this.stopped) return;
      this.finished.add(shardId);
      await this.discoverChildren(shardId);
      this.reading--;
      this.startReadyShards();
      this.completeIfNothingLeft();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Completes when no shard is being read and none can start: every shard closed for good. */
  private completeIfNothingLeft(): void {
    if (this.reading > 0 || this.stopped) return;
    this.stop();
    this.subscriber.complete();
  }

  /** After a shard closes, lists shards until its children show up (or retries run out). */
  private async discoverChildren(parentId: string): Promise<void> {
    for (let attempt = 1; attempt <= this.options.maxRetries; attempt++) {
      await this.refreshShards();
      for (const shard of this.shards.values()) {
        if (shard.ParentShardId === parentId || shard.AdjacentParentShardId === parentId) return;
      }
      const delay = fullJitterDelay(
        attempt,
        this.options.backoffBaseMs,
        this.options.backoffMaxMs,
        Math.random,
      );
      if (!(await this.sleep(delay))) return;
    }
  }

  /** Deregisters the consumer if this reader registered it (a stopped reader cannot abort it). */
  private async releaseConsumer(): Promise<void> {
    const consumer = await this.consumer?.catch(() => undefined);
    if (consumer?.registered)
      await releaseConsumer((command) => this.client.send(command), consumer);
  }

  private fail(error: unknown): void {
    if (this.stopped || error instanceof ReaderStopped) return;
    this.stop();
    this.subscriber.error(
      error instanceof KinesisReadError
        ? error
        : new KinesisReadError('KINESIS_READ_FAILED', `reading ${this.streamName} failed`, {
            cause: error,
          }),
    );
  }
}

function isPositions(from: KinesisStartPosition): from is KinesisPositions {
  return typeof from === 'object' && !('timestamp' in from && typeof from.timestamp !== 'string');
}
