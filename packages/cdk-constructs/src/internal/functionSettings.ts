import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { BundledFunctionProps } from './BundledFunction.js';

/** The function props a construct lets its user set; unset ones take the construct's defaults. */
export interface FunctionOverrides {
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly runtime?: lambda.Runtime;
  readonly logRetention?: logs.RetentionDays;
}

/** A construct's defaults for its functions, in the units of `DEFAULTS`. */
export interface FunctionDefaults {
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
}

/** The sizing part of {@link BundledFunctionProps}. */
export type FunctionSettings = Pick<
  BundledFunctionProps,
  'memorySize' | 'timeout' | 'runtime' | 'logRetention'
>;

/**
 * The sizing part of {@link BundledFunctionProps}: `overrides` where given, else `defaults`
 * (runtime and log retention stay unset to take the bundled function's own defaults).
 *
 * @example
 * ```ts
 * new BundledFunction(this, 'Handler', { handler: 'history', description, environment, ...functionSettings({ memoryMiB: 256, timeoutSeconds: 10 }, props) });
 * ```
 */
export function functionSettings(
  defaults: FunctionDefaults,
  overrides: FunctionOverrides = {},
): FunctionSettings {
  return {
    memorySize: overrides.memorySize ?? defaults.memoryMiB,
    timeout: overrides.timeout ?? Duration.seconds(defaults.timeoutSeconds),
    runtime: overrides.runtime,
    logRetention: overrides.logRetention,
  };
}
