import { App, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConstructPropsError,
  ContainerFanoutService,
  type ContainerFanoutServiceProps,
  TradeHistoryTable,
  TradeStream,
} from '../../src/index.js';
import {
  actionsOfPolicy,
  CONTAINER_FIXTURE,
  iamStatements,
  nagFindings,
  newStack,
  SYNTH_TIMEOUT,
  templateOf,
} from './helpers/cdk.js';

describe('ContainerFanoutService', { timeout: SYNTH_TIMEOUT }, () => {
  let template: Template;
  let nodes: ContainerFanoutService;
  let app: App;

  beforeAll(() => {
    const { stack, app: stackApp } = newStack();
    app = stackApp;
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

  it('runs ARM64 fan-out nodes that read the stream by push, on port 8080', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [
        Match.objectLike({
          PortMappings: [Match.objectLike({ ContainerPort: 8080 })],
          Environment: Match.arrayWith([
            { Name: 'STREAM_NAME', Value: { Ref: Match.stringLikeRegexp('^TradesStream') } },
            { Name: 'PORT', Value: '8080' },
            { Name: 'FANOUT_MODE', Value: 'latest' },
            { Name: 'STREAM_CONSUMER_PREFIX', Value: nodes.consumerNamePrefix },
          ]),
        }),
      ],
    });
    expect(nodes.consumerNamePrefix).toMatch(/^TestNodes[A-Za-z0-9]+$/);
    const actions = actionsOfPolicy(template, 'NodesTaskTaskRoleDefaultPolicy');
    expect(actions).toEqual(expect.arrayContaining(['kinesis:SubscribeToShard', 'dynamodb:Query']));
    expect(actions).not.toContain('kinesis:PutRecords');
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('lets each task register, use and deregister only consumers of this stream named <prefix>-*, and read no records by polling', () => {
    const streamArn = { 'Fn::GetAtt': [expect.stringMatching(/^TradesStream/), 'Arn'] };
    const kinesisStatements = iamStatements(template).filter(
      (statement) =>
        statement.policy.startsWith('NodesTaskTaskRoleDefaultPolicy') &&
        statement.actions.some((action) => action.startsWith('kinesis:')),
    );

    expect(kinesisStatements).toEqual([
      {
        policy: expect.any(String),
        actions: [
          'kinesis:DescribeStreamSummary',
          'kinesis:ListShards',
          'kinesis:RegisterStreamConsumer',
        ],
        resources: [streamArn],
      },
      {
        policy: expect.any(String),
        actions: [
          'kinesis:DescribeStreamConsumer',
          'kinesis:SubscribeToShard',
          'kinesis:DeregisterStreamConsumer',
        ],
        resources: [{ 'Fn::Join': ['', [streamArn, `/consumer/${nodes.consumerNamePrefix}-*`]] }],
      },
    ]);
  });

  it('replaces tasks half at a time, stopping before starting, so the tasks never hold more consumers than desired', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        MinimumHealthyPercent: 50,
        MaximumPercent: 100,
      }),
    });
  });

  it("with readMode: 'poll', reads the stream with GetRecords and registers no consumer", () => {
    // Arrange
    const { stack } = newStack();
    const trades = new TradeStream(stack, 'Trades', { alarms: false });
    const history = new TradeHistoryTable(stack, 'History', { alarms: false });

    // Act
    const polling = new ContainerFanoutService(stack, 'Nodes', {
      stream: trades.stream,
      historyTable: history.table,
      dockerfileDirectory: CONTAINER_FIXTURE,
      readMode: 'poll',
      maxCapacity: 30,
    });

    // Assert
    const polled = templateOf(stack);
    const actions = actionsOfPolicy(polled, 'NodesTaskTaskRoleDefaultPolicy');
    expect(actions).toEqual(expect.arrayContaining(['kinesis:GetRecords', 'dynamodb:Query']));
    expect(actions).not.toContain('kinesis:PutRecords');
    expect(actions).not.toContain('kinesis:RegisterStreamConsumer');
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    expect(polling.consumerNamePrefix).toBeUndefined();
    const [task] = Object.values(polled.findResources('AWS::ECS::TaskDefinition'));
    const names = task?.Properties.ContainerDefinitions[0].Environment.map(
      (variable: { Name: string }) => variable.Name,
    );
    expect(names).toContain('STREAM_NAME');
    expect(names).not.toContain('STREAM_CONSUMER_PREFIX');
    polled.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MaxCapacity: 30,
    });
  });

  it('refuses more push nodes than the stream has consumers free, saying what to do instead', () => {
    // Arrange: each attempt in a stack of its own.
    const attempt = (props: Partial<ContainerFanoutServiceProps>) => () => {
      const { stack } = newStack();
      const trades = new TradeStream(stack, 'Trades', { alarms: false });
      const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/example/fanout:1');
      return new ContainerFanoutService(stack, 'Nodes', { stream: trades.stream, image, ...props });
    };

    // Act
    const tooMany = attempt({ maxCapacity: 21 });
    const tooManyWithProcessor = attempt({ otherStreamConsumers: 1, maxCapacity: 20 });
    const single = attempt({ minCapacity: 1 });

    // Assert
    expect(tooMany).toThrow(ConstructPropsError);
    expect(tooMany).toThrow(
      /maxCapacity 21 .*at most 20 nodes.*maxCapacity to 20 or fewer.*readMode: 'poll'/,
    );
    expect(tooManyWithProcessor).toThrow(
      /other readers hold 1 \(otherStreamConsumers\).*at most 19 nodes/,
    );
    expect(single).toThrow(/needs minCapacity ≥ 2/);
    expect(attempt({ readMode: 'poll', minCapacity: 1, maxCapacity: 50 })).not.toThrow();
  });

  it('takes as many push nodes as the stream has consumers free when maxCapacity is unset', () => {
    // Arrange
    const { stack } = newStack();
    const trades = new TradeStream(stack, 'Trades', { alarms: false });

    // Act
    new ContainerFanoutService(stack, 'Nodes', {
      stream: trades.stream,
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/fanout:1'),
      otherStreamConsumers: 5,
    });

    // Assert
    templateOf(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 15,
    });
  });

  it("may decrypt with the stream's own KMS key when it has one", () => {
    // Arrange
    const { stack } = newStack();
    const encryptionKey = new kms.Key(stack, 'StreamKey', { enableKeyRotation: true });
    const trades = new TradeStream(stack, 'Trades', {
      alarms: false,
      streamProps: { encryption: kinesis.StreamEncryption.KMS, encryptionKey },
    });

    // Act
    new ContainerFanoutService(stack, 'Nodes', {
      stream: trades.stream,
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/fanout:1'),
    });

    // Assert
    expect(actionsOfPolicy(templateOf(stack), 'NodesTaskTaskRoleDefaultPolicy')).toContain(
      'kms:Decrypt',
    );
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

  it('lets only CloudFront’s origin-facing prefix list reach the load balancer, looked up at deploy time', () => {
    const lookups = template.findResources('Custom::AWS');
    const [lookupId, lookup] = Object.entries(lookups)[0] ?? [];
    const call = JSON.parse(String(lookup?.Properties.Create)) as Record<string, unknown>;

    expect(Object.keys(lookups)).toHaveLength(1);
    expect(call).toMatchObject({
      service: 'EC2',
      action: 'describeManagedPrefixLists',
      parameters: {
        Filters: [
          { Name: 'prefix-list-name', Values: ['com.amazonaws.global.cloudfront.origin-facing'] },
        ],
      },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 80,
      ToPort: 80,
      SourcePrefixListId: { 'Fn::GetAtt': [lookupId, 'PrefixLists.0.PrefixListId'] },
      Description: 'WebSocket clients',
    });
    const ingress = [
      ...Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(
        (rule) => rule.Properties,
      ),
      ...Object.values(template.findResources('AWS::EC2::SecurityGroup')).flatMap(
        (group) => group.Properties.SecurityGroupIngress ?? [],
      ),
    ];
    expect(
      ingress.filter((rule) => rule.CidrIp !== undefined || rule.CidrIpv6 !== undefined),
    ).toEqual([]);
  });

  it('forwards only /ws to the nodes and answers 404 for /metrics and every other path', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [
        {
          Type: 'fixed-response',
          FixedResponseConfig: Match.objectLike({ StatusCode: '404' }),
        },
      ],
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 1,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/ws'] } }],
      Actions: [Match.objectLike({ Type: 'forward' })],
    });
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged errors', () => {
    const errors = nagFindings(app).filter((finding) => finding.severity === 'error');

    expect(errors).toEqual([]);
  });

  it('synthesizes in an environment-agnostic stack, access logs included (region → ELB account at deploy)', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const trades = new TradeStream(stack, 'Trades', { alarms: false });

    new ContainerFanoutService(stack, 'Nodes', {
      stream: trades.stream,
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/fanout:1'),
    });

    const agnostic = templateOf(stack);
    agnostic.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.prefix', Value: 'alb' },
      ]),
    });
    agnostic.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:PutObject',
            Principal: {
              AWS: Match.anyValue(),
              Service: 'logdelivery.elasticloadbalancing.amazonaws.com',
            },
          }),
        ]),
      },
    });
    const mappings = agnostic.toJSON().Mappings as Record<string, Record<string, unknown>>;
    expect(Object.values(mappings)[0]).toMatchObject({
      'us-east-1': { account: '127311923021' },
      'eu-west-1': { account: '156460612806' },
    });
    expect(Object.keys(agnostic.toJSON().Conditions ?? {})).toHaveLength(1);
    expect(nagFindings(stack).filter((finding) => finding.severity === 'error')).toEqual([]);
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
