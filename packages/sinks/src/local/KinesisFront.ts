import { randomUUID } from 'node:crypto';
import { ConsumerRegistry, type LocalConsumer } from './ConsumerRegistry.js';
import {
  forwardRequest,
  type FrontRequest as Request,
  type FrontResponse as Response,
  replyError,
  replyJson,
} from './httpReplies.js';
import { callKinesalite, KinesisApiError } from './kinesaliteCall.js';
import { ShardSubscription } from './ShardSubscription.js';

/** How the local endpoint behaves; see `LocalKinesisOptions`. */
export interface FrontSettings {
  subscriptionMs: number;
  subscribeIntervalMs: number;
  takeoverAfterMs: number;
  consumerActivationMs: number;
  consumerDeletionMs: number;
  pollMs: number;
  emptyEventMs: number;
}

/** The operations the front answers itself; everything else goes to kinesalite as it came. */
const OWN = new Set([
  'RegisterStreamConsumer',
  'DescribeStreamConsumer',
  'ListStreamConsumers',
  'DeregisterStreamConsumer',
  'SubscribeToShard',
]);

/**
 * The Kinesis API in front of kinesalite: the stream consumers and `SubscribeToShard` (push,
 * over the event-stream encoding) it lacks, and every other operation forwarded to it. A write
 * that passes through (PutRecord, PutRecords) wakes the subscriptions of its stream at once.
 * Internal to `startLocalKinesis`.
 */
export class KinesisFront {
  readonly consumers: ConsumerRegistry;
  readonly subscriptions = new Set<ShardSubscription>();
  /** When each consumer last subscribed to each shard (for the one-call-per-second limit). */
  private readonly lastSubscribeAt = new Map<string, number>();

  constructor(
    private readonly kinesalite: string,
    private readonly settings: FrontSettings,
  ) {
    this.consumers = new ConsumerRegistry({
      activationMs: settings.consumerActivationMs,
      deletionMs: settings.consumerDeletionMs,
      onDeleted: (arn) =>
        this.endSubscriptions(
          (s) => s.key.consumerArn === arn,
          new KinesisApiError('ResourceNotFoundException', `Consumer ${arn} was deleted`),
        ),
    });
  }

  /** Answers one request (HTTP/1.1 or HTTP/2). */
  handle(req: Request, res: Response): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.slice(target.indexOf('.') + 1);
      if (!OWN.has(operation)) {
        forwardRequest(this.kinesalite, req, res, body, (status) => {
          if (status < 300) this.afterForward(operation, body);
        });
        return;
      }
      let input: Record<string, unknown>;
      try {
        input =
          body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
      } catch {
        replyError(res, new KinesisApiError('SerializationException', 'The body is not JSON'));
        return;
      }
      this.own(operation, input, res).catch((error: unknown) =>
        replyError(
          res,
          error instanceof KinesisApiError
            ? error
            : new KinesisApiError('InternalFailure', (error as Error).message, 500),
        ),
      );
    });
  }

  /** Ends the subscriptions `which` selects, with an exception event when `error` is given. */
  endSubscriptions(
    which: (subscription: ShardSubscription) => boolean,
    error?: KinesisApiError,
  ): number {
    let ended = 0;
    for (const subscription of [...this.subscriptions]) {
      if (!which(subscription)) continue;
      subscription.end(error);
      ended++;
    }
    return ended;
  }

  close(): void {
    this.endSubscriptions(() => true);
    this.consumers.close();
  }

  private async own(
    operation: string,
    input: Record<string, unknown>,
    res: Response,
  ): Promise<void> {
    const consumerInput = input as {
      ConsumerARN?: string;
      StreamARN?: string;
      ConsumerName?: string;
    };
    switch (operation) {
      case 'RegisterStreamConsumer': {
        await this.streamNameOf(String(input.StreamARN ?? ''));
        const { StreamARN: _, ...consumer } = this.consumers.register(
          String(input.StreamARN),
          requireName(input.ConsumerName),
        );
        replyJson(res, { Consumer: consumer });
        return;
      }
      case 'DescribeStreamConsumer':
        replyJson(res, { ConsumerDescription: this.consumers.describe(consumerInput) });
        return;
      case 'ListStreamConsumers': {
        await this.streamNameOf(String(input.StreamARN ?? ''));
        const consumers = this.consumers.list(String(input.StreamARN));
        replyJson(res, { Consumers: consumers.map(({ StreamARN: _, ...rest }) => rest) });
        return;
      }
      case 'DeregisterStreamConsumer':
        this.consumers.deregister(consumerInput);
        replyJson(res, {});
        return;
      default:
        await this.subscribe(input, res);
    }
  }

  private async subscribe(input: Record<string, unknown>, res: Response): Promise<void> {
    const consumer: LocalConsumer = this.consumers.describe({
      ConsumerARN: String(input.ConsumerARN ?? ''),
    });
    if (consumer.ConsumerStatus !== 'ACTIVE') {
      throw new KinesisApiError(
        'ResourceInUseException',
        `Consumer ${consumer.ConsumerName} is ${consumer.ConsumerStatus}`,
      );
    }
    const shardId = String(input.ShardId ?? '');
    const key = `${consumer.ConsumerARN}|${shardId}`;
    const now = Date.now();
    if (
      now - (this.lastSubscribeAt.get(key) ?? Number.NEGATIVE_INFINITY) <
      this.settings.subscribeIntervalMs
    ) {
      throw new KinesisApiError(
        'LimitExceededException',
        `Rate exceeded for consumer ${consumer.ConsumerName} and shard ${shardId}`,
      );
    }
    this.lastSubscribeAt.set(key, now);
    const open = [...this.subscriptions].find(
      (s) => s.key.consumerArn === consumer.ConsumerARN && s.key.shardId === shardId,
    );
    if (open !== undefined && now - open.startedAt < this.settings.takeoverAfterMs) {
      throw new KinesisApiError(
        'ResourceInUseException',
        `Another active subscription exists for consumer ${consumer.ConsumerName} and shard ${shardId}`,
      );
    }
    open?.end(new KinesisApiError('ResourceInUseException', 'Another subscription took over'));

    const streamName = await this.streamNameOf(consumer.StreamARN);
    const position = (input.StartingPosition ?? {}) as {
      Type?: string;
      SequenceNumber?: string;
      Timestamp?: number;
    };
    const { ShardIterator } = await callKinesalite<{ ShardIterator: string }>(
      this.kinesalite,
      'GetShardIterator',
      {
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: position.Type,
        StartingSequenceNumber: position.SequenceNumber,
        Timestamp: position.Timestamp,
      },
    );
    res.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': randomUUID(),
    });
    const subscription = new ShardSubscription(
      res,
      { consumerArn: consumer.ConsumerARN, shardId, streamName },
      {
        kinesalite: this.kinesalite,
        iterator: ShardIterator,
        after: position.Type === 'AFTER_SEQUENCE_NUMBER' ? position.SequenceNumber : undefined,
        durationMs: this.settings.subscriptionMs,
        pollMs: this.settings.pollMs,
        emptyEventMs: this.settings.emptyEventMs,
        onEnded: (ended) => this.subscriptions.delete(ended),
      },
    );
    this.subscriptions.add(subscription);
    subscription.start();
  }

  /** The stream an ARN names, checked to exist. */
  private async streamNameOf(streamArn: string): Promise<string> {
    const name = parseStreamArn(streamArn);
    if (name === undefined) {
      throw new KinesisApiError('InvalidArgumentException', `${streamArn} is not a stream ARN`);
    }
    await callKinesalite(this.kinesalite, 'DescribeStreamSummary', { StreamName: name });
    return name;
  }

  /** A write wakes its stream's subscriptions; a deleted stream takes its consumers along. */
  private afterForward(operation: string, body: Buffer): void {
    if (operation !== 'PutRecord' && operation !== 'PutRecords' && operation !== 'DeleteStream')
      return;
    let input: { StreamName?: string; StreamARN?: string };
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return;
    }
    const name =
      input.StreamName ??
      (input.StreamARN === undefined ? undefined : parseStreamArn(input.StreamARN));
    if (operation === 'DeleteStream') {
      if (name !== undefined) this.consumers.forgetStream(name);
      return;
    }
    for (const subscription of this.subscriptions) {
      if (subscription.key.streamName === name) subscription.wake();
    }
  }
}

function requireName(name: unknown): string {
  if (typeof name !== 'string' || !/^[a-zA-Z0-9_.-]{1,128}$/.test(name)) {
    throw new KinesisApiError(
      'ValidationException',
      'ConsumerName must be 1 to 128 of [a-zA-Z0-9_.-]',
    );
  }
  return name;
}

/** The stream an ARN names (`arn:…:stream/NAME`), or `undefined` when it names none. */
function parseStreamArn(streamArn: string): string | undefined {
  const marker = ':stream/';
  const at = streamArn.indexOf(marker);
  const name = at < 0 ? '' : streamArn.slice(at + marker.length);
  return name === '' ? undefined : name;
}
