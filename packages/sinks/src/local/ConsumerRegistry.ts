import { KinesisApiError } from './kinesaliteCall.js';
import { Timers } from './Timers.js';

/** A registered stream consumer, as DescribeStreamConsumer describes it. */
export interface LocalConsumer {
  ConsumerName: string;
  ConsumerARN: string;
  ConsumerStatus: 'CREATING' | 'ACTIVE' | 'DELETING';
  /** Epoch seconds, as the JSON protocol carries timestamps. */
  ConsumerCreationTimestamp: number;
  StreamARN: string;
}

/** Kinesis allows this many registered consumers per stream. */
const MAX_CONSUMERS_PER_STREAM = 20;

/**
 * The stream consumers of the local endpoint (kinesalite has none): RegisterStreamConsumer,
 * DescribeStreamConsumer, ListStreamConsumers and DeregisterStreamConsumer, with the CREATING and
 * DELETING states lasting `activationMs` and `deletionMs`. Internal.
 */
export class ConsumerRegistry {
  private readonly consumers = new Map<string, LocalConsumer>();
  private readonly timers = new Timers();

  constructor(
    private readonly options: {
      activationMs: number;
      deletionMs: number;
      /** Called when a consumer is gone, so its subscriptions can end. */
      onDeleted: (consumerArn: string) => void;
    },
  ) {}

  register(streamArn: string, name: string): LocalConsumer {
    if (this.find(streamArn, name) !== undefined) {
      throw new KinesisApiError('ResourceInUseException', `Consumer ${name} already exists`);
    }
    const count = [...this.consumers.values()].filter((c) => c.StreamARN === streamArn).length;
    if (count >= MAX_CONSUMERS_PER_STREAM) {
      throw new KinesisApiError(
        'LimitExceededException',
        `Stream ${streamArn} already has ${MAX_CONSUMERS_PER_STREAM} consumers`,
      );
    }
    const created = Math.floor(Date.now() / 1000);
    const consumer: LocalConsumer = {
      ConsumerName: name,
      ConsumerARN: `${streamArn}/consumer/${name}:${created}`,
      ConsumerStatus: 'CREATING',
      ConsumerCreationTimestamp: created,
      StreamARN: streamArn,
    };
    this.consumers.set(consumer.ConsumerARN, consumer);
    this.timers.later(this.options.activationMs, () => {
      if (consumer.ConsumerStatus === 'CREATING') consumer.ConsumerStatus = 'ACTIVE';
    });
    return { ...consumer };
  }

  describe(input: {
    ConsumerARN?: string;
    StreamARN?: string;
    ConsumerName?: string;
  }): LocalConsumer {
    const consumer =
      input.ConsumerARN !== undefined
        ? this.consumers.get(input.ConsumerARN)
        : this.find(input.StreamARN ?? '', input.ConsumerName ?? '');
    if (consumer === undefined) {
      throw new KinesisApiError(
        'ResourceNotFoundException',
        `Consumer ${input.ConsumerARN ?? input.ConsumerName} not found`,
      );
    }
    return { ...consumer };
  }

  list(streamArn: string): LocalConsumer[] {
    return [...this.consumers.values()]
      .filter((consumer) => consumer.StreamARN === streamArn)
      .map((consumer) => ({ ...consumer }));
  }

  deregister(input: { ConsumerARN?: string; StreamARN?: string; ConsumerName?: string }): void {
    const consumer = this.consumers.get(this.describe(input).ConsumerARN)!;
    if (consumer.ConsumerStatus === 'DELETING') return;
    consumer.ConsumerStatus = 'DELETING';
    this.timers.later(this.options.deletionMs, () => {
      this.consumers.delete(consumer.ConsumerARN);
      this.options.onDeleted(consumer.ConsumerARN);
    });
  }

  /** Forgets a consumer at once (a fault a test injects). */
  forget(consumerArn: string): void {
    if (this.consumers.delete(consumerArn)) this.options.onDeleted(consumerArn);
  }

  /** Forgets every consumer of a deleted stream. */
  forgetStream(streamName: string): void {
    const suffix = `:stream/${streamName}`;
    for (const consumer of [...this.consumers.values()]) {
      if (!consumer.StreamARN.endsWith(suffix)) continue;
      this.consumers.delete(consumer.ConsumerARN);
      this.options.onDeleted(consumer.ConsumerARN);
    }
  }

  close(): void {
    this.timers.clear();
  }

  private find(streamArn: string, name: string): LocalConsumer | undefined {
    for (const consumer of this.consumers.values()) {
      if (consumer.StreamARN === streamArn && consumer.ConsumerName === name) return consumer;
    }
    return undefined;
  }
}
