import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';

/**
 * The props every Fargate construct here takes alike ({@link TradeProducerServiceProps},
 * {@link ContainerFanoutServiceProps}): extra environment and where the service runs. Give
 * `cluster` or `vpc` (or neither).
 *
 * @example
 * ```ts
 * import type { FargateServiceCommonProps } from '@market-stream/cdk-constructs';
 *
 * const placement: FargateServiceCommonProps = { cluster, environment: { LOG_LEVEL: 'info' } };
 * ```
 */
export interface FargateServiceCommonProps {
  /**
   * Extra container environment (non-secret).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Run in this cluster.
   * @default - a new cluster (in `vpc`, or a new VPC)
   */
  readonly cluster?: ecs.ICluster;
  /**
   * The VPC of the new cluster.
   * @default - a new two-AZ VPC with one NAT gateway and flow logs
   */
  readonly vpc?: ec2.IVpc;
}
