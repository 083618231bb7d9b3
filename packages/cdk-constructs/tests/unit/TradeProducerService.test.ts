import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConstructPropsError, TradeProducerService, TradeStream } from '../../src/index.js';
import {
  actionsOfPolicy,
  CONTAINER_FIXTURE,
  newStack,
  SYNTH_TIMEOUT,
  templateOf,
} from './helpers/cdk.js';

describe('TradeProducerService', { timeout: SYNTH_TIMEOUT }, () => {
  let template: Template;

  beforeAll(() => {
    const { stack } = newStack();
    const trades = new TradeStream(stack, 'Trades', { alarms: false });
    new TradeProducerService(stack, 'Producer', {
      stream: trades.stream,
      dockerfileDirectory: CONTAINER_FIXTURE,
      tradesPerSecond: 200,
      tickers: ['AAPL', 'MSFT', 'BRK.B'],
    });
    template = templateOf(stack);
  }, SYNTH_TIMEOUT);

  it('runs an ARM64 Fargate task built from the Dockerfile directory', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [
        Match.objectLike({
          Image: Match.objectLike({ 'Fn::Sub': Match.stringLikeRegexp('container-assets') }),
          LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
        }),
      ],
    });
  });

  it('passes the stream, rate and tickers to the simulator', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Environment: Match.arrayWith([
            { Name: 'STREAM_NAME', Value: { Ref: Match.stringLikeRegexp('^TradesStream') } },
            { Name: 'TRADES_PER_SECOND', Value: '200' },
            { Name: 'TICKERS', Value: 'AAPL,MSFT,BRK.B' },
          ]),
        }),
      ],
    });
  });

  it('may only put records into the stream', () => {
    const actions = actionsOfPolicy(template, 'ProducerTaskTaskRoleDefaultPolicy');

    expect(actions).toEqual(expect.arrayContaining(['kinesis:PutRecord', 'kinesis:PutRecords']));
    expect(actions.every((action) => action.startsWith('kinesis:'))).toBe(true);
    expect(actions).not.toContain('kinesis:GetRecords');
  });

  it('runs one task in private subnets of a new cluster with Container Insights', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 1,
      LaunchType: 'FARGATE',
      NetworkConfiguration: {
        AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }),
      },
    });
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
  });

  it('needs exactly one of image and dockerfileDirectory, and a positive rate', () => {
    const { stack } = newStack();
    const trades = new TradeStream(stack, 'Trades', { alarms: false });
    const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/example/producer:1');

    expect(() => new TradeProducerService(stack, 'A', { stream: trades.stream })).toThrow(
      ConstructPropsError,
    );
    expect(
      () =>
        new TradeProducerService(stack, 'B', {
          stream: trades.stream,
          image,
          dockerfileDirectory: CONTAINER_FIXTURE,
        }),
    ).toThrow(/not both/);
    expect(
      () =>
        new TradeProducerService(stack, 'C', { stream: trades.stream, image, tradesPerSecond: 0 }),
    ).toThrow(/tradesPerSecond/);
  });
});
