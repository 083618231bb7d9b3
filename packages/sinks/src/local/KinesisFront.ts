import { randomUUID } from 'node:crypto';
import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { ConsumerRegistry, type LocalConsumer } from './ConsumerRegistry.js';
import { callKinesalite, KinesisApiError } from './kinesaliteCall.js';
import { ShardSubscription } from './ShardSubscription.js';

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

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
        this.forward(req, res, body, operation);
        return;
      }
      let input: Record<string, unknown>;
      try {
        input =
          body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
      } catch {
        this.fail(res, new KinesisApiError('SerializationException', 'The body is not JSON'));
        return;
      }
      this.own(operation, input, res).catch((error: unknown) =>
        this.fail(
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
        this.reply(res, { Consumer: consumer });
        return;
      }
      case 'DescribeStreamConsumer':
        this.reply(res, { ConsumerDescription: this.consumers.describe(consumerInput) });
        return;
      case 'ListStreamConsumers': {
        await this.streamNameOf(String(input.StreamARN ?? ''));
        const consumers = this.consumers.list(String(input.StreamARN));
        this.reply(res, { Consumers: consumers.map(({ StreamARN: _, ...rest }) => rest) });
        return;
      }
      case 'DeregisterStreamConsumer':
        this.consumers.deregister(consumerInput);
        this.reply(res, {});
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
    const name = streamArn.slice(streamArn.indexOf(':stream/') + ':stream/'.length);
    if (!streamArn.includes(':stream/') || name === '') {
      throw new KinesisApiError('InvalidArgumentException', `${streamArn} is not a stream ARN`);
    }
    await callKinesalite(this.kinesalite, 'DescribeStreamSummary', { StreamName: name });
    return name;
  }

  /** Passes a request to kinesalite unchanged and its answer back. */
  private forward(req: Request, res: Response, body: Buffer, operation: string): void {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (name.startsWith(':') || value === undefined || name === 'connection' || name === 'host')
        continue;
      headers[name] = value;
    }
    headers['content-length'] = String(body.length);
    const upstream = request(
      `${this.kinesalite}/`,
      { method: req.method ?? 'POST', headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const text = Buffer.concat(chunks);
          const status = answer.statusCode ?? 500;
          res.writeHead(status, {
            'content-type': answer.headers['content-type'] ?? 'application/x-amz-json-1.1',
            'content-length': String(text.length),
            'x-amzn-requestid': String(answer.headers['x-amzn-requestid'] ?? randomUUID()),
          });
          res.end(text);
          if (status < 300) this.afterForward(operation, body);
        });
      },
    );
    upstream.on('error', (error) =>
      this.fail(res, new KinesisApiError('InternalFailure', error.message, 500)),
    );
    upstream.end(body);
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
      input.StreamName ?? input.StreamARN?.slice(input.StreamARN.indexOf(':stream/') + 8);
    if (operation === 'DeleteStream') {
      if (name !== undefined) this.consumers.forgetStream(name);
      return;
    }
    for (const subscription of this.subscriptions) {
      if (subscription.key.streamName === name) subscription.wake();
    }
  }

  private reply(res: Response, body: unknown): void {
    const text = Buffer.from(JSON.stringify(body), 'utf8');
    res.writeHead(200, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': String(text.length),
      'x-amzn-requestid': randomUUID(),
    });
    res.end(text);
  }

  private fail(res: Response, error: KinesisApiError): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    const text = Buffer.from(
      JSON.stringify({ __type: error.type, message: error.message }),
      'utf8',
    );
    res.writeHead(error.status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': String(text.length),
      'x-amzn-errortype': error.type,
      'x-amzn-requestid': randomUUID(),
    });
    res.end(text);
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
