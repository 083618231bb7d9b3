import { Aspects, type IAspect, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges (suppresses) a policy-validation rule such as a cdk-nag `AwsSolutions-*` rule on
 * a construct and everything below it. Every call carries the reason, which lands in the
 * validation report.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * Acknowledges cdk-nag `AwsSolutions-IAM4` for one AWS managed policy (the finding names the
 * policy, so only that policy is acknowledged).
 */
export function acknowledgeManagedPolicy(
  scope: IConstruct,
  policyName: string,
  reason: string,
): void {
  acknowledge(
    scope,
    `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policyName}]`,
    reason,
  );
}

/** A class of IAM statements whose wildcards are expected, and why. */
export interface WildcardAllowance {
  /** True for each action a matching statement may contain; every action must match. */
  readonly actions: (action: string) => boolean;
  /**
   * True for each wildcard resource (flattened as cdk-nag names it) this allowance covers.
   * @default - every resource of a matching statement
   */
  readonly resources?: (resource: string) => boolean;
  /** Why the wildcard (in the action or the resource) is needed. */
  readonly reason: string;
}

/**
 * The sub-resource wildcards of CDK's DynamoDB and Kinesis grants: a table grant also covers the
 * table's indexes (`<table arn>/index/*`), a stream grant its consumers (`<stream arn>/consumer/*`).
 * Actions stay named; only resources below the granted table or stream match.
 */
export const MANAGE_CONNECTIONS_ALLOWANCE: WildcardAllowance = {
  actions: (action) => action === 'execute-api:ManageConnections',
  resources: (resource) => resource.endsWith('/@connections/*'),
  reason:
    'Connection ids are only known at runtime; the resource is limited to one API stage’s @connections path.',
};

/** See {@link MANAGE_CONNECTIONS_ALLOWANCE}. */
export const DATA_GRANT_ALLOWANCES: readonly WildcardAllowance[] = [
  {
    actions: (action) => action.startsWith('dynamodb:') && !action.includes('*'),
    resources: (resource) => /^<[^>]+>\/index\/\*$/.test(resource),
    reason:
      'CDK table grants include the table’s own indexes (<table arn>/index/*); no other table.',
  },
  {
    actions: (action) => action.startsWith('kinesis:') && !action.includes('*'),
    resources: (resource) => /^<[^>]+>\/consumer\/\*$/.test(resource),
    reason: 'CDK stream grants include the stream’s own consumers (<stream arn>/consumer/*).',
  },
];

/**
 * Acknowledges cdk-nag `AwsSolutions-IAM5` findings one by one (`IAM5[Action::…]`,
 * `IAM5[Resource::…]`) on the IAM policies under `scope`, but only for statements whose actions
 * all match one allowance. Any other wildcard stays reported. Runs as an aspect because the
 * finding ids name logical ids, which are known only at synth.
 */
export function acknowledgeWildcards(
  scope: IConstruct,
  allowances: readonly WildcardAllowance[],
): void {
  Aspects.of(scope).add(new AcknowledgeWildcards(allowances));
}

class AcknowledgeWildcards implements IAspect {
  constructor(private readonly allowances: readonly WildcardAllowance[]) {}

  visit(node: IConstruct): void {
    let documents: unknown[] = [];
    const stack = Stack.of(node);
    if (node instanceof iam.CfnPolicy) {
      documents = [stack.resolve(node.policyDocument)];
    } else if (node instanceof iam.CfnRole) {
      const inline = (stack.resolve(node.policies) ?? []) as { policyDocument: unknown }[];
      documents = inline.map((policy) => stack.resolve(policy.policyDocument));
    } else {
      return;
    }
    for (const document of documents) {
      for (const statement of statementsOf(document)) {
        const actions = toArray(statement.Action).map(String);
        const allowance = this.allowances.find((a) => actions.every((action) => a.actions(action)));
        if (!allowance) continue;
        const findings = [
          ...actions.filter((action) => action.includes('*')).map((a) => `Action::${a}`),
          ...toArray(statement.Resource)
            .map(flattenReference)
            .filter((resource) => resource.includes('*'))
            .filter((resource) => allowance.resources?.(resource) ?? true)
            .map((resource) => `Resource::${resource}`),
        ];
        for (const finding of findings) {
          Validations.of(node).acknowledge({
            id: `AwsSolutions-IAM5[${finding}]`,
            reason: allowance.reason,
          });
        }
      }
    }
  }
}

interface Statement {
  Effect?: string;
  Action?: unknown;
  Resource?: unknown;
}

function statementsOf(document: unknown): Statement[] {
  const statements = (document as { Statement?: Statement[] } | undefined)?.Statement ?? [];
  return statements.filter((statement) => statement.Effect === 'Allow');
}

function toArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

// The same flattening cdk-nag applies to a resource before naming the finding, so the ids match.
function flattenReference(reference: unknown): string {
  if (reference === undefined) return '';
  if (typeof reference === 'string') return reference.replace(/\$\{/g, '<').replace(/}/g, '>');
  const node = reference as Record<string, unknown>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flattenReference).join(delimiter);
  }
  if (node['Fn::Sub']) return flattenReference(node['Fn::Sub']);
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
  }
  if (node['Fn::ImportValue']) return flattenReference(node['Fn::ImportValue']);
  if (node.Ref) return `<${flattenReference(node.Ref)}>`;
  return JSON.stringify(reference);
}
