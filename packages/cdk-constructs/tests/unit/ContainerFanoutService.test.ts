import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConstructPropsError,
  ContainerFanoutService,
  TradeHistoryTable,
  TradeStream,
} from '../../src/index.js';
import {
  actionsOfPolicy,
  CONTAINER_FIXTURE,
  newStack,
  SYNTH_TIMEOUT,
  templateOf,
} from './helpers/cdk.js';

describe('ContainerFanoutService', { timeout: SYNTH_TIMEOUT }, () => {
  let template: Template;
  let nodes: ContainerFanoutService;

  beforeAll(() => {
    const { stack } = newStack();
    const trades = new TradeStream(stack, 'Trades', { alarms: false });
    const history = new TradeHistoryTable(stack, 'History', { alarms: false });
    nodes = new ContainerFanoutService(stack, 'Nodes', {
      stream: trades.stream,
      historyTable: history.table,
      dockerfileDirectory: CONTAINER_FIXTURE,
      maxCapacity: 8,
    });
    template = templateOf(stack);
  }, SYNTH_TIMEOUT);

  it('runs ARM64 fan-out nodes that read the stream, on port 8080', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [
        Match.objectLike({
          PortMappings: [Match.objectLike({ ContainerPort: 8080 })],
          Environment: Match.arrayWith([
            { Name: 'STREAM_NAME', Value: { Ref: Match.stringLikeRegexp('^TradesStream') } },
            { Name: 'PORT', Value: '8080' },
            { Name: 'FANOUT_MODE', Value: 'latest' },
          ]),
        }),
      ],
    });
    const actions = actionsOfPolicy(template, 'NodesTaskTaskRoleDefaultPolicy');
    expect(actions).toEqual(expect.arrayContaining(['kinesis:GetRecords', 'dynamodb:Query']));
    expect(actions).not.toContain('kinesis:PutRecords');
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('sits behind an internet-facing ALB with a WebSocket idle timeout and access logs', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'idle_timeout.timeout_seconds', Value: '300' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      HealthCheckPath: '/healthz',
      TargetType: 'ip',
    });
    expect(nodes.webSocketUrl).toMatch(/^ws:\/\/.+\/ws$/);
  });

  it('scales 2…maxCapacity on new connections per task', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 8,
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: Match.objectLike({
          PredefinedMetricType: 'ALBRequestCountPerTarget',
        }),
        TargetValue: 1000,
      }),
    });
  });

  it('scales on CPU when asked and rejects a missing image', () => {
    const { stack } = newStack();
    const trades = new TradeStream(stack, 'Trades', { alarms: false });
    new ContainerFanoutService(stack, 'Nodes', {
      stream: trades.stream,
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/fanout:1'),
      scaleOn: 'cpu',
      targetCpuPercent: 50,
    });

    templateOf(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 50,
      }),
    });
    expect(() => new ContainerFanoutService(stack, 'NoImage', { stream: trades.stream })).toThrow(
      ConstructPropsError,
    );
  });
});
