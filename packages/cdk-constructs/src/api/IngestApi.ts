import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { ConstructPropsError } from '../errors.js';
import { acknowledgeWildcards, DATA_GRANT_ALLOWANCES } from '../internal/acknowledge.js';
import { apiGatewayMetric } from '../internal/apiGatewayMetric.js';
import { BundledFunction } from '../internal/BundledFunction.js';
import { functionSettings } from '../internal/functionSettings.js';
import { logRetention } from '../internal/logRetention.js';
import { createOnFailureQueue } from '../internal/onFailureQueue.js';
import { createThresholdAlarm } from '../internal/thresholdAlarm.js';
import { INGEST_ENV } from './IngestApiEnvironment.js';

/**
 * Props of {@link IngestApi}.
 *
 * @example
 * ```ts
 * import type { IngestApiProps } from '@market-stream/cdk-constructs';
 *
 * const props: IngestApiProps = { stream: stream.stream, jwt: { issuer: 'https://issuer.example.com', audience: ['ingest'] } };
 * ```
 */
export interface IngestApiProps {
  /** The stream admitted trades are written to (the function may only PutRecords on it). */
  readonly stream: kinesis.IStream;
  /**
   * Require a JWT (`Authorization: Bearer …`) from this issuer instead of IAM (SigV4).
   * Give `jwt` or `authorizer`, not both.
   * @default - IAM authorization: callers sign with SigV4 and need `execute-api:Invoke` ({@link IngestApi.grantInvoke})
   */
  readonly jwt?: { readonly issuer: string; readonly audience: string[] };
  /**
   * Any other authorizer (a Lambda authorizer, a preconfigured JWT authorizer). The route is
   * never open: `HttpNoAuthorizer` is refused.
   * @default - IAM authorization
   */
  readonly authorizer?: apigwv2.IHttpRouteAuthorizer;
  /**
   * Symbols ingest refuses: the ones the system's own simulator produces (two sequences of one
   * symbol would freeze it).
   * @default [] (none)
   */
  readonly reservedSymbols?: readonly string[];
  /**
   * Most trades per request.
   * @default 1000 (`INGEST_DEFAULTS.maxTrades` of `@market-stream/sinks/lambda`)
   */
  readonly maxTrades?: number;
  /**
   * Stage throttling.
   * @default { rateLimit: 50, burstLimit: 100 } (`DEFAULTS.ingestApi`)
   */
  readonly throttle?: apigwv2.ThrottleSettings;
  /**
   * An existing queue for the trades that cannot be written (the sinks' `sqsDeadLetter`
   * format). Give this or `deadLetterQueueProps`, not both.
   * @default - a queue is created (SQS-managed encryption, TLS only, 14 days)
   */
  readonly existingDeadLetterQueue?: sqs.IQueue;
  /**
   * Props of the dead-letter queue created.
   * @default - SQS-managed encryption, TLS only, 14 days' retention
   */
  readonly deadLetterQueueProps?: sqs.QueueProps;
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
   * Create the alarms (function errors, 5xx answers, dead letters).
   * @default true (`DEFAULTS.alarms`)
   */
  readonly alarms?: boolean;
}

/**
 * An HTTP API taking trades from outside: `POST /ingest` (a trade or an array of them, JSON)
 * → a Lambda that validates them with core's `validateTrade` and writes them to the stream
 * with sinks' `toKinesis` (KPL-aggregated), answering like the local server's
 * `POST /api/ingest`: 202 `{ accepted }`, 400 with a reason per bad trade (all or nothing),
 * 413 over 1 MiB, 415 not JSON (see `createIngestHandler` of `@market-stream/sinks/lambda`).
 *
 * Guarantees: never open (IAM/SigV4 by default, or a JWT authorizer); stage throttling and
 * access logs on; the function may only `kinesis:PutRecords` on the stream and send to its
 * dead-letter queue; trades it cannot write go to that queue (202 says how many) or the caller
 * gets a 503 to resend; alarms on function errors, 5xx answers and dead letters.
 *
 * @example
 * ```ts
 * import { IngestApi } from '@market-stream/cdk-constructs';
 *
 * const ingest = new IngestApi(stack, 'Ingest', { stream: stream.stream });
 * ingest.grantInvoke(traderRole);
 * new CfnOutput(stack, 'IngestUrl', { value: ingest.ingestUrl });
 * ```
 */
export class IngestApi extends Construct {
  /** The HTTP API. */
  readonly httpApi: apigwv2.HttpApi;
  /** The `$default` stage (auto-deployed, throttled). */
  readonly stage: apigwv2.HttpStage;
  /** The function behind `POST /ingest`. */
  readonly function: lambda.Function;
  /** Where trades that could not be written go. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The access log group; undefined when `accessLogs: false`. */
  readonly accessLogGroup?: logs.LogGroup;
  /** Fires on function errors; undefined when `alarms: false`. */
  readonly errorsAlarm?: cloudwatch.Alarm;
  /** Fires on 5xx answers; undefined when `alarms: false`. */
  readonly serverErrorAlarm?: cloudwatch.Alarm;
  /** Fires when a dead letter waits in the queue; undefined when `alarms: false`. */
  readonly deadLetterAlarm?: cloudwatch.Alarm;

  /**
   * @param scope - The parent construct.
   * @param id - The construct id.
   * @param props - See {@link IngestApiProps}.
   * @throws ConstructPropsError when both `jwt` and `authorizer`, or both
   *   `existingDeadLetterQueue` and `deadLetterQueueProps`, are given, or the authorizer is
   *   `HttpNoneAuthorizer`.
   */
  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);
    const authorizer = chooseAuthorizer(props);
    if (props.existingDeadLetterQueue && props.deadLetterQueueProps) {
      throw new ConstructPropsError(
        'IngestApi',
        'give existingDeadLetterQueue or deadLetterQueueProps, not both',
      );
    }
    this.deadLetterQueue =
      props.existingDeadLetterQueue ??
      createOnFailureQueue(this, 'DeadLetters', 'the ingest function', {
        retentionPeriod: Duration.days(DEFAULTS.ingestApi.deadLetterRetentionDays),
        ...props.deadLetterQueueProps,
      });

    this.function = new BundledFunction(this, 'Handler', {
      handler: 'ingest',
      description: 'market-stream ingest API: POST /ingest',
      environment: {
        [INGEST_ENV.streamName]: props.stream.streamName,
        [INGEST_ENV.deadLetterQueueUrl]: this.deadLetterQueue.queueUrl,
        ...(props.reservedSymbols?.length
          ? { [INGEST_ENV.reservedSymbols]: props.reservedSymbols.join(',') }
          : {}),
        ...(props.maxTrades !== undefined
          ? { [INGEST_ENV.maxTrades]: String(props.maxTrades) }
          : {}),
      },
      ...functionSettings(DEFAULTS.ingestApi, { runtime: props.runtime }),
    }).function;
    props.stream.grant(this.function, 'kinesis:PutRecords');
    props.stream.encryptionKey?.grantEncrypt(this.function);
    this.deadLetterQueue.grantSendMessages(this.function);
    acknowledgeWildcards(this, DATA_GRANT_ALLOWANCES);

    this.httpApi = new apigwv2.HttpApi(this, 'Api', {
      description: 'market-stream trade ingest',
      createDefaultStage: false,
    });
    this.accessLogGroup = this.createAccessLogs(props);
    this.stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? {
        rateLimit: DEFAULTS.ingestApi.throttleRateLimit,
        burstLimit: DEFAULTS.ingestApi.throttleBurstLimit,
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
    this.httpApi.addRoutes({
      path: '/ingest',
      methods: [apigwv2.HttpMethod.POST],
      integration: new HttpLambdaIntegration('Ingest', this.function),
      authorizer,
    });

    if (props.alarms ?? DEFAULTS.alarms) {
      this.errorsAlarm = createThresholdAlarm(this, 'ErrorsAlarm', this.function.metricErrors(), {
        description: 'The ingest function fails',
        threshold: 1,
        evaluationPeriods: 1,
      });
      this.serverErrorAlarm = createThresholdAlarm(
        this,
        'ServerErrorAlarm',
        this.metricServerErrors(),
        {
          description: 'The ingest API answers 5xx: trades were not taken',
          threshold: DEFAULTS.ingestApi.serverErrorAlarmCount,
          evaluationPeriods: 1,
        },
      );
      this.deadLetterAlarm = createThresholdAlarm(
        this,
        'DeadLetterAlarm',
        this.metricDeadLetters(),
        {
          description: 'Ingested trades wait in the dead-letter queue: replay them',
          threshold: 1,
          evaluationPeriods: 1,
        },
      );
    }
  }

  /** The API's base URL, `https://<id>.execute-api.<region>.amazonaws.com` (no trailing slash). */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }

  /** The full URL of the route, `<url>/ingest`. */
  get ingestUrl(): string {
    return `${this.httpApi.apiEndpoint}/ingest`;
  }

  /**
   * Lets `grantee` call `POST /ingest` with SigV4 (`execute-api:Invoke` on that route only);
   * needed with the default IAM authorization.
   * @param grantee - A role, user or service principal.
   * @returns The grant.
   */
  grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.httpApi.arnForExecuteApi('POST', '/ingest', '$default')],
    });
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

  /**
   * Dead letters waiting (maximum of `ApproximateNumberOfMessagesVisible`, 5 minutes).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricDeadLetters(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: 'Maximum',
      ...props,
    });
  }

  private createAccessLogs(props: IngestApiProps): logs.LogGroup | undefined {
    if (!(props.accessLogs ?? DEFAULTS.accessLogs)) return undefined;
    return new logs.LogGroup(this, 'AccessLogs', { retention: logRetention() });
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

function chooseAuthorizer(props: IngestApiProps): apigwv2.IHttpRouteAuthorizer {
  if (props.jwt && props.authorizer) {
    throw new ConstructPropsError('IngestApi', 'give jwt or authorizer, not both');
  }
  if (props.authorizer instanceof apigwv2.HttpNoneAuthorizer) {
    throw new ConstructPropsError(
      'IngestApi',
      'the ingest route is never open: give an authorizer',
    );
  }
  if (props.authorizer) return props.authorizer;
  if (props.jwt) {
    return new HttpJwtAuthorizer('IngestJwt', props.jwt.issuer, {
      jwtAudience: props.jwt.audience,
    });
  }
  return new HttpIamAuthorizer();
}
