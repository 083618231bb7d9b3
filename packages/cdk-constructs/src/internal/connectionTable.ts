import { CONNECTIONS_TABLE_KEYS } from '@market-stream/core';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { acknowledge } from './acknowledge.js';
import { cdkTableKeys } from './tableKeys.js';

/**
 * A new connection table (`Connections`) with the connections key schema: on demand, AWS managed
 * encryption, TTL on `ttl`, `props` merged over those. Connection records are ephemeral, so the
 * table is destroyed with the stack and has no point-in-time recovery.
 *
 * @example
 * ```ts
 * const table = createConnectionTable(this, { billingMode: dynamodb.BillingMode.PAY_PER_REQUEST });
 * ```
 */
export function createConnectionTable(
  scope: Construct,
  props?: Omit<dynamodb.TableProps, 'partitionKey' | 'sortKey'>,
): dynamodb.Table {
  const table = new dynamodb.Table(scope, 'Connections', {
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    timeToLiveAttribute: 'ttl',
    removalPolicy: RemovalPolicy.DESTROY,
    ...props,
    ...cdkTableKeys(CONNECTIONS_TABLE_KEYS),
  });
  acknowledge(
    table,
    'AwsSolutions-DDB3',
    'Connection records are ephemeral (API Gateway closes connections after 2 hours); there is nothing to recover.',
  );
  return table;
}
