import type { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConstructPropsError,
  IngestApi,
  type IngestApiProps,
  TradeStream,
} from '../../src/index.js';
import {
  actionsOfPolicy,
  ensureHandlerBundles,
  iamStatements,
  nagFindings,
  newStack,
  SYNTH_TIMEOUT,
  templateOf,
} from './helpers/cdk.js';

function build(props: Partial<IngestApiProps> = {}): {
  stack: Stack;
  api: IngestApi;
  template: Template;
} {
  const { stack } = newStack();
  const trades = new TradeStream(stack, 'Trades', { alarms: false });
  const api = new IngestApi(stack, 'Ingest', { stream: trades.stream, ...props });
  const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
  api.grantInvoke(caller);
  return { stack, api, template: templateOf(stack) };
}

describe('IngestApi', { timeout: SYNTH_TIMEOUT }, () => {
  let built: ReturnType<typeof build>;

  beforeAll(async () => {
    await ensureHandlerBundles();
    built = build({ reservedSymbols: ['AAPL', 'MSFT'] });
  }, SYNTH_TIMEOUT);

  it('routes POST /ingest, and only it, to the function with IAM (SigV4) authorization', () => {
    const routes = Object.values(built.template.findResources('AWS::ApiGatewayV2::Route'));

    expect(routes.map((route) => route.Properties.RouteKey)).toEqual(['POST /ingest']);
    expect(routes[0]?.Properties.AuthorizationType).toBe('AWS_IAM');
    built.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    built.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('auto-deploys a throttled $default stage with access logs', () => {
    built.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
    });
  });

  it('runs the ingest handler with the stream, dead-letter queue and reserved symbols', () => {
    built.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('ingest API'),
      Timeout: 15,
      Environment: {
        Variables: {
          INGEST_STREAM_NAME: { Ref: Match.stringLikeRegexp('^Trades') },
          INGEST_DEAD_LETTER_QUEUE_URL: { Ref: Match.stringLikeRegexp('^IngestDeadLetters') },
          INGEST_RESERVED_SYMBOLS: 'AAPL,MSFT',
        },
      },
    });
  });

  it('lets the function only PutRecords on the stream and send to its dead-letter queue', () => {
    const statements = iamStatements(built.template).filter((s) =>
      s.policy.startsWith('IngestHandlerRoleDefaultPolicy'),
    );
    const kinesisStatements = statements.filter((s) =>
      s.actions.some((a) => a.startsWith('kinesis:')),
    );

    expect(kinesisStatements.flatMap((s) => s.actions)).toEqual(['kinesis:PutRecords']);
    expect(JSON.stringify(kinesisStatements[0]?.resources)).toMatch(/Trades/);
    const other = actionsOfPolicy(built.template, 'IngestHandlerRoleDefaultPolicy').filter(
      (action) => !action.startsWith('kinesis:') && !action.startsWith('logs:'),
    );
    expect(other.every((action) => action.startsWith('sqs:') || action.startsWith('kms:'))).toBe(
      true,
    );
    expect(other).toContain('sqs:SendMessage');
  });

  it('keeps dead letters 14 days in an encrypted, TLS-only queue', () => {
    built.template.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
  });

  it('grants callers execute-api:Invoke on POST /ingest only', () => {
    const invoke = iamStatements(built.template).filter((s) =>
      s.actions.includes('execute-api:Invoke'),
    );

    expect(invoke).toHaveLength(1);
    expect(JSON.stringify(invoke[0]?.resources)).toContain('/$default/POST/ingest');
  });

  it('alarms on function errors, 5xx answers and dead letters', () => {
    for (const metricName of ['Errors', '5xx', 'ApproximateNumberOfMessagesVisible']) {
      built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metricName,
        TreatMissingData: 'notBreaching',
      });
    }
    expect(built.api.ingestUrl).toMatch(/\/ingest$/);
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged errors', () => {
    const errors = nagFindings(built.stack).filter((finding) => finding.severity === 'error');

    expect(errors).toEqual([]);
  });

  it('takes a JWT authorizer instead of IAM, and no alarms when asked', () => {
    const { template } = build({
      jwt: { issuer: 'https://auth.example.com', audience: ['ingest'] },
      alarms: false,
    });

    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://auth.example.com', Audience: ['ingest'] },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { AuthorizationType: 'JWT' });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  it('uses an existing dead-letter queue', () => {
    const { stack } = newStack();
    const trades = new TradeStream(stack, 'Trades', { alarms: false });
    const queue = new sqs.Queue(stack, 'Mine', { enforceSSL: true });

    const api = new IngestApi(stack, 'Ingest', {
      stream: trades.stream,
      existingDeadLetterQueue: queue,
    });

    expect(api.deadLetterQueue).toBe(queue);
    templateOf(stack).resourceCountIs('AWS::SQS::Queue', 1);
  });

  it('is never open, and refuses contradictory props', () => {
    const attempt = (props: Partial<IngestApiProps>) => () => {
      const { stack } = newStack();
      const trades = new TradeStream(stack, 'Trades', { alarms: false });
      new IngestApi(stack, 'Ingest', { stream: trades.stream, ...props });
    };

    expect(attempt({ authorizer: new apigwv2.HttpNoneAuthorizer() })).toThrow(ConstructPropsError);
    expect(
      attempt({
        jwt: { issuer: 'https://auth.example.com', audience: ['a'] },
        authorizer: new apigwv2.HttpNoneAuthorizer(),
      }),
    ).toThrow(ConstructPropsError);
    expect(
      attempt({ existingDeadLetterQueue: {} as sqs.IQueue, deadLetterQueueProps: {} }),
    ).toThrow(ConstructPropsError);
  });
});
