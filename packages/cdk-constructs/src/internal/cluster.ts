import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import { ConstructPropsError } from '../errors.js';

/**
 * The cluster a Fargate construct runs in: the one given, or a new one with Container Insights
 * in the given VPC, or in a new two-AZ VPC (one NAT gateway, flow logs to CloudWatch).
 */
export function resolveCluster(
  scope: Construct,
  owner: string,
  cluster: ecs.ICluster | undefined,
  vpc: ec2.IVpc | undefined,
): ecs.ICluster {
  if (cluster && vpc) throw new ConstructPropsError(owner, 'give cluster or vpc, not both');
  if (cluster) return cluster;
  return new ecs.Cluster(scope, 'Cluster', {
    vpc: vpc ?? createVpc(scope),
    containerInsightsV2: ecs.ContainerInsights.ENABLED,
  });
}

/** A two-AZ VPC with one NAT gateway and flow logs of all traffic to CloudWatch Logs. */
export function createVpc(scope: Construct, id = 'Vpc'): ec2.Vpc {
  return new ec2.Vpc(scope, id, {
    maxAzs: 2,
    natGateways: 1,
    flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
  });
}
