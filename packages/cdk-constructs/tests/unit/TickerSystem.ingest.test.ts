import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, TickerSystem } from '../../src/index.js';
import {
  CONTAINER_FIXTURE,
  ensureHandlerBundles,
  nagFindings,
  newStack,
  SYNTH_TIMEOUT,
  templateOf,
  wildcardActions,
} from './helpers/cdk.js';

describe('TickerSystem ingest option', { timeout: SYNTH_TIMEOUT }, () => {
  beforeAll(async () => {
    await ensureHandlerBundles();
  }, SYNTH_TIMEOUT);

  it('adds an IAM-authorized POST /ingest into the stream, reserving the producer’s tickers, cdk-nag clean', () => {
    const { app, stack } = newStack('TickerStack');
    const system = new TickerSystem(stack, 'Ticker', {
      fanout: 'serverless',
      producer: { dockerfileDirectory: CONTAINER_FIXTURE },
      ingest: true,
    });

    const template = templateOf(stack);
    expect(system.ingestApi).toBeDefined();
    expect(Object.keys(template.findOutputs('*')).some((name) => name.includes('IngestUrl'))).toBe(
      true,
    );
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /ingest',
      AuthorizationType: 'AWS_IAM',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          INGEST_STREAM_NAME: { Ref: Match.stringLikeRegexp('Stream') },
          INGEST_RESERVED_SYMBOLS: DEFAULTS.tickers.join(','),
        },
      },
    });
    expect(wildcardActions(template, ['kinesis', 'sqs', 'execute-api'])).toEqual([]);
    expect(nagFindings(app).filter((finding) => finding.severity === 'error')).toEqual([]);
  });

  it('takes the API’s settings, and adds nothing without the option', () => {
    const withJwt = newStack('WithJwt');
    const without = newStack('Without');

    const jwtSystem = new TickerSystem(withJwt.stack, 'Ticker', {
      fanout: 'serverless',
      ingest: { jwt: { issuer: 'https://auth.example.com', audience: ['ingest'] } },
    });
    const plain = new TickerSystem(without.stack, 'Ticker', { fanout: 'serverless' });

    templateOf(withJwt.stack).hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /ingest',
      AuthorizationType: 'JWT',
    });
    expect(jwtSystem.ingestApi).toBeDefined();
    expect(plain.ingestApi).toBeUndefined();
    const routes = Object.values(
      templateOf(without.stack).findResources('AWS::ApiGatewayV2::Route'),
    ).map((route) => route.Properties.RouteKey);
    expect(routes).not.toContain('POST /ingest');
  });
});
