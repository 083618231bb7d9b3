import type { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { type HandlerName, handlerCode } from './handlerCode.js';
import { logRetention } from './logRetention.js';

/** Props of {@link BundledFunction}. */
export interface BundledFunctionProps {
  readonly handler: HandlerName;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly runtime?: lambda.Runtime;
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A function running one prebundled handler on ARM64, with its own log group (bounded
 * retention) and a role that holds no managed policy: only write access to that log group, plus
 * what the owning construct grants.
 */
export class BundledFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logRetention(),
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new lambda.Function(this, 'Function', {
      description: props.description,
      runtime: props.runtime ?? lambda.Runtime[DEFAULTS.lambda.runtime],
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: handlerCode(props.handler),
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: props.environment,
    });
  }
}
