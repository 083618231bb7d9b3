// `cdk synth` / `cdk deploy` entry point (see cdk.json). Choose the topology with
// `-c fanout=serverless|containers|events`, the mode with `-c mode=latest|all`, the rate with
// `-c tradesPerSecond=5`.
import { App } from 'aws-cdk-lib';
import { addTickerStack } from './addTickerStack.js';

const app = new App();
const fanout = String(app.node.tryGetContext('fanout') ?? 'serverless');
if (fanout !== 'serverless' && fanout !== 'containers' && fanout !== 'events') {
  throw new Error(`-c fanout must be serverless, containers or events, not "${fanout}"`);
}
const mode = String(app.node.tryGetContext('mode') ?? 'latest');
if (mode !== 'latest' && mode !== 'all')
  throw new Error(`-c mode must be latest or all, not "${mode}"`);
const tradesPerSecond = Number(app.node.tryGetContext('tradesPerSecond') ?? 5);
if (!(tradesPerSecond > 0)) throw new Error('-c tradesPerSecond must be a positive number');

addTickerStack(app, { fanout, mode, tradesPerSecond });
app.synth();
