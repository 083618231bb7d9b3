import type { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConstructPropsError,
  DeadLetterReplay,
  type DeadLetterReplayProps,
  TradeHistoryTable,
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

function build(props: Partial<DeadLetterReplayProps> = {}): {
  stack: Stack;
  replay: DeadLetterReplay;
  template: Template;
} {
  const { stack } = newStack();
  const trades = new TradeStream(stack, 'Trades', { alarms: false });
  const history = new TradeHistoryTable(stack, 'History', { alarms: false });
  const queue = new sqs.Queue(stack, 'OnFailure', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  const replay = new DeadLetterReplay(stack, 'Replay', {
    queue,
    stream: trades.stream,
    historyTable: history.table,
    ...props,
  });
  const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
  replay.grantInvoke(operator);
  return { stack, replay, template: templateOf(stack) };
}

const policy = 'ReplayHandlerRoleDefaultPolicy';

describe('DeadLetterReplay', { timeout: SYNTH_TIMEOUT }, () => {
  let built: ReturnType<typeof build>;

  beforeAll(async () => {
    await ensureHandlerBundles();
    built = build();
  }, SYNTH_TIMEOUT);

  it('runs the replay handler on demand only: no event source, no schedule', () => {
    built.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('dead-letter replay'),
      Timeout: 300,
      Environment: {
        Variables: {
          REPLAY_QUEUE_URL: { Ref: Match.stringLikeRegexp('^OnFailure') },
          REPLAY_STREAM_NAME: { Ref: Match.stringLikeRegexp('^Trades') },
          REPLAY_HISTORY_TABLE: { Ref: Match.stringLikeRegexp('^History') },
          REPLAY_METRIC_NAMESPACE: 'MarketStream/DeadLetterReplay',
        },
      },
    });
    built.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    built.template.resourceCountIs('AWS::Events::Rule', 0);
    built.template.resourceCountIs('AWS::Scheduler::Schedule', 0);
  });

  it('holds least privilege: receive/delete/visibility on the queue, stream reads, BatchWriteItem on the table', () => {
    const actions = actionsOfPolicy(built.template, policy).filter(
      (action) => !action.startsWith('logs:') && !action.startsWith('kms:'),
    );

    expect([...new Set(actions)].sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'kinesis:DescribeStream',
      'kinesis:DescribeStreamSummary',
      'kinesis:GetRecords',
      'kinesis:GetShardIterator',
      'kinesis:ListShards',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:ReceiveMessage',
    ]);
    const statements = iamStatements(built.template).filter((s) => s.policy.startsWith(policy));
    const on = (service: string) =>
      JSON.stringify(
        statements.filter((s) => s.actions[0]?.startsWith(service)).map((s) => s.resources),
      );
    expect(on('sqs:')).toMatch(/OnFailure/);
    expect(on('sqs:')).not.toMatch(/Trades|History/);
    expect(on('kinesis:')).toMatch(/Trades/);
    expect(on('dynamodb:')).toMatch(/History/);
  });

  it('grants PutRecords on the stream only when asked to write to it', () => {
    const { template } = build({ writeToStream: true, onFailureSink: 'kinesis' });

    expect(actionsOfPolicy(template, policy)).toContain('kinesis:PutRecords');
    expect(actionsOfPolicy(built.template, policy)).not.toContain('kinesis:PutRecords');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REPLAY_ON_FAILURE_SINK: 'kinesis' }) },
    });
  });

  it('alarms when a run kept messages (its EMF count) and when the function fails', () => {
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'MarketStream/DeadLetterReplay',
      MetricName: 'Kept',
      Statistic: 'Sum',
      Threshold: 1,
      Dimensions: [
        { Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^ReplayHandler') } },
      ],
      TreatMissingData: 'notBreaching',
    });
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors' });
    expect(built.replay.keptAlarm).toBeDefined();
  });

  it('keeps its logs 30 days and lets an operator invoke it', () => {
    built.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    const invoke = iamStatements(built.template).filter((s) =>
      s.actions.includes('lambda:InvokeFunction'),
    );
    expect(invoke.length).toBeGreaterThan(0);
    expect(JSON.stringify(invoke.map((s) => s.resources))).toMatch(/ReplayHandler/);
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged errors (its invokers’ grants included)', () => {
    // The queue is the test's own (a user's on-failure queue has no dead-letter queue of its own).
    const errors = nagFindings(built.stack).filter(
      (finding) =>
        finding.severity === 'error' &&
        !finding.paths.every((path) => path.startsWith('Test/OnFailure/')),
    );

    expect(errors).toEqual([]);
  });

  it('makes no alarms when asked, and refuses props it cannot honour', () => {
    const { template } = build({ alarms: false });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);

    const attempt = (props: Partial<DeadLetterReplayProps>) => () => {
      const { stack } = newStack();
      const queue = new sqs.Queue(stack, 'Q', { enforceSSL: true });
      new DeadLetterReplay(stack, 'Replay', { queue, ...props });
    };
    expect(attempt({})).toThrow(ConstructPropsError);
    expect(attempt({ writeToStream: true, historyTable: {} as never })).toThrow(
      ConstructPropsError,
    );
  });
});
