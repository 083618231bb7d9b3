// `pnpm -F @market-stream/example-full-stack costs`: the monthly cost table in README.md,
// from planFanout's documented list prices, for the example's default settings.
import { planFanout } from '@market-stream/fanout';

const usd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
});
const rows = [10, 100, 1_000, 10_000].map((connections) => {
  // 20 tickers × 5 trades/s; every page subscribes to all 20; the stream processor runs about
  // once a second per shard, so a serverless client gets about one message a second.
  const plan = planFanout({
    connections,
    tradesPerSecond: 100,
    symbolsPerConnection: 20,
    flushIntervalMs: 1_000,
  });
  return `| ${connections.toLocaleString('en-US')} | ${Math.round(plan.connectionsApi.requestsPerSecond).toLocaleString('en-US')} | ${usd.format(plan.serverless.monthlyUsd)} | ${usd.format(plan.containers.monthlyUsd)} (${plan.containers.nodes} nodes) | ${usd.format(plan.events.monthlyUsd)} | ${plan.recommendation} |`;
});
console.log(
  [
    '| clients | @connections req/s | serverless / month | containers / month | events / month | planFanout says |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n'),
);
