import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { acknowledgeOnFailureQueue } from './suppressions.js';

/**
 * An on-failure destination queue: SQS-managed encryption, TLS enforced, the default retention,
 * `props` merged over those; acknowledged as having no dead-letter queue of its own since it is
 * one (`of` names whose).
 *
 * @example
 * ```ts
 * const queue = createOnFailureQueue(this, 'OnFailure', 'the Kinesis event source mapping');
 * ```
 */
export function createOnFailureQueue(
  scope: Construct,
  id: string,
  of: string,
  props?: sqs.QueueProps,
): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(DEFAULTS.processor.deadLetterRetentionDays),
    ...props,
  });
  acknowledgeOnFailureQueue(queue, of);
  return queue;
}
