import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export { ensureHandlerBundles } from '../../helpers/bundles.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The directory of the test Dockerfile (staged at synth, never built). */
export const CONTAINER_FIXTURE = join(packageDir, 'tests', 'unit', 'fixtures', 'container');

/**
 * Synths take seconds on an idle machine but minutes on a loaded CI runner shared with other
 * suites; the limit only guards against a hang.
 */
export const SYNTH_TIMEOUT = 600_000;

/** A fresh app and a stack in a fixed account and region (ALB access logs need a region). */
export function newStack(id = 'Test'): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, id, { env: { account: '123456789012', region: 'us-east-1' } });
  return { app, stack };
}

/** The synthesized template of `stack`. */
export function templateOf(stack: Stack): Template {
  return Template.fromStack(stack);
}

/**
 * The template with asset hashes replaced, so snapshots survive rebuilt handler bundles, and
 * AppSync API key expiry dates (computed from the synth time) replaced by `<expires>`.
 */
export function stableTemplate(template: Template): unknown {
  return JSON.parse(
    JSON.stringify(template.toJSON())
      .replace(/[0-9a-f]{64}/g, '<hash>')
      .replace(/"Expires":\d+/g, '"Expires":"<expires>"'),
  );
}

/** One unacknowledged cdk-nag finding. */
export interface NagFinding {
  rule: string;
  severity: string;
  paths: string[];
}

/** Runs cdk-nag's AwsSolutions pack over `scope` (after synth) and returns what it reports. */
export function nagFindings(scope: IConstruct): NagFinding[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.map((violation) => ({
    rule: violation.ruleName,
    severity: violation.severity ?? 'error',
    paths: violation.violatingResources.map((resource) => resource.constructPath ?? ''),
  }));
}

/** One IAM statement of the template, with the policy it belongs to. */
export interface IamStatement {
  policy: string;
  actions: string[];
  resources: unknown[];
}

/** Every Allow statement of every IAM policy (inline role policies too) in the template. */
export function iamStatements(template: Template): IamStatement[] {
  const statements: IamStatement[] = [];
  const add = (policy: string, document: { Statement?: Record<string, unknown>[] }) => {
    for (const statement of document.Statement ?? []) {
      if (statement.Effect !== 'Allow') continue;
      statements.push({
        policy,
        actions: ([] as unknown[]).concat(statement.Action ?? []).map(String),
        resources: ([] as unknown[]).concat(statement.Resource ?? []),
      });
    }
  };
  for (const [id, resource] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    add(id, resource.Properties.PolicyDocument);
  }
  for (const [id, resource] of Object.entries(template.findResources('AWS::IAM::Role'))) {
    for (const inline of resource.Properties.Policies ?? []) add(id, inline.PolicyDocument);
  }
  return statements;
}

/** Actions with a wildcard in one of the given services, e.g. `['kinesis', 'dynamodb']`. */
export function wildcardActions(template: Template, services: string[]): string[] {
  return iamStatements(template)
    .flatMap((statement) => statement.actions)
    .filter(
      (action) =>
        action === '*' || (services.includes(action.split(':')[0]!) && action.includes('*')),
    );
}

/** The actions granted to the role of `roleLogicalIdPrefix` (its default policy). */
export function actionsOfPolicy(template: Template, policyIdPrefix: string): string[] {
  return iamStatements(template)
    .filter((statement) => statement.policy.startsWith(policyIdPrefix))
    .flatMap((statement) => statement.actions);
}
