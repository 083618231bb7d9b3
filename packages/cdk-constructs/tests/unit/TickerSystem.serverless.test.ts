import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ensureHandlerBundles,
  iamStatements,
  nagFindings,
  SYNTH_TIMEOUT,
  stableTemplate,
  wildcardActions,
} from './helpers/cdk.js';
import { type SynthesizedSystem, synthesizeSystem } from './helpers/tickerSystem.js';

describe("TickerSystem (fanout: 'serverless')", { timeout: SYNTH_TIMEOUT }, () => {
  let synthesized: SynthesizedSystem;

  beforeAll(async () => {
    await ensureHandlerBundles();
    synthesized = synthesizeSystem('serverless');
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

  it('fans out through the WebSocket API, fed by the processor', () => {
    const { template, system } = synthesized;

    template.resourceCountIs('AWS::ApiGatewayV2::Api', 2);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    expect(system.serverlessFanout).toBeDefined();
    expect(system.containerFanout).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^market-stream processor'),
      Environment: {
        Variables: Match.objectLike({
          CONNECTIONS_TABLE: Match.anyValue(),
          HISTORY_TABLE: Match.anyValue(),
        }),
      },
    });
  });
});
