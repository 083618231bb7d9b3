import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TickerSystem } from '../../src/index.js';
import {
  CONTAINER_FIXTURE,
  ensureHandlerBundles,
  nagFindings,
  newStack,
  SYNTH_TIMEOUT,
  templateOf,
} from './helpers/cdk.js';
import {
  itHoldsForEveryTopology,
  type SynthesizedSystem,
  synthesizeSystem,
} from './helpers/tickerSystem.js';

describe("TickerSystem (fanout: 'containers')", { timeout: SYNTH_TIMEOUT }, () => {
  let synthesized: SynthesizedSystem;

  beforeAll(async () => {
    await ensureHandlerBundles();
    synthesized = synthesizeSystem('containers');
  }, SYNTH_TIMEOUT);

  itHoldsForEveryTopology(() => synthesized);

  it('fans out through Fargate nodes behind CloudFront at /ws; the processor only records history', () => {
    const { template, system } = synthesized;

    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.resourceCountIs('AWS::ECS::Service', 2);
    template.resourceCountIs('AWS::ECS::Cluster', 1);
    expect(system.serverlessFanout).toBeUndefined();
    expect(system.website.webSocketUrl).toMatch(/\/ws$/);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^market-stream recorder'),
      Environment: { Variables: { HISTORY_TABLE: Match.anyValue() } },
    });
  });

  it('reads by push: the processor through its consumer, each node through its own, 19 nodes at most', () => {
    const { template, system } = synthesized;

    template.resourceCountIs('AWS::Kinesis::StreamConsumer', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: {
        'Fn::GetAtt': [Match.stringLikeRegexp('^TickerProcessorConsumer'), 'ConsumerARN'],
      },
    });
    expect(system.processor.consumer).toBeDefined();
    expect(system.containerFanout?.consumerNamePrefix).toBeDefined();
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 19,
    });
  });

  it("with readMode: 'poll', registers no consumer and keeps 20 polling nodes", () => {
    // Arrange
    const { stack } = newStack();

    // Act
    const system = new TickerSystem(stack, 'Ticker', {
      fanout: 'containers',
      readMode: 'poll',
      containerFanout: { dockerfileDirectory: CONTAINER_FIXTURE },
    });

    // Assert
    const template = templateOf(stack);
    template.resourceCountIs('AWS::Kinesis::StreamConsumer', 0);
    expect(system.containerFanout?.consumerNamePrefix).toBeUndefined();
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MaxCapacity: 20,
    });
  });

  it('synthesizes in an environment-agnostic stack (no account or region) and passes cdk-nag', () => {
    // Arrange
    const app = new App();
    const stack = new Stack(app, 'Agnostic');

    // Act
    new TickerSystem(stack, 'Ticker', {
      fanout: 'containers',
      producer: { dockerfileDirectory: CONTAINER_FIXTURE },
      containerFanout: { dockerfileDirectory: CONTAINER_FIXTURE },
    });
    const template = templateOf(stack);

    // Assert
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.enabled', Value: 'true' }]),
    });
    expect(nagFindings(app).filter((finding) => finding.severity === 'error')).toEqual([]);
  });

  it('refuses the container topology without a fan-out node image', () => {
    const { stack } = newStack();

    expect(() => new TickerSystem(stack, 'Ticker', { fanout: 'containers' })).toThrow(
      /containerFanout/,
    );
  });
});
