import { fileURLToPath } from 'node:url';
import { TickerSystem } from '@market-stream/cdk-constructs';
import { type App, Stack, Tags } from 'aws-cdk-lib';

/** What `cdk deploy` builds; each field is also a context value (`cdk deploy -c fanout=containers`). */
export interface TickerStackOptions {
  /** `serverless` (API Gateway WebSocket + Lambda) or `containers` (Fargate fan-out nodes). */
  fanout: 'serverless' | 'containers';
  /** Trades per second per symbol from the producer service. */
  tradesPerSecond?: number;
  /** Delivery mode of the fan-out. */
  mode?: 'latest' | 'all';
}

const containers = (name: string) =>
  fileURLToPath(new URL(`../../containers/${name}`, import.meta.url));

/** The full-stack example's stack: one complete `TickerSystem`, with the example's container images. */
export function addTickerStack(
  app: App,
  options: TickerStackOptions,
): { stack: Stack; system: TickerSystem } {
  const stack = new Stack(app, 'MarketStreamTicker', {
    description: `market-stream live ticker (${options.fanout} fan-out)`,
    // The load balancer's access logs name the region's log-delivery account, so the stack needs
    // a concrete region: the CLI's (from your AWS profile), else us-east-1 for offline synth.
    env: {
      account: process.env.CDK_DEFAULT_ACCOUNT,
      region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1',
    },
  });
  Tags.of(stack).add('project', 'market-stream');
  const system = new TickerSystem(stack, 'Ticker', {
    fanout: options.fanout,
    mode: options.mode ?? 'latest',
    tradesPerSecond: options.tradesPerSecond ?? 5,
    producer: { dockerfileDirectory: containers('producer') },
    ...(options.fanout === 'containers'
      ? { containerFanout: { dockerfileDirectory: containers('fanout-node') } }
      : {}),
  });
  return { stack, system };
}
