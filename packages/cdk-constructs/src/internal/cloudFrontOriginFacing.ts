import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { acknowledgeManagedPolicy, acknowledgeWildcards } from './acknowledge.js';

const LOOKUP_ID = 'MarketStreamCloudFrontOriginFacing';

/**
 * A security-group peer for CloudFront's origin-facing servers: the AWS-managed prefix list
 * `com.amazonaws.global.cloudfront.origin-facing`, so only CloudFront reaches a load balancer
 * and clients cannot go around the distribution.
 *
 * The list's id differs per region and is looked up at deploy time (one
 * `ec2:DescribeManagedPrefixLists` custom resource per stack), not at synth: a context lookup
 * (`ec2.PrefixList.fromLookup`) needs a concrete account and region and credentials at synth,
 * and a table of ids per region would go stale. This synthesizes offline and in
 * environment-agnostic stacks.
 *
 * Mind the security group quota: a rule naming this list counts as many rules as the list's
 * maximum entries (about 55 of the default 60 inbound rules), so allow it on one port only.
 */
export function cloudFrontOriginFacingPeer(scope: Construct): ec2.IPeer {
  const stack = Stack.of(scope);
  const lookup =
    (stack.node.tryFindChild(LOOKUP_ID) as cr.AwsCustomResource | undefined) ?? createLookup(stack);
  return ec2.Peer.prefixList(lookup.getResponseField('PrefixLists.0.PrefixListId'));
}

function createLookup(stack: Stack): cr.AwsCustomResource {
  const name = DEFAULTS.containers.cloudFrontPrefixListName;
  const call: cr.AwsSdkCall = {
    service: 'EC2',
    action: 'describeManagedPrefixLists',
    parameters: { Filters: [{ Name: 'prefix-list-name', Values: [name] }] },
    physicalResourceId: cr.PhysicalResourceId.of(name),
    outputPaths: ['PrefixLists.0.PrefixListId'],
  };
  const lookup = new cr.AwsCustomResource(stack, LOOKUP_ID, {
    onCreate: call,
    onUpdate: call,
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({
      resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE,
    }),
    installLatestAwsSdk: false,
  });
  acknowledgeWildcards(lookup, [
    {
      actions: (action) => action === 'ec2:DescribeManagedPrefixLists',
      reason:
        'ec2:DescribeManagedPrefixLists supports no resource-level permissions (resource must be *); the call is read-only.',
    },
  ]);
  // CDK shares one provider function between a stack's AwsCustomResources, at the stack root.
  const provider = stack.node.tryFindChild(
    `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
  );
  if (provider) {
    acknowledgeManagedPolicy(
      provider,
      'service-role/AWSLambdaBasicExecutionRole',
      'The AwsCustomResource provider function only writes its own logs.',
    );
  }
  return lookup;
}
