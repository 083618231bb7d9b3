import {
  type Consumer,
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  type DescribeStreamConsumerCommandOutput,
  DescribeStreamSummaryCommand,
  type DescribeStreamSummaryCommandOutput,
  RegisterStreamConsumerCommand,
  type RegisterStreamConsumerCommandOutput,
} from '@aws-sdk/client-kinesis';
import { KinesisReadError } from '../errors.js';

/**
 * What registering a consumer needs from the reader.
 * @internal
 */
export interface ConsumerContext {
  readonly streamName: string;
  /** Sends with retries of transient failures; rejects when stopped or out of retries. */
  send<T>(command: { input: unknown }): Promise<T>;
  /** Waits `ms`; resolves early (with `false`) when the reader stops. */
  sleep(ms: number): Promise<boolean>;
}

/** The consumer a reader subscribes with, and whether this reader registered it. */
export interface StreamConsumer {
  consumerArn: string;
  streamArn: string;
  registered: boolean;
}

/** The AWS error's name, through the `KinesisReadError` the reader wraps it in. */
const errorName = (error: unknown) => {
  const cause = error instanceof KinesisReadError ? error.cause : error;
  return (cause as { name?: unknown } | undefined)?.name;
};

/**
 * Registers the stream consumer `name`, or reuses the one that exists, and waits until it is
 * `ACTIVE` (one that is `DELETING` is waited out and registered again), checking every
 * `pollMs` for at most `timeoutMs`.
 *
 * @returns The consumer's ARN, or `undefined` when the reader stopped meanwhile.
 * @throws KinesisReadError when the consumer is not `ACTIVE` within `timeoutMs`.
 * @internal
 */
export async function acquireConsumer(
  context: ConsumerContext,
  name: string,
  { pollMs, timeoutMs }: { pollMs: number; timeoutMs: number },
): Promise<StreamConsumer | undefined> {
  const summary = await context.send<DescribeStreamSummaryCommandOutput>(
    new DescribeStreamSummaryCommand({ StreamName: context.streamName }),
  );
  const streamArn = summary.StreamDescriptionSummary?.StreamARN ?? '';
  const deadline = Date.now() + timeoutMs;
  let registered = false;
  let status: string | undefined;
  while (Date.now() <= deadline) {
    let consumer: Consumer | undefined;
    try {
      const described = await context.send<DescribeStreamConsumerCommandOutput>(
        new DescribeStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: name }),
      );
      consumer = described.ConsumerDescription;
    } catch (error) {
      if (errorName(error) !== 'ResourceNotFoundException') throw error;
    }
    if (consumer === undefined) {
      try {
        const output = await context.send<RegisterStreamConsumerCommandOutput>(
          new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: name }),
        );
        consumer = output.Consumer;
        registered = true;
      } catch (error) {
        // Registered meanwhile by another reader of the same name: describe it next time.
        if (errorName(error) !== 'ResourceInUseException') throw error;
      }
    }
    status = consumer?.ConsumerStatus;
    if (status === 'ACTIVE' && consumer?.ConsumerARN) {
      return { consumerArn: consumer.ConsumerARN, streamArn, registered };
    }
    if (!(await context.sleep(pollMs))) return undefined;
  }
  throw new KinesisReadError(
    'KINESIS_READ_FAILED',
    `stream consumer ${name} of ${context.streamName} is ${status ?? 'not registered'} after ${timeoutMs} ms, not ACTIVE`,
  );
}

/**
 * Deregisters a consumer this reader registered. Failures are left to Kinesis (a consumer
 * nobody reads costs its consumer-shard-hours until someone deregisters it): the reader is
 * stopping.
 * @internal
 */
export function releaseConsumer(
  send: (command: DeregisterStreamConsumerCommand) => Promise<unknown>,
  consumer: StreamConsumer,
): Promise<void> {
  return send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumer.consumerArn })).then(
    () => undefined,
    () => undefined,
  );
}
