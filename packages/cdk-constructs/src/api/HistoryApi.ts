import { lambdaEnvironment } from '@market-stream/core';
import { Duration, Fn } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import {
  acknowledge,
  acknowledgeWildcards,
  DATA_GRANT_ALLOWANCES,
} from '../internal/acknowledge.js';
import { apiGatewayMetric } from '../internal/apiGatewayMetric.js';
import { BundledFunction } from '../internal/BundledFunction.js';
import { functionSettings } from '../internal/functionSettings.js';
import { logRetention } from '../internal/logRetention.js';
import { createThresholdAlarm } from '../internal/thresholdAlarm.js';

/**
 * Props of {@link HistoryApi}.
 *
 * @example
 * ```ts
 * import type { HistoryApiProps } from '@market-stream/cdk-constructs';
 *
 * const props: HistoryApiProps = { historyTable: history.table, throttle: { rateLimit: 50, burstLimit: 100 } };
 * ```
 */
export interface HistoryApiProps {
  /** The trade history table (read with Query only). */
  readonly historyTable: dynamodb.ITable;
  /**
   * An authorizer on both routes.
   * @default - none: read-only public market data
   */
  readonly authorizer?: apigwv2.IHttpRouteAuthorizer;
  /**
   * Origins allowed by CORS. Not needed when the page reaches the API through the same
   * CloudFront distribution ({@link TickerWebsite} `historyApi`).
   * @default - no CORS
   */
  readonly corsAllowOrigins?: string[];
  /**
   * Stage throttling.
   * @default { rateLimit: 100, burstLimit: 200 }
   */
  readonly throttle?: apigwv2.ThrottleSettings;
  /**
   * Write JSON access logs to CloudWatch.
   * @default true (`DEFAULTS.accessLogs`)
   */
  readonly accessLogs?: boolean;
  /**
   * Lambda runtime.
   * @default lambda.Runtime.NODEJS_24_X (`DEFAULTS.lambda.runtime`)
   */
  readonly runtime?: lambda.Runtime;
  /**
   * Create the server-error alarm.
   * @default true (`DEFAULTS.alarms`)
   */
  readonly alarms?: boolean;
}

/**
 * An HTTP API serving the trade history the processor writes: `GET /api/trades?symbol=AAPL&limit=50`
 * (newest first, JSON array of trades) and `GET /api/bars?symbol=AAPL&interval=1m&limit=60`
 * (OHLCV bars) — the same endpoints as the local server, backed by `queryTrades` / `queryBars`
 * of `@market-stream/sinks`.
 *
 * Guarantees: bad input answers 400 with a reason; the function may only Query the history
 * table; stage throttling and access logs are on; `limit` is capped at 1000.
 *
 * @example
 * ```ts
 * import { HistoryApi } from '@market-stream/cdk-constructs';
 *
 * const api = new HistoryApi(stack, 'HistoryApi', { historyTable: history.table });
 * new CfnOutput(stack, 'TradesUrl', { value: `${api.url}/api/trades?symbol=AAPL` });
 * ```
 */
export class HistoryApi extends Construct {
  /** The HTTP API. */
  readonly httpApi: apigwv2.HttpApi;
  /** The `$default` stage (auto-deployed). */
  readonly stage: apigwv2.HttpStage;
  /** The function behind both routes. */
  readonly function: lambda.Function;
  /** The access log group; undefined when `accessLogs: false`. */
  readonly accessLogGroup?: logs.LogGroup;
  /** Fires on 5xx answers; undefined when `alarms: false`. */
  readonly serverErrorAlarm?: cloudwatch.Alarm;

  /**
   * @param scope - The parent construct.
   * @param id - The construct id.
   * @param props - See {@link HistoryApiProps}.
   */
  constructor(scope: Construct, id: string, props: HistoryApiProps) {
    super(scope, id);
    this.function = new BundledFunction(this, 'Handler', {
      handler: 'history',
      description: 'market-stream history API: /api/trades and /api/bars',
      environment: lambdaEnvironment({ historyTable: props.historyTable.tableName }),
      ...functionSettings(DEFAULTS.historyApi, { runtime: props.runtime }),
    }).function;
    props.historyTable.grant(this.function, 'dynamodb:Query');
    acknowledgeWildcards(this, DATA_GRANT_ALLOWANCES);

    this.httpApi = new apigwv2.HttpApi(this, 'Api', {
      description: 'market-stream trade history',
      createDefaultStage: false,
      ...(props.corsAllowOrigins
        ? {
            corsPreflight: {
              allowOrigins: props.corsAllowOrigins,
              allowMethods: [apigwv2.CorsHttpMethod.GET],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    if (props.accessLogs ?? DEFAULTS.accessLogs) {
      this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
        retention: logRetention(),
      });
    }
    this.stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? {
        rateLimit: DEFAULTS.historyApi.throttleRateLimit,
        burstLimit: DEFAULTS.historyApi.throttleBurstLimit,
      },
      ...(this.accessLogGroup
        ? {
            accessLogSettings: {
              destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
              format: apigateway.AccessLogFormat.jsonWithStandardFields(),
            },
          }
        : {}),
    });

    const integration = new HttpLambdaIntegration('History', this.function);
    for (const path of ['/api/trades', '/api/bars']) {
      const routes = this.httpApi.addRoutes({
        path,
        methods: [apigwv2.HttpMethod.GET],
        integration,
        ...(props.authorizer ? { authorizer: props.authorizer } : {}),
      });
      if (!props.authorizer) {
        for (const route of routes) {
          acknowledge(
            route,
            'AwsSolutions-APIG4',
            'Read-only public market-data history; pass `authorizer` to require credentials.',
          );
        }
      }
    }

    if (props.alarms ?? DEFAULTS.alarms) {
      this.serverErrorAlarm = createThresholdAlarm(
        this,
        'ServerErrorAlarm',
        this.metricServerErrors(),
        { description: 'The history API answers 5xx', threshold: 5, evaluationPeriods: 1 },
      );
    }
  }

  /** The API's base URL, `https://<id>.execute-api.<region>.amazonaws.com` (no trailing slash). */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }

  /** The API's host name, for use as a CloudFront origin. */
  get domainName(): string {
    return Fn.select(2, Fn.split('/', this.httpApi.apiEndpoint));
  }

  /**
   * 5xx answers (sum, 5 minutes).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricServerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.apiMetric('5xx', props);
  }

  /**
   * Requests (sum, 5 minutes).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricRequests(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.apiMetric('Count', props);
  }

  private apiMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return apiGatewayMetric(
      this,
      metricName,
      { apiId: this.httpApi.apiId, stage: '$default' },
      props,
    );
  }
}
