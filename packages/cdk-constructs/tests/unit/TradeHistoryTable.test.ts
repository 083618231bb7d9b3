import { RemovalPolicy } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConstructPropsError, TradeHistoryTable } from '../../src/index.js';
import { actionsOfPolicy, newStack, SYNTH_TIMEOUT, templateOf } from './helpers/cdk.js';

describe('TradeHistoryTable', { timeout: SYNTH_TIMEOUT }, () => {
  let template: Template;

  beforeAll(() => {
    const { stack } = newStack();
    const history = new TradeHistoryTable(stack, 'History');
    const api = new iam.Role(stack, 'Api', { assumedBy: new iam.AccountRootPrincipal() });
    const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() });
    history.grantQuery(api);
    history.grantWriteData(writer);
    template = templateOf(stack);
  }, SYNTH_TIMEOUT);

  it('has the sinks key design: pk (symbol) and sk (timestamp+seq) strings, TTL on ttl', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });

  it('is encrypted with KMS, has point-in-time recovery, bills on demand, is retained', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  });

  it('grantQuery grants Query and nothing else; grantWriteData names its actions', () => {
    expect(actionsOfPolicy(template, 'ApiDefaultPolicy')).toEqual(['dynamodb:Query']);
    const written = actionsOfPolicy(template, 'WriterDefaultPolicy');
    expect(written).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:BatchWriteItem']),
    );
    expect(written.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('alarms on write throttling', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/DynamoDB',
      MetricName: 'WriteThrottleEvents',
      Threshold: 1,
    });
  });

  it('applies tableProps but keeps the key schema', () => {
    const { stack } = newStack();
    new TradeHistoryTable(stack, 'History', {
      tableProps: { removalPolicy: RemovalPolicy.DESTROY, tableName: 'trade-history' },
      alarms: false,
    });

    const table = templateOf(stack);
    table.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    table.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'trade-history',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    table.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  it('rejects existingTable together with tableProps', () => {
    const { stack } = newStack();
    const existing = dynamodb.Table.fromTableName(stack, 'Existing', 'trade-history');

    expect(
      () => new TradeHistoryTable(stack, 'History', { existingTable: existing, tableProps: {} }),
    ).toThrow(ConstructPropsError);
  });
});
