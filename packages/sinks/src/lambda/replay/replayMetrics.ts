import type { ReplayReport } from '../../replay/replayTypes.js';

/**
 * One CloudWatch Embedded Metric Format line for a replay run: `Received`, `Deleted`, `Kept`
 * and `Trades` (counts) under `namespace`, with the dimension `FunctionName`. CloudWatch Logs
 * turns the line into metrics; no PutMetricData call, no extra permission.
 *
 * @param namespace - The metric namespace.
 * @param functionName - The function's name (`AWS_LAMBDA_FUNCTION_NAME`).
 * @param report - The run's report.
 * @param now - The timestamp, ms.
 * @returns The JSON line to log.
 * @internal
 */
export function replayMetricsLine(
  namespace: string,
  functionName: string,
  report: ReplayReport,
  now: number,
): string {
  return JSON.stringify({
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [['FunctionName']],
          Metrics: ['Received', 'Deleted', 'Kept', 'Trades'].map((Name) => ({
            Name,
            Unit: 'Count',
          })),
        },
      ],
    },
    FunctionName: functionName,
    Received: report.received,
    Deleted: report.deleted,
    Kept: report.kept.length,
    Trades: report.trades,
  });
}
