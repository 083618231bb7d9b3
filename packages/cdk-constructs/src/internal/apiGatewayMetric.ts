import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';

/**
 * A metric of one API Gateway stage (`AWS/ApiGateway`, dimensions `ApiId` and `Stage`; sum over
 * the default 5 minutes), in the stack's region, `props` over those.
 *
 * @example
 * ```ts
 * const errors = apiGatewayMetric(this, '5xx', { apiId: api.apiId, stage: '$default' });
 * ```
 */
export function apiGatewayMetric(
  scope: Construct,
  metricName: string,
  stage: { readonly apiId: string; readonly stage: string },
  props?: cloudwatch.MetricOptions,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/ApiGateway',
    metricName,
    dimensionsMap: { ApiId: stage.apiId, Stage: stage.stage },
    statistic: 'Sum',
    region: Stack.of(scope).region,
    ...props,
  });
}
