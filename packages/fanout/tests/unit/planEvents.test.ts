import { describe, expect, it } from 'vitest';
import { EVENTS_PUBLISHER_DEFAULTS, PRICE_TABLE, planFanout } from '../../src/index.js';

/** Seed 000's load: 20 symbols × 5 trades/s, every viewer on all 20, the processor once a second. */
const seed000 = {
  tradesPerSecond: 100,
  symbols: 20,
  symbolsPerConnection: 20,
  flushIntervalMs: 1_000,
} as const;
const limits = PRICE_TABLE.limits;
const MONTH_SECONDS = 730 * 3600;

describe('planFanout(): the events topology', () => {
  it('delivers one event per traded symbol per window to every subscriber of its channel', () => {
    const plan = planFanout({ ...seed000, connections: 1_000 });
    const traded = 20 * (1 - Math.exp(-5)); // symbols with a trade in a 1 s window

    expect(plan.eventsApi.inboundPerSecond).toBeCloseTo(traded, 6);
    expect(plan.eventsApi.publishRequestsPerSecond).toBeCloseTo(traded, 6);
    expect(plan.eventsApi.outboundPerSecond).toBeCloseTo(traded * 1_000, 3);
    // The other topologies batch a viewer's 20 symbols into one message a window.
    expect(
      plan.eventsApi.outboundPerSecond / plan.connectionsApi.requestsPerSecond,
    ).toBeGreaterThan(19);
  });

  it('meters each publish and each delivery in 5 KB units', () => {
    const small = planFanout({ ...seed000, connections: 100 });
    // ~100 trades of 120 bytes per symbol per window: a 12 KB event, 3 units each way.
    const large = planFanout({ ...seed000, connections: 100, tradesPerSecond: 2_000 });
    const units = Math.ceil(large.eventsApi.averageEventBytes / limits.eventsMeteringBytes.value);

    expect(small.eventsApi.averageEventBytes).toBeLessThan(5 * 1024);
    expect(units).toBe(3);
    expect(large.eventsApi.inboundPerSecond).toBeCloseTo(20 * units, 6);
    expect(large.eventsApi.outboundPerSecond).toBeCloseTo(20 * 100 * units, 3);
  });

  it('splits a batch over 240 KB into events under the limit, 5 to a publish request', () => {
    // ~12,500 trades of 120 bytes per symbol per window: ~1.5 MB, 7 events, 2 requests.
    const plan = planFanout({ ...seed000, connections: 10, tradesPerSecond: 250_000 });
    const batchBytes = 28 + 12_500 * 120;
    const events = Math.ceil(batchBytes / limits.eventBytes.value);

    expect(events).toBe(7);
    expect(plan.eventsApi.averageEventBytes).toBeLessThanOrEqual(limits.eventBytes.value);
    expect(plan.eventsApi.averageEventBytes).toBeCloseTo(batchBytes / events, 6);
    expect(plan.eventsApi.publishRequestsPerSecond).toBeCloseTo(20 * Math.ceil(events / 5), 6);
  });

  it('prices operations at $1 per million and connection minutes at $0.08 per million, and sums its lines', () => {
    const plan = planFanout({ ...seed000, connections: 1_000 });
    const e = plan.events;
    const connectionMinutes = 1_000 * 730 * 60;

    expect(e.operations).toBeCloseTo(plan.eventsApi.operationsPerMonth / 1e6, 6);
    expect(plan.eventsApi.operationsPerMonth).toBeGreaterThan(
      (plan.eventsApi.inboundPerSecond + plan.eventsApi.outboundPerSecond) * MONTH_SECONDS,
    );
    expect(e.connectionMinutes).toBeCloseTo((connectionMinutes * 0.08) / 1e6, 9);
    expect(e.monthlyUsd).toBeCloseTo(
      e.operations + e.connectionMinutes + e.lambda + e.dataTransfer,
      6,
    );
    expect(e.lambda).toBeGreaterThan(0);
    expect(e.dataTransfer).toBeGreaterThan(0);
  });

  it('stops fitting where the outbound rate passes 1,000,000 operations/s, and says so', () => {
    const plan = planFanout({ ...seed000, connections: 60_000, topology: 'events' });
    const at = plan.stopsFittingAtConnections.events as number;

    expect(plan.eventsApi.outboundLimit).toBe(1_000_000);
    expect(plan.events.withinLimit).toBe(false);
    expect(plan.recommendation).not.toBe('events');
    expect(plan.reason).toMatch(
      /AppSync outbound operations\/s exceed the Event API limit of 1000000\/s\. Switch to /,
    );
    expect(at).toBeGreaterThan(40_000);
    expect(planFanout({ ...seed000, connections: at }).events.withinLimit).toBe(false);
    expect(planFanout({ ...seed000, connections: Math.floor(at * 0.99) }).events.withinLimit).toBe(
      true,
    );
  });

  it('does not fit a connection subscribed to more channels than AppSync allows', () => {
    const many = limits.eventsSubscriptionsPerConnection.value + 1;
    const plan = planFanout({
      connections: 10,
      tradesPerSecond: 1,
      symbolsPerConnection: many,
      flushIntervalMs: 1_000,
    });

    expect(plan.events.withinLimit).toBe(false);
    expect(plan.stopsFittingAtConnections.events).toBe(0);
  });

  it('names where each topology stops fitting: serverless at the @connections rate, pushed containers at 20 nodes', () => {
    const pushed = planFanout({ ...seed000, connections: 1_000 });
    const polled = planFanout({ ...seed000, connections: 1_000, streamRead: 'poll' });
    const serverlessAt = pushed.stopsFittingAtConnections.serverless as number;
    const containersAt = pushed.stopsFittingAtConnections.containers as number;

    expect(planFanout({ ...seed000, connections: serverlessAt }).serverless.withinLimit).toBe(
      false,
    );
    expect(
      planFanout({ ...seed000, connections: Math.floor(serverlessAt * 0.99) }).serverless
        .withinLimit,
    ).toBe(true);
    expect(planFanout({ ...seed000, connections: containersAt }).containers.nodes).toBe(
      limits.enhancedFanOutConsumersPerStream.value + 1,
    );
    expect(polled.stopsFittingAtConnections.containers).toBeUndefined();
  });

  it('recommends events when it is the cheapest that fits, and can be left out of the choice', () => {
    const quiet = {
      connections: 20,
      tradesPerSecond: 1,
      symbolsPerConnection: 3,
      flushIntervalMs: 1_000,
    };
    const all = planFanout({ ...quiet, topology: 'serverless' });
    const without = planFanout({ ...quiet, compare: ['serverless', 'containers'] });
    const only = planFanout({ ...seed000, connections: 1_000, compare: ['events'] });

    expect(all.recommendation).toBe('events');
    expect(all.events.monthlyUsd).toBeLessThan(all.serverless.monthlyUsd);
    expect(all.reason).toMatch(
      /^events costs about \$[\d.]+\/month against .* for serverless .*Switch to events\.$/,
    );
    expect(without.recommendation).toBe('serverless');
    expect(only.recommendation).toBe('events');
    expect(only.events.monthlyUsd).toBeGreaterThan(only.containers.monthlyUsd);
  });

  it('refuses an empty or unknown compare with a RangeError', () => {
    const load = { ...seed000, connections: 1 };

    expect(() => planFanout({ ...load, compare: [] })).toThrow(RangeError);
    expect(() => planFanout({ ...load, compare: ['sns' as unknown as 'events'] })).toThrow(
      RangeError,
    );
  });

  it('models trade-to-send latency: stream, processor, publish rounds, then AppSync fan-out', () => {
    const figures = PRICE_TABLE.latency;
    const pushed = planFanout({ ...seed000, connections: 100 }).events.latency;
    const polled = planFanout({ ...seed000, connections: 100, streamRead: 'poll' }).events.latency;

    expect(pushed.stages.map((s) => s.stage)).toEqual([
      'stream → processor (enhanced fan-out)',
      'processor',
      'publish',
      'AppSync fan-out',
    ]);
    expect(pushed.p50Ms).toBeCloseTo(
      figures.kinesisEnhancedFanOutMs.value +
        figures.lambdaProcessorMs.value +
        figures.appSyncPublishRoundMs.value +
        figures.appSyncDeliveryMs.value,
      6,
    );
    expect(polled.stages[0]?.p50Ms).toBeCloseTo(figures.lambdaStandardPollIntervalMs.value / 2, 6);
    expect(pushed.p99Ms).toBeGreaterThan(pushed.p50Ms);
  });

  it('adds a publish round per EVENTS_PUBLISHER_DEFAULTS.concurrency requests of a window', () => {
    const plan = planFanout({
      connections: 10,
      tradesPerSecond: 10_000,
      symbols: 200,
      symbolsPerConnection: 5,
      flushIntervalMs: 1_000,
    });
    const publish = plan.events.latency.stages.find((s) => s.stage === 'publish');
    const rounds = Math.ceil(
      plan.eventsApi.publishRequestsPerSecond / EVENTS_PUBLISHER_DEFAULTS.concurrency,
    );

    expect(rounds).toBeGreaterThan(1);
    expect(publish?.p50Ms).toBe(
      Math.ceil(rounds / 2) * PRICE_TABLE.latency.appSyncPublishRoundMs.value,
    );
  });

  it('takes its prices from the table it is given', () => {
    const doubled = {
      ...PRICE_TABLE,
      appSyncEvents: {
        ...PRICE_TABLE.appSyncEvents,
        operationsPerMillion: { ...PRICE_TABLE.appSyncEvents.operationsPerMillion, value: 2 },
      },
    };
    const listed = planFanout({ ...seed000, connections: 100 });
    const given = planFanout({ ...seed000, connections: 100, prices: doubled });

    expect(given.events.operations).toBeCloseTo(2 * listed.events.operations, 6);
  });
});

describe('PRICE_TABLE: AppSync Events', () => {
  it('cites the AppSync pricing page and the AppSync quotas for its figures', () => {
    for (const figure of Object.values(PRICE_TABLE.appSyncEvents)) {
      expect(figure.source).toBe('https://aws.amazon.com/appsync/pricing/');
    }
    for (const key of [
      'eventsInboundPerSecond',
      'eventsOutboundPerSecond',
      'eventsConnectRequestsPerSecond',
      'eventsSubscriptionsPerConnection',
      'eventBytes',
      'eventsPerPublish',
      'eventsMeteringBytes',
    ] as const) {
      expect(limits[key].source).toBe('https://docs.aws.amazon.com/general/latest/gr/appsync.html');
    }
    expect(PRICE_TABLE.latency.appSyncPublishRoundMs.note).toMatch(/assumption/);
    expect(PRICE_TABLE.latency.appSyncDeliveryMs.note).toMatch(/assumption/);
  });
});
