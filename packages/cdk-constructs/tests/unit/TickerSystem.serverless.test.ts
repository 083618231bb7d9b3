import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureHandlerBundles, SYNTH_TIMEOUT } from './helpers/cdk.js';
import {
  itHoldsForEveryTopology,
  type SynthesizedSystem,
  synthesizeSystem,
} from './helpers/tickerSystem.js';

describe("TickerSystem (fanout: 'serverless')", { timeout: SYNTH_TIMEOUT }, () => {
  let synthesized: SynthesizedSystem;

  beforeAll(async () => {
    await ensureHandlerBundles();
    synthesized = synthesizeSystem('serverless');
  }, SYNTH_TIMEOUT);

  itHoldsForEveryTopology(() => synthesized);

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
