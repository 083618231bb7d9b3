import { Names } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type { Construct } from 'constructs';
import type { WildcardAllowance } from './acknowledge.js';

/**
 * The environment variable that tells a fan-out node to read by push and how to name its stream
 * consumer: `<prefix>-<ECS task id>`. Without it the node polls.
 */
export const STREAM_CONSUMER_PREFIX_ENV = 'STREAM_CONSUMER_PREFIX';

// IAM authorizes these on the consumer's ARN (Service Authorization Reference: resource type
// `consumer`); RegisterStreamConsumer on the stream's.
const CONSUMER_ACTIONS: readonly string[] = [
  'kinesis:DescribeStreamConsumer',
  'kinesis:SubscribeToShard',
  'kinesis:DeregisterStreamConsumer',
];

/**
 * The name prefix of the consumers the tasks under `scope` register: unique per construct path,
 * at most 64 characters of `[A-Za-z0-9]`, so `<prefix>-<32-character task id>` stays within
 * Kinesis's 128-character consumer names and no other construct's prefix matches `<prefix>-*`.
 *
 * @example
 * ```ts
 * const prefix = taskConsumerPrefix(this); // 'StackFanoutNodesA1B2C3D4'
 * ```
 */
export function taskConsumerPrefix(scope: Construct): string {
  return Names.uniqueResourceName(scope, { maxLength: 64 });
}

/**
 * Lets `grantee` read `stream` by push through consumers of its own: register them on the stream,
 * and describe, subscribe with and deregister only consumers named `<prefix>-*` (never another
 * reader's, e.g. the processor's), plus the stream summary and shard list the reader needs, and
 * decrypting with the stream's key when it has one. No GetRecords.
 *
 * @example
 * ```ts
 * grantTaskConsumers(taskDefinition.taskRole, stream, prefix);
 * ```
 */
export function grantTaskConsumers(
  grantee: iam.IGrantable,
  stream: kinesis.IStream,
  prefix: string,
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [
        'kinesis:DescribeStreamSummary',
        'kinesis:ListShards',
        'kinesis:RegisterStreamConsumer',
      ],
      resources: [stream.streamArn],
    }),
  );
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [...CONSUMER_ACTIONS],
      // A consumer's ARN is `<stream arn>/consumer/<name>:<creation timestamp>`.
      resources: [`${stream.streamArn}/consumer/${prefix}-*`],
    }),
  );
  stream.encryptionKey?.grantDecrypt(grantee);
}

/**
 * The cdk-nag acknowledgement of {@link grantTaskConsumers}' consumer wildcard: each task names
 * its consumer after its ECS task id, known only at run time.
 *
 * @example
 * ```ts
 * acknowledgeWildcards(this, [taskConsumerAllowance(prefix)]);
 * ```
 */
export function taskConsumerAllowance(prefix: string): WildcardAllowance {
  const suffix = `/consumer/${prefix}-*`;
  return {
    actions: (action) => CONSUMER_ACTIONS.includes(action),
    resources: (resource) => resource.endsWith(suffix),
    reason:
      'Each fan-out task registers its own stream consumer, named <prefix>-<ECS task id> at run time; the resource is limited to this stream’s consumers of that prefix.',
  };
}
