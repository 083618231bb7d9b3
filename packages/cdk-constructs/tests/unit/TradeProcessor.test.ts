import { type App, Duration } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConstructPropsError,
  ServerlessFanout,
  TradeHistoryTable,
  TradeProcessor,
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

/**
 * The event source mapping settings of a processor given `batchSize: 250`, `maxBatchingWindow`
 * 1 s and `retryAttempts: 5`: the same whether it reads by push or by polling.
 */
const MAPPING_SETTINGS = {
  FunctionName: { Ref: Match.stringLikeRegexp('^ProcessorHandlerFunction') },
  StartingPosition: 'LATEST',
  BatchSize: 250,
  MaximumBatchingWindowInSeconds: 1,
  MaximumRetryAttempts: 5,
  BisectBatchOnFunctionError: true,
  ParallelizationFactor: 1,
  FunctionResponseTypes: ['ReportBatchItemFailures'],
};

describe('TradeProcessor', { timeout: SYNTH_TIMEOUT }, () => {
  beforeAll(ensureHandlerBundles, SYNTH_TIMEOUT);

  describe('with history and the serverless fan-out', () => {
    let template: Template;
    let app: App;

    beforeAll(() => {
      const { stack, app: stackApp } = newStack();
      app = stackApp;
      const trades = new TradeStream(stack, 'Trades', { alarms: false });
      const history = new TradeHistoryTable(stack, 'History', { alarms: false });
      const fanout = new ServerlessFanout(stack, 'Fanout', { alarms: false });
      new TradeProcessor(stack, 'Processor', {
        stream: trades.stream,
        historyTable: history.table,
        fanout,
        batchSize: 250,
        maxBatchingWindow: Duration.seconds(1),
        retryAttempts: 5,
        shardBroadcaster: true,
      });
      template = templateOf(stack);
    }, SYNTH_TIMEOUT);

    it('reads by push: maps its enhanced fan-out consumer with partial batch responses, bisect on error and a retry limit', () => {
      template.resourceCountIs('AWS::Kinesis::StreamConsumer', 1);
      template.hasResourceProperties('AWS::Kinesis::StreamConsumer', {
        ConsumerName: Match.stringLikeRegexp('^TestProcessor'),
        StreamARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TradesStream'), 'Arn'] },
      });
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: {
          'Fn::GetAtt': [Match.stringLikeRegexp('^ProcessorConsumer'), 'ConsumerARN'],
        },
        ...MAPPING_SETTINGS,
      });
    });

    it('sends failed batches to its encrypted, TLS-only SQS on-failure queue', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        DestinationConfig: {
          OnFailure: {
            Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ProcessorOnFailure'), 'Arn'] },
          },
        },
      });
      template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1_209_600,
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('runs the prebundled processor handler on ARM64 with the fan-out contract environment', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('^market-stream processor'),
        Handler: 'index.handler',
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 1024,
        Environment: {
          Variables: {
            CONNECTIONS_TABLE: { Ref: Match.stringLikeRegexp('^FanoutConnections') },
            CONNECTION_SHARDS: '16',
            FANOUT_MODE: 'latest',
            WEBSOCKET_API_ENDPOINT: Match.anyValue(),
            HISTORY_TABLE: { Ref: Match.stringLikeRegexp('^HistoryTable') },
            BROADCASTER_FUNCTION: { Ref: Match.stringLikeRegexp('^ProcessorBroadcasterFunction') },
          },
        },
      });
    });

    it('with shardBroadcaster, invokes a broadcaster that may publish to the connections', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('^market-stream broadcaster'),
        Environment: {
          Variables: Match.objectLike({
            CONNECTIONS_TABLE: Match.anyValue(),
            WEBSOCKET_API_ENDPOINT: Match.anyValue(),
          }),
        },
      });
      expect(actionsOfPolicy(template, 'ProcessorHandlerRoleDefaultPolicy')).toContain(
        'lambda:InvokeFunction',
      );
      expect(actionsOfPolicy(template, 'ProcessorBroadcasterRoleDefaultPolicy')).toEqual(
        expect.arrayContaining(['execute-api:ManageConnections', 'dynamodb:Query']),
      );
    });

    it("bounds the broadcaster's asynchronous invokes: no out-of-order retry, 60 s age, an SQS on-failure queue", () => {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: Match.stringLikeRegexp('^ProcessorBroadcasterFunction') },
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 60,
        DestinationConfig: {
          OnFailure: {
            Destination: {
              'Fn::GetAtt': [Match.stringLikeRegexp('^ProcessorBroadcastOnFailure'), 'Arn'],
            },
          },
        },
      });
      expect(actionsOfPolicy(template, 'ProcessorBroadcasterRoleDefaultPolicy')).toContain(
        'sqs:SendMessage',
      );
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmDescription: Match.stringLikeRegexp('broadcast on-failure queue'),
        Dimensions: [
          {
            Name: 'QueueName',
            Value: {
              'Fn::GetAtt': [Match.stringLikeRegexp('^ProcessorBroadcastOnFailure'), 'QueueName'],
            },
          },
        ],
      });
    });

    it('passes cdk-nag AwsSolutions with no unacknowledged errors', () => {
      const errors = nagFindings(app).filter((finding) => finding.severity === 'error');

      expect(errors).toEqual([]);
    });

    it('may read the stream, write history, use the connections and send to the queue — named actions only', () => {
      const actions = actionsOfPolicy(template, 'ProcessorHandlerRoleDefaultPolicy');

      expect(actions).toEqual(
        expect.arrayContaining([
          'kinesis:GetRecords',
          'kinesis:GetShardIterator',
          'dynamodb:BatchWriteItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:DeleteItem',
          'execute-api:ManageConnections',
          'sqs:SendMessage',
          'logs:PutLogEvents',
        ]),
      );
      expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    });

    it('may describe and subscribe through its own consumer only, and register or deregister none', () => {
      const statements = iamStatements(template).filter((statement) =>
        statement.policy.startsWith('ProcessorHandlerRoleDefaultPolicy'),
      );
      const onConsumer = statements.filter((statement) =>
        statement.resources.some((resource) => JSON.stringify(resource).includes('ConsumerARN')),
      );

      expect(onConsumer).toEqual([
        {
          policy: expect.any(String),
          actions: ['kinesis:DescribeStreamConsumer', 'kinesis:SubscribeToShard'],
          resources: [
            { 'Fn::GetAtt': [expect.stringMatching(/^ProcessorConsumer/), 'ConsumerARN'] },
          ],
        },
      ]);
      const actions = statements.flatMap((statement) => statement.actions);
      expect(actions).not.toContain('kinesis:RegisterStreamConsumer');
      expect(actions).not.toContain('kinesis:DeregisterStreamConsumer');
      const resources = statements.flatMap((statement) => statement.resources);
      expect(
        resources.filter((resource) => JSON.stringify(resource).includes('/consumer/')),
      ).toEqual([]);
    });

    it('alarms on function errors and on batches in the on-failure queue', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
      });
    });
  });

  it("with readMode: 'poll', keeps the standard event source on the stream and registers no consumer", () => {
    // Arrange
    const { stack } = newStack();
    const trades = new TradeStream(stack, 'Trades', { alarms: false });
    const history = new TradeHistoryTable(stack, 'History', { alarms: false });

    // Act
    const processor = new TradeProcessor(stack, 'Processor', {
      stream: trades.stream,
      historyTable: history.table,
      batchSize: 250,
      maxBatchingWindow: Duration.seconds(1),
      retryAttempts: 5,
      readMode: 'poll',
      alarms: false,
    });

    // Assert
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TradesStream'), 'Arn'] },
      ...MAPPING_SETTINGS,
    });
    template.resourceCountIs('AWS::Kinesis::StreamConsumer', 0);
    expect(processor.consumer).toBeUndefined();
    expect(actionsOfPolicy(template, 'ProcessorHandlerRoleDefaultPolicy')).toEqual(
      expect.arrayContaining(['kinesis:GetRecords', 'kinesis:GetShardIterator']),
    );
  });

  it('without a fan-out runs the history-only recorder with an existing queue', () => {
    const { stack } = newStack();
    const trades = new TradeStream(stack, 'Trades', { alarms: false });
    const history = new TradeHistoryTable(stack, 'History', { alarms: false });
    const queue = new sqs.Queue(stack, 'Failures', { enforceSSL: true });

    const processor = new TradeProcessor(stack, 'Processor', {
      stream: trades.stream,
      historyTable: history.table,
      existingDeadLetterQueue: queue,
      alarms: false,
    });

    const template = templateOf(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^market-stream recorder'),
      Environment: { Variables: { HISTORY_TABLE: Match.anyValue() } },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Failures'), 'Arn'] } },
      },
    });
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(processor.deadLetterQueue).toBe(queue);
  });

  it('rejects both queue props, and a processor with neither history nor fan-out', () => {
    const { stack } = newStack();
    const trades = new TradeStream(stack, 'Trades', { alarms: false });
    const queue = new sqs.Queue(stack, 'Failures');

    expect(
      () =>
        new TradeProcessor(stack, 'Both', {
          stream: trades.stream,
          existingDeadLetterQueue: queue,
          deadLetterQueueProps: {},
        }),
    ).toThrow(ConstructPropsError);
    expect(() => new TradeProcessor(stack, 'Nothing', { stream: trades.stream })).toThrow(
      /historyTable or fanout/,
    );
  });
});
