import { LAMBDA_ENV, TRADES_NAMESPACE } from '@market-stream/core';
import { Duration, type Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConstructPropsError, EventsFanout } from '../../src/index.js';
import {
  ensureHandlerBundles,
  iamStatements,
  nagFindings,
  newStack,
  SYNTH_TIMEOUT,
  templateOf,
} from './helpers/cdk.js';

const DAY_SECONDS = 24 * 3600;

interface Built {
  stack: Stack;
  fanout: EventsFanout;
  template: Template;
}

function build(props: Partial<ConstructorParameters<typeof EventsFanout>[2]> = {}): Built {
  const { stack } = newStack();
  const stream = new kinesis.Stream(stack, 'Stream', {
    encryption: kinesis.StreamEncryption.MANAGED,
  });
  const fanout = new EventsFanout(stack, 'Events', { stream, ...props });
  return { stack, fanout, template: templateOf(stack) };
}

/** The publisher role's statements that name AppSync actions. */
function appSyncStatements(template: Template) {
  return iamStatements(template).filter((statement) =>
    statement.actions.some((action) => action.startsWith('appsync:')),
  );
}

describe('EventsFanout', { timeout: SYNTH_TIMEOUT }, () => {
  let built: Built;

  beforeAll(async () => {
    await ensureHandlerBundles();
    built = build();
  }, SYNTH_TIMEOUT);

  it('creates an Event API whose trades namespace takes IAM publishes and API-key subscribes', () => {
    const { template } = built;

    template.resourceCountIs('AWS::AppSync::Api', 1);
    template.hasResourceProperties('AWS::AppSync::Api', {
      EventConfig: {
        AuthProviders: [{ AuthType: 'API_KEY' }, { AuthType: 'AWS_IAM' }],
        ConnectionAuthModes: [{ AuthType: 'API_KEY' }, { AuthType: 'AWS_IAM' }],
        DefaultPublishAuthModes: [{ AuthType: 'AWS_IAM' }],
        DefaultSubscribeAuthModes: [{ AuthType: 'API_KEY' }],
        LogConfig: { LogLevel: 'ERROR', CloudWatchLogsRoleArn: Match.anyValue() },
      },
    });
    template.hasResourceProperties('AWS::AppSync::ChannelNamespace', {
      Name: TRADES_NAMESPACE,
      PublishAuthModes: [{ AuthType: 'AWS_IAM' }],
      SubscribeAuthModes: [{ AuthType: 'API_KEY' }],
    });
  });

  it('creates the browsers’ API key with an expiry a year after synth (AppSync allows 1–365 days)', () => {
    const { template } = built;
    const now = Math.floor(Date.now() / 1000);

    const keys = Object.values(template.findResources('AWS::AppSync::ApiKey'));

    expect(keys).toHaveLength(1);
    const expires = keys[0]?.Properties.Expires as number;
    expect(expires).toBeGreaterThan(now + 364 * DAY_SECONDS);
    expect(expires).toBeLessThanOrEqual(now + 365 * DAY_SECONDS);
  });

  it('lets the processor publish to the trades namespace only: appsync:EventPublish on …/channelNamespace/trades', () => {
    const { template, stack, fanout } = built;
    const apiId = stack.resolve(fanout.api.apiId);

    const statements = appSyncStatements(template);

    expect(statements).toHaveLength(1);
    expect(statements[0]?.actions).toEqual(['appsync:EventPublish']);
    expect(statements[0]?.resources).toEqual([
      {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':appsync:us-east-1:123456789012:apis/',
            apiId,
            `/channelNamespace/${TRADES_NAMESPACE}`,
          ],
        ],
      },
    ]);
  });

  it('runs the eventsProcessor bundle with EVENT_API_ENDPOINT = https://{httpDns}/event', () => {
    const { template, stack, fanout } = built;

    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^market-stream events processor'),
      Architectures: ['arm64'],
      Environment: {
        Variables: { [LAMBDA_ENV.eventApiEndpoint]: stack.resolve(fanout.publishUrl) },
      },
    });
    expect(stack.resolve(fanout.publishUrl)).toEqual({
      'Fn::Join': ['', ['https://', stack.resolve(fanout.api.httpDns), '/event']],
    });
    expect(stack.resolve(fanout.realtimeUrl)).toEqual({
      'Fn::Join': ['', ['wss://', stack.resolve(fanout.api.realtimeDns), '/event/realtime']],
    });
  });

  it('reads the stream by push with partial batch responses, bisect and an on-failure queue', () => {
    const { template } = built;

    template.resourceCountIs('AWS::Kinesis::StreamConsumer', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      ParallelizationFactor: 1,
      StartingPosition: 'LATEST',
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('alarms on processor errors, iterator age, dead letters and the Event API’s 4XX and 5XX', () => {
    const { template, stack, fanout } = built;
    const apiId = stack.resolve(fanout.api.apiId);

    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Threshold: 60_000,
    });
    for (const metricName of ['4XXError', '5XXError']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/AppSync',
        MetricName: metricName,
        Dimensions: [{ Name: 'EventAPIId', Value: apiId }],
        Statistic: 'Sum',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('writes the Event API’s error logs to a log group with bounded retention', () => {
    const { template } = built;

    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['/aws/appsync/apis/', Match.anyValue()]] },
      RetentionInDays: 30,
    });
    template.resourceCountIs('Custom::LogRetention', 0);
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged errors', () => {
    const errors = nagFindings(built.stack).filter((finding) => finding.severity === 'error');

    expect(errors).toEqual([]);
  });

  it('takes a Cognito user pool for the browsers instead of an API key', () => {
    const { stack } = newStack();
    const userPool = new cognito.UserPool(stack, 'Users');
    const stream = new kinesis.Stream(stack, 'Stream');

    new EventsFanout(stack, 'Events', {
      stream,
      subscriberAuth: { type: 'userPool', userPool },
      alarms: false,
    });

    const template = templateOf(stack);
    template.resourceCountIs('AWS::AppSync::ApiKey', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    template.hasResourceProperties('AWS::AppSync::ChannelNamespace', {
      PublishAuthModes: [{ AuthType: 'AWS_IAM' }],
      SubscribeAuthModes: [{ AuthType: 'AMAZON_COGNITO_USER_POOLS' }],
    });
  });

  it('takes OIDC for the browsers, and a shorter API key expiry when asked', () => {
    const oidc = build({
      subscriberAuth: { type: 'oidc', issuer: 'https://auth.example.com', clientId: 'ticker' },
    });
    const shortKey = build({ subscriberAuth: { type: 'apiKey', expires: Duration.days(30) } });

    oidc.template.hasResourceProperties('AWS::AppSync::Api', {
      EventConfig: Match.objectLike({
        AuthProviders: [
          {
            AuthType: 'OPENID_CONNECT',
            OpenIDConnectConfig: { Issuer: 'https://auth.example.com', ClientId: 'ticker' },
          },
          { AuthType: 'AWS_IAM' },
        ],
        DefaultSubscribeAuthModes: [{ AuthType: 'OPENID_CONNECT' }],
      }),
    });
    const [key] = Object.values(shortKey.template.findResources('AWS::AppSync::ApiKey'));
    const days = ((key?.Properties.Expires as number) - Date.now() / 1000) / DAY_SECONDS;
    expect(Math.round(days)).toBe(30);
  });

  it('refuses existingDeadLetterQueue together with deadLetterQueueProps', () => {
    const { stack } = newStack();
    const stream = new kinesis.Stream(stack, 'Stream');
    const queue = new sqs.Queue(stack, 'Queue');

    expect(
      () =>
        new EventsFanout(stack, 'Events', {
          stream,
          existingDeadLetterQueue: queue,
          deadLetterQueueProps: {},
        }),
    ).toThrow(ConstructPropsError);
  });
});
