import { encodeEvent, encodeException } from './eventStream.js';
import { callKinesalite, KinesisApiError } from './kinesaliteCall.js';
import { Timers } from './Timers.js';

/** Where a subscription writes its event stream: an HTTP/2 (or HTTP/1.1) response. */
export interface EventSink {
  write(chunk: Uint8Array): boolean;
  end(): void;
  once(event: 'drain' | 'close', listener: () => void): unknown;
}

interface KinesaliteRecord {
  SequenceNumber: string;
  ApproximateArrivalTimestamp: number;
  Data: string;
  PartitionKey: string;
}

interface KinesaliteShard {
  ShardId: string;
  ParentShardId?: string;
  AdjacentParentShardId?: string;
  HashKeyRange: { StartingHashKey: string; EndingHashKey: string };
}

/**
 * One open `SubscribeToShard`: reads its shard from kinesalite as soon as a write reaches the
 * endpoint (or every `pollMs` otherwise) and pushes each batch as a `SubscribeToShardEvent`,
 * carrying the continuation sequence number; at the shard's end, a last event names its child
 * shards. It ends after `durationMs` (Kinesis: 5 minutes), when the client goes, or on demand,
 * with or without an exception event. Internal.
 */
export class ShardSubscription {
  readonly startedAt = Date.now();
  private iterator: string;
  /** The sequence number the next subscription continues after, once there is one. */
  private continuation: string | undefined;
  private ended = false;
  private lastEventAt = Date.now();
  private wakeUp: (() => void) | undefined;
  private wokenWhileReading = false;
  private readonly timers = new Timers();

  constructor(
    private readonly out: EventSink,
    readonly key: { consumerArn: string; shardId: string; streamName: string },
    private readonly options: {
      kinesalite: string;
      iterator: string;
      /** Set when the subscription starts after a known sequence number. */
      after: string | undefined;
      durationMs: number;
      pollMs: number;
      emptyEventMs: number;
      onEnded: (subscription: ShardSubscription) => void;
    },
  ) {
    this.iterator = options.iterator;
    this.continuation = options.after;
  }

  /** Sends the initial response and starts pushing. */
  start(): void {
    this.out.once('close', () => this.end());
    this.out.write(encodeEvent('initial-response', {}));
    this.timers.later(this.options.durationMs, () => this.end());
    void this.pump();
  }

  /** A write reached the stream: read now instead of at the next poll. */
  wake(): void {
    // Woken while reading: that read may have missed the write, so read again at once.
    if (this.wakeUp === undefined) this.wokenWhileReading = true;
    this.wakeUp?.();
  }

  /** Ends the event stream, with an exception event when `error` is given. Idempotent. */
  end(error?: KinesisApiError): void {
    if (this.ended) return;
    this.ended = true;
    this.timers.clear();
    this.wakeUp?.();
    try {
      if (error !== undefined) this.out.write(encodeException(error.type, error.message));
      this.out.end();
    } catch {
      // The client is already gone.
    }
    this.options.onEnded(this);
  }

  private async pump(): Promise<void> {
    while (!this.ended) {
      let answer: {
        Records?: KinesaliteRecord[];
        NextShardIterator?: string;
        MillisBehindLatest?: number;
      };
      // A write that lands from here on may not be in this read's answer.
      this.wokenWhileReading = false;
      try {
        answer = await callKinesalite(this.options.kinesalite, 'GetRecords', {
          ShardIterator: this.iterator,
          Limit: 10_000,
        });
      } catch (error) {
        this.end(
          error instanceof KinesisApiError
            ? error
            : new KinesisApiError('InternalFailureException', (error as Error).message),
        );
        return;
      }
      if (this.ended) return;
      const records = answer.Records ?? [];
      if (records.length > 0) {
        this.continuation = records[records.length - 1]!.SequenceNumber;
        await this.push({
          Records: records,
          ContinuationSequenceNumber: this.continuation,
          MillisBehindLatest: answer.MillisBehindLatest ?? 0,
        });
      }
      if (answer.NextShardIterator === undefined || answer.NextShardIterator === null) {
        await this.finishShard();
        return;
      }
      this.iterator = answer.NextShardIterator;
      if (records.length > 0) continue;
      if (
        this.continuation !== undefined &&
        Date.now() - this.lastEventAt >= this.options.emptyEventMs
      ) {
        await this.push({
          Records: [],
          ContinuationSequenceNumber: this.continuation,
          MillisBehindLatest: 0,
        });
      }
      await this.idle(this.options.pollMs);
    }
  }

  /** The shard is closed and read to its end: a last event names its children. */
  private async finishShard(): Promise<void> {
    let children: KinesaliteShard[] = [];
    try {
      const { Shards = [] } = await callKinesalite<{ Shards?: KinesaliteShard[] }>(
        this.options.kinesalite,
        'ListShards',
        { StreamName: this.key.streamName },
      );
      children = Shards.filter(
        (shard) =>
          shard.ParentShardId === this.key.shardId ||
          shard.AdjacentParentShardId === this.key.shardId,
      );
    } catch {
      // Listed or not, the shard has ended; readers find children with ListShards too.
    }
    if (this.ended) return;
    await this.push({
      Records: [],
      MillisBehindLatest: 0,
      ChildShards: children.map((child) => ({
        ShardId: child.ShardId,
        ParentShards: [child.ParentShardId, child.AdjacentParentShardId].filter(Boolean),
        HashKeyRange: child.HashKeyRange,
      })),
    });
    this.end();
  }

  private async push(event: Record<string, unknown>): Promise<void> {
    if (this.ended) return;
    this.lastEventAt = Date.now();
    if (this.out.write(encodeEvent('SubscribeToShardEvent', event))) return;
    await new Promise<void>((resolve) => {
      this.out.once('drain', resolve);
      this.out.once('close', resolve);
    });
  }

  /** Waits `ms`, or until woken by a write (or the end). */
  private idle(ms: number): Promise<void> {
    if (this.wokenWhileReading) {
      this.wokenWhileReading = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const cancel = this.timers.later(ms, () => done());
      const done = () => {
        cancel();
        this.wakeUp = undefined;
        resolve();
      };
      this.wakeUp = done;
    });
  }
}
