import type { FanoutPlan, FanoutTopology } from './planFanoutTypes.js';
import type { PriceTable } from './prices.js';

/** The figures the recommendation weighs: each topology's cost and fit, and the rates behind them. */
export type PlanFigures = Pick<
  FanoutPlan,
  'connectionsApi' | 'eventsApi' | 'serverless' | 'containers' | 'events'
>;

/**
 * Chooses the cheapest topology of `compare` that fits its limits — `containers` when none does
 * (more streams, more nodes) — and says why: the limits the others exceed, the verdict on the
 * topology run today, then what the ones that fit cost.
 *
 * @param plan - Each topology's cost and fit.
 * @param compare - The topologies to choose from.
 * @param current - The topology run today, if given.
 * @param prices - The limits the reason names.
 * @returns The recommendation and its reason.
 *
 * @example
 * ```ts
 * recommendTopology(plan, ['serverless', 'containers', 'events'], 'serverless', PRICE_TABLE).reason;
 * ```
 */
export function recommendTopology(
  plan: PlanFigures,
  compare: readonly FanoutTopology[],
  current: FanoutTopology | undefined,
  prices: PriceTable,
): Pick<FanoutPlan, 'recommendation' | 'reason'> {
  const fitting = compare.filter((topology) => plan[topology].withinLimit);
  const recommendation =
    fitting.length === 0
      ? 'containers'
      : fitting.reduce((best, topology) =>
          plan[topology].monthlyUsd < plan[best].monthlyUsd ? topology : best,
        );
  const verdict =
    current === undefined
      ? ''
      : current === recommendation
        ? ` Stay on ${current}.`
        : ` Switch to ${recommendation}.`;
  const exceeded = compare
    .filter((topology) => !plan[topology].withinLimit)
    .map((topology) => exceededSentence(plan, topology, prices));
  const others = fitting.filter((topology) => topology !== recommendation);
  const usage = `${round(100 * plan.connectionsApi.utilisation)}% of the @connections limit`;
  const cost =
    others.length === 0
      ? ''
      : `${recommendation} costs about $${round(plan[recommendation].monthlyUsd)}/month against ${others
          .map((topology) => `$${round(plan[topology].monthlyUsd)} for ${topology}`)
          .join(' and ')}`;
  const reason =
    exceeded.length > 0
      ? `${exceeded.join(' ')}${verdict}${cost === '' ? '' : ` ${cost}.`}`
      : `${cost === '' ? `${recommendation} is the only topology compared` : cost} (${usage}).${verdict}`;
  return { recommendation, reason };
}

function exceededSentence(plan: PlanFigures, topology: FanoutTopology, prices: PriceTable): string {
  if (topology === 'serverless') {
    const api = plan.connectionsApi;
    return `${round(api.requestsPerSecond)} @connections requests/s exceed the account limit of ${api.limit}/s.`;
  }
  if (topology === 'containers') {
    const consumers = prices.limits.enhancedFanOutConsumersPerStream.value;
    return `${plan.containers.nodes} container nodes exceed the ${consumers} enhanced fan-out consumers of one stream.`;
  }
  const api = plan.eventsApi;
  if (api.outboundPerSecond > api.outboundLimit) {
    return `${round(api.outboundPerSecond)} AppSync outbound operations/s exceed the Event API limit of ${api.outboundLimit}/s.`;
  }
  if (api.inboundPerSecond > api.inboundLimit) {
    return `${round(api.inboundPerSecond)} AppSync inbound operations/s exceed the Event API limit of ${api.inboundLimit}/s.`;
  }
  const subscriptions = prices.limits.eventsSubscriptionsPerConnection.value;
  return `AppSync Events exceeds its connect rate or its ${subscriptions} subscriptions per connection.`;
}

/** A dollar or rate figure as the reason shows it: whole above 100, else 1 or 2 decimals. */
function round(value: number): string {
  return value >= 100
    ? Math.round(value).toLocaleString('en-US')
    : value.toFixed(value >= 10 ? 1 : 2);
}
