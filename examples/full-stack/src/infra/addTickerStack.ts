import { fileURLToPath } from 'node:url';
import { TickerSystem } from '@market-stream/cdk-constructs';
import { type App, Stack, Tags } from 'aws-cdk-lib';
import { Source } from 'aws-cdk-lib/aws-s3-deployment';
import { buildSite } from '../page/buildSite.js';

/** What `cdk deploy` builds; each field is also a context value (`cdk deploy -c fanout=containers`). */
export interface TickerStackOptions {
  /**
   * `serverless` (API Gateway WebSocket + Lambda), `containers` (Fargate fan-out nodes) or
   * `events` (AWS AppSync Events; the page subscribes with an API key that can only subscribe).
   */
  fanout: 'serverless' | 'containers' | 'events';
  /** Trades per second per symbol from the producer service. */
  tradesPerSecond?: number;
  /** Delivery mode of the fan-out. */
  mode?: 'latest' | 'all';
  /**
   * Where the page (the same page `pnpm start` serves, reading `config.json`) is built before
   * the website deploys it.
   * @default examples/full-stack/dist/site
   */
  siteDirectory?: string;
}

const defaultSiteDirectory = fileURLToPath(new URL('../../dist/site', import.meta.url));

const containers = (name: string) =>
  fileURLToPath(new URL(`../../containers/${name}`, import.meta.url));

/**
 * The full-stack example's stack: one complete `TickerSystem`, with the example's container
 * images and the example's page (built by buildSite, the same page as `pnpm start`).
 */
export function addTickerStack(
  app: App,
  options: TickerStackOptions,
): { stack: Stack; system: TickerSystem } {
  const stack = new Stack(app, 'MarketStreamTicker', {
    description: `market-stream live ticker (${options.fanout} fan-out)`,
    // The CLI's account and region (from your AWS profile) when it has them; otherwise the stack
    // is environment-agnostic (offline synth) and deploys to whichever region the CLI targets.
    env: {
      account: process.env.CDK_DEFAULT_ACCOUNT,
      region: process.env.CDK_DEFAULT_REGION,
    },
  });
  Tags.of(stack).add('project', 'market-stream');
  const system = new TickerSystem(stack, 'Ticker', {
    fanout: options.fanout,
    mode: options.mode ?? 'latest',
    tradesPerSecond: options.tradesPerSecond ?? 5,
    website: {
      sources: [Source.asset(buildSite(options.siteDirectory ?? defaultSiteDirectory).directory)],
    },
    producer: { dockerfileDirectory: containers('producer') },
    ...(options.fanout === 'containers'
      ? { containerFanout: { dockerfileDirectory: containers('fanout-node') } }
      : {}),
  });
  return { stack, system };
}
