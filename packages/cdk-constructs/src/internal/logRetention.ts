import type * as logs from 'aws-cdk-lib/aws-logs';
import { DEFAULTS } from '../defaults.js';

/** The default log retention as the CDK enum. */
export function logRetention(): logs.RetentionDays {
  return DEFAULTS.lambda.logRetentionDays as logs.RetentionDays;
}
