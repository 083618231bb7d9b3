import {
  Aws,
  CfnCondition,
  CfnMapping,
  CfnResource,
  Fn,
  type ICfnConditionExpression,
  Stack,
  Token,
} from 'aws-cdk-lib';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';

const MAPPING_ID = 'MarketStreamElbLogDeliveryAccounts';
const CONDITION_ID = 'MarketStreamElbHasLogDeliveryAccount';
/** CloudFormation's Fn::Or takes at most 10 conditions. */
const MAX_OR = 10;

/**
 * Turns on an Application Load Balancer's access logs into `bucket` under `prefix`, in stacks
 * with a concrete region and in environment-agnostic ones.
 *
 * With a concrete region this is CDK's `logAccessLogs` (which refuses an unresolved region).
 * Otherwise the bucket policy is decided at deploy time: regions that opened before August 2022
 * deliver logs from a per-region Elastic Load Balancing account (a CfnMapping built from CDK's
 * region table, selected by a condition on `AWS::Region`), newer ones through the
 * `logdelivery.elasticloadbalancing.amazonaws.com` service principal; the statement names the
 * service principal always, and the region's account where there is one (the stack's own
 * account otherwise, which holds the right anyway).
 */
export function logAlbAccessLogs(
  loadBalancer: elbv2.ApplicationLoadBalancer,
  bucket: s3.IBucket,
  prefix: string,
): void {
  const stack = Stack.of(loadBalancer);
  if (!Token.isUnresolved(stack.region)) {
    loadBalancer.logAccessLogs(bucket, prefix);
    return;
  }
  loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
  loadBalancer.setAttribute('access_logs.s3.bucket', bucket.bucketName);
  loadBalancer.setAttribute('access_logs.s3.prefix', prefix);
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      actions: ['s3:PutObject'],
      principals: [
        new RegionalElbAccountPrincipal(stack),
        new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com'),
      ],
      resources: [bucket.arnForObjects(`${prefix ? `${prefix}/` : ''}AWSLogs/${Aws.ACCOUNT_ID}/*`)],
    }),
  );
  // The load balancer checks it may write to the bucket when logging is turned on.
  const policy = bucket.policy?.node.defaultChild;
  const resource = loadBalancer.node.defaultChild;
  if (CfnResource.isCfnResource(policy) && CfnResource.isCfnResource(resource)) {
    resource.addResourceDependency(policy);
  }
}

/** `arn:…:iam::<the region's ELB account>:root`, or the stack's own account where there is none. */
class RegionalElbAccountPrincipal extends iam.PrincipalBase {
  constructor(private readonly stack: Stack) {
    super();
  }

  get policyFragment(): iam.PrincipalPolicyFragment {
    const { mapping, condition } = regionTable(this.stack);
    const account = Fn.conditionIf(
      condition.logicalId,
      mapping.findInMap(Aws.REGION, 'account'),
      Aws.ACCOUNT_ID,
    );
    return new iam.PrincipalPolicyFragment({
      AWS: [Fn.join('', ['arn:', Aws.PARTITION, ':iam::', account.toString(), ':root'])],
    });
  }

  override toString(): string {
    return 'RegionalElbAccountPrincipal';
  }

  override dedupeString(): string | undefined {
    return 'RegionalElbAccountPrincipal';
  }
}

/** One mapping and one condition per stack, shared by its load balancers. */
function regionTable(stack: Stack): { mapping: CfnMapping; condition: CfnCondition } {
  const existing = stack.node.tryFindChild(MAPPING_ID) as CfnMapping | undefined;
  if (existing) {
    return { mapping: existing, condition: stack.node.findChild(CONDITION_ID) as CfnCondition };
  }
  const regions = RegionInfo.regions.filter((region) => region.elbv2Account !== undefined);
  const mapping = new CfnMapping(stack, MAPPING_ID, {
    mapping: Object.fromEntries(
      regions.map((region) => [region.name, { account: region.elbv2Account as string }]),
    ),
  });
  const equals = regions.map((region) => Fn.conditionEquals(Aws.REGION, region.name));
  const condition = new CfnCondition(stack, CONDITION_ID, { expression: anyOf(equals) });
  return { mapping, condition };
}

function anyOf(conditions: ICfnConditionExpression[]): ICfnConditionExpression {
  if (conditions.length === 1) return conditions[0] as ICfnConditionExpression;
  if (conditions.length <= MAX_OR) return Fn.conditionOr(...conditions);
  const groups: ICfnConditionExpression[] = [];
  for (let i = 0; i < conditions.length; i += MAX_OR) {
    groups.push(anyOf(conditions.slice(i, i + MAX_OR)));
  }
  return anyOf(groups);
}
