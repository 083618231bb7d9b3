import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TickerSystem } from '../../src/index.js';
import {
  ensureHandlerBundles,
  iamStatements,
  nagFindings,
  newStack,
  SYNTH_TIMEOUT,
  stableTemplate,
  wildcardActions,
} from './helpers/cdk.js';
import { type SynthesizedSystem, synthesizeSystem } from './helpers/tickerSystem.js';

describe("TickerSystem (fanout: 'containers')", { timeout: SYNTH_TIMEOUT }, () => {
  let synthesized: SynthesizedSystem;

  beforeAll(async () => {
    await ensureHandlerBundles();
    synthesized = synthesizeSystem('containers');
  }, SYNTH_TIMEOUT);

  it('passes cdk-nag AwsSolutions with no unacknowledged errors', () => {
    const errors = nagFindings(synthesized.app).filter((finding) => finding.severity === 'error');

    expect(errors).toEqual([]);
  });

  it('grants no wildcard actions on Kinesis, DynamoDB, SQS or execute-api', () => {
    const statements = iamStatements(synthesized.template);

    expect(statements.length).toBeGreaterThan(10);
    expect(
      wildcardActions(synthesized.template, ['kinesis', 'dynamodb', 'sqs', 'execute-api']),
    ).toEqual([]);
  });

  it('outputs the website, WebSocket and history API URLs and the stream name', () => {
    const outputs = Object.keys(synthesized.template.findOutputs('*'));

    for (const name of ['WebsiteUrl', 'WebSocketUrl', 'HistoryApiUrl', 'StreamName']) {
      expect(outputs.some((output) => output.includes(name))).toBe(true);
    }
  });

  it('matches the template snapshot (asset hashes stripped)', () => {
    expect(stableTemplate(synthesized.template)).toMatchSnapshot();
  });

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

  it('refuses the container topology without a fan-out node image', () => {
    const { stack } = newStack();

    expect(() => new TickerSystem(stack, 'Ticker', { fanout: 'containers' })).toThrow(
      /containerFanout/,
    );
  });
});
