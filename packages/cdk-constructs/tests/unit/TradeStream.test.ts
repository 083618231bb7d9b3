import { Duration } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConstructPropsError, TradeStream } from '../../src/index.js';
import { actionsOfPolicy, newStack, SYNTH_TIMEOUT, templateOf } from './helpers/cdk.js';

const EXISTING_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/trades';

describe('TradeStream', { timeout: SYNTH_TIMEOUT }, () => {
  describe('with defaults', () => {
    let template: Template;
    let trades: TradeStream;

    beforeAll(() => {
      const { stack } = newStack();
      trades = new TradeStream(stack, 'Trades', {
        iteratorAgeAlarmThreshold: Duration.seconds(30),
      });
      const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() });
      const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
      trades.grantWrite(writer);
      trades.grantRead(reader);
      template = templateOf(stack);
    }, SYNTH_TIMEOUT);

    it('creates an on-demand stream encrypted with KMS (aws/kinesis), 24-hour retention', () => {
      template.hasResourceProperties('AWS::Kinesis::Stream', {
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
        RetentionPeriodHours: 24,
      });
    });

    it('alarms on iterator age and on write and read throttling', () => {
      template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'GetRecords.IteratorAgeMilliseconds',
        Namespace: 'AWS/Kinesis',
        Statistic: 'Maximum',
        Threshold: 30_000,
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'WriteProvisionedThroughputExceeded',
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ReadProvisionedThroughputExceeded',
      });
      expect(trades.iteratorAgeAlarm).toBeDefined();
      expect(trades.writeThrottleAlarm).toBeDefined();
      expect(trades.readThrottleAlarm).toBeDefined();
    });

    it('grantWrite and grantRead grant named Kinesis actions on this stream only', () => {
      const written = actionsOfPolicy(template, 'WriterDefaultPolicy');
      const read = actionsOfPolicy(template, 'ReaderDefaultPolicy');

      expect(written).toEqual(expect.arrayContaining(['kinesis:PutRecord', 'kinesis:PutRecords']));
      expect(read).toEqual(
        expect.arrayContaining(['kinesis:GetRecords', 'kinesis:GetShardIterator']),
      );
      expect(written).not.toContain('kinesis:GetRecords');
      expect([...written, ...read].filter((action) => action.includes('*'))).toEqual([]);
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyName: Match.stringLikeRegexp('^WriterDefaultPolicy'),
        PolicyDocument: {
          Statement: [
            Match.objectLike({
              Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TradesStream'), 'Arn'] },
            }),
          ],
        },
      });
    });

    it('metrics name this stream', () => {
      const metric = trades.metricIncomingRecords();
      expect(metric.namespace).toBe('AWS/Kinesis');
      expect(metric.metricName).toBe('IncomingRecords');
      expect(metric.statistic).toBe('Sum');
    });
  });

  it('creates a provisioned stream from streamProps; alarms: false creates no alarms', () => {
    const { stack } = newStack();
    const trades = new TradeStream(stack, 'Trades', {
      streamProps: { streamMode: kinesis.StreamMode.PROVISIONED, shardCount: 4 },
      alarms: false,
    });

    const template = templateOf(stack);
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      ShardCount: 4,
      StreamEncryption: { EncryptionType: 'KMS' },
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(trades.iteratorAgeAlarm).toBeUndefined();
  });

  it('wraps an existing stream: alarms on it, no new stream', () => {
    const { stack } = newStack();
    const existing = kinesis.Stream.fromStreamArn(stack, 'Existing', EXISTING_ARN);

    const trades = new TradeStream(stack, 'Trades', { existingStream: existing });

    const template = templateOf(stack);
    template.resourceCountIs('AWS::Kinesis::Stream', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    expect(trades.streamName).toBe('trades');
  });

  it('rejects existingStream together with streamProps', () => {
    const { stack } = newStack();
    const existing = kinesis.Stream.fromStreamArn(stack, 'Existing', EXISTING_ARN);

    expect(
      () => new TradeStream(stack, 'Trades', { existingStream: existing, streamProps: {} }),
    ).toThrow(ConstructPropsError);
  });
});
