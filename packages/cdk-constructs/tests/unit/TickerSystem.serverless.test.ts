import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureHandlerBundles, iamStatements, SYNTH_TIMEOUT } from './helpers/cdk.js';
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

  it('lets the message handler recover from the history table: HISTORY_TABLE and Query only', () => {
    const { template, system, stack } = synthesized;
    const historyRef = stack.resolve(system.history.table.tableName);

    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'market-stream subscribe / unsubscribe / ping',
      Environment: { Variables: Match.objectLike({ HISTORY_TABLE: historyRef }) },
    });
    const messageRole = iamStatements(template).filter(
      (statement) =>
        statement.policy.startsWith('TickerFanoutMessageRole') &&
        JSON.stringify(statement.resources).includes(`"${historyRef.Ref}"`),
    );
    expect(messageRole.flatMap((statement) => statement.actions)).toEqual(['dynamodb:Query']);
  });
});
