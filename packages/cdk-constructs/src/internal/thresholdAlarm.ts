import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';

/** Props of {@link createThresholdAlarm}. */
export interface ThresholdAlarmProps {
  /** What it means when the alarm fires. */
  readonly description: string;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  /**
   * Fire above the threshold only, not at it.
   * @default false — at or above
   */
  readonly strictlyAbove?: boolean;
}

/**
 * An alarm on `metric` that fires when it reaches `threshold` for `evaluationPeriods` periods; no
 * data (an idle system) is not breaching — the shape of every alarm the constructs create.
 *
 * @example
 * ```ts
 * createThresholdAlarm(this, 'ErrorsAlarm', fn.metricErrors(), { description: 'Failing', threshold: 1, evaluationPeriods: 3 });
 * ```
 */
export function createThresholdAlarm(
  scope: Construct,
  id: string,
  metric: cloudwatch.Metric,
  props: ThresholdAlarmProps,
): cloudwatch.Alarm {
  return metric.createAlarm(scope, id, {
    alarmDescription: props.description,
    threshold: props.threshold,
    evaluationPeriods: props.evaluationPeriods,
    comparisonOperator: props.strictlyAbove
      ? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
      : cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
