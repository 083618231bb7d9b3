import { describe, expect, it } from 'vitest';
import { ENGINE_DEFAULTS, PRICE_TABLE, planFanout, SERVERLESS_DEFAULTS } from '../../src/index.js';

const base = { tradesPerSecond: 200, symbolsPerConnection: 5, flushIntervalMs: 100 } as const;

describe('planFanout()', () => {
  it('needs far fewer @connections requests than one per trade per connection', () => {
    const plan = planFanout({ ...base, connections: 1_000 });

    expect(plan.connectionsApi.naiveRequestsPerSecond).toBe(50_000); // 200 × 1,000 × 5/20
    expect(plan.connectionsApi.requestsPerSecond).toBeLessThan(
      plan.connectionsApi.naiveRequestsPerSecond / 4,
    );
  });

  it('approaches one request per trade per subscriber when windows rarely hold two trades', () => {
    const plan = planFanout({
      connections: 100,
      tradesPerSecond: 1,
      symbolsPerConnection: 5,
      flushIntervalMs: 1,
      pingIntervalSeconds: 1e12,
    });

    expect(plan.connectionsApi.requestsPerSecond).toBeCloseTo(
      plan.connectionsApi.naiveRequestsPerSecond,
      1,
    );
  });

  it('recommends containers when the account limit of 10,000 requests/s would be exceeded', () => {
    const plan = planFanout({ ...base, connections: 5_000, topology: 'serverless' });

    expect(plan.connectionsApi.limit).toBe(10_000);
    expect(plan.serverless.withinLimit).toBe(false);
    expect(plan.recommendation).toBe('containers');
    expect(plan.reason).toMatch(/exceed the account limit of 10000\/s\. Switch to containers\./);
  });

  it('recommends serverless for a small, quiet deployment and names the switch point', () => {
    // Between the two topologies the switch point names (AppSync Events is cheaper still here).
    const quiet = {
      connections: 20,
      tradesPerSecond: 1,
      symbolsPerConnection: 3,
      flushIntervalMs: 1_000,
      compare: ['serverless', 'containers'] as const,
    };
    const plan = planFanout({ ...quiet, topology: 'serverless' });
    const at = plan.switchToContainersAtConnections as number;

    expect(plan.recommendation).toBe('serverless');
    expect(plan.reason).toMatch(/Stay on serverless\./);
    expect(at).toBeGreaterThan(20);
    expect(planFanout({ ...quiet, connections: at }).recommendation).toBe('containers');
    expect(planFanout({ ...quiet, connections: Math.floor(at * 0.98) }).recommendation).toBe(
      'serverless',
    );
  });

  it('bills messages in 32 KB increments and connection minutes at 730 hours a month', () => {
    const small = planFanout({ ...base, connections: 10, pingIntervalSeconds: 1e12 });
    const large = planFanout({
      ...base,
      connections: 10,
      mode: 'all',
      tradesPerSecond: 200_000,
      flushIntervalMs: 1_000,
      pingIntervalSeconds: 1e12,
    });
    const perMessage = (plan: typeof small) =>
      plan.messagesPerMonth / (plan.connectionsApi.requestsPerSecond * 730 * 3600);

    expect(small.averageMessageBytes).toBeLessThan(32 * 1024);
    expect(perMessage(small)).toBeCloseTo(1, 6);
    expect(large.averageMessageBytes).toBeGreaterThan(32 * 1024);
    expect(perMessage(large)).toBeCloseTo(Math.ceil(large.averageMessageBytes / (32 * 1024)), 3);
    expect(small.connectionMinutesPerMonth).toBe(10 * 730 * 60);
    expect(small.serverless.connectionMinutes).toBeCloseTo((10 * 730 * 60 * 0.25) / 1e6, 9);
  });

  it('sums the cost lines of each topology', () => {
    const plan = planFanout({ ...base, connections: 300 });
    const s = plan.serverless;
    const c = plan.containers;

    expect(s.monthlyUsd).toBeCloseTo(
      s.apiGatewayMessages + s.connectionMinutes + s.lambda + s.dynamodb + s.dataTransfer,
      6,
    );
    expect(c.monthlyUsd).toBeCloseTo(c.fargate + c.loadBalancer + c.dataTransfer, 6);
    expect(c.nodes).toBeGreaterThanOrEqual(2);
  });

  it('refuses impossible inputs with a RangeError', () => {
    expect(() => planFanout({ ...base, connections: -1 })).toThrow(RangeError);
    expect(() => planFanout({ ...base, connections: 1, flushIntervalMs: 0 })).toThrow(RangeError);
    expect(() => planFanout({ ...base, connections: Number.NaN })).toThrow(RangeError);
    expect(() =>
      planFanout({ ...base, connections: 1, streamRead: 'sometimes' as unknown as 'push' }),
    ).toThrow(RangeError);
  });
});

describe('planFanout(): modelled latency', () => {
  const figures = PRICE_TABLE.latency;
  const engineWindow = {
    connections: 500,
    tradesPerSecond: 100,
    symbolsPerConnection: 5,
    flushIntervalMs: ENGINE_DEFAULTS.flushIntervalMs,
  };
  type Latency = ReturnType<typeof planFanout>['containers']['latency'];
  const stage = (latency: Latency, name: string) => {
    const found = latency.stages.find((s) => s.stage.startsWith(name));
    if (found === undefined) throw new Error(`no stage "${name}"`);
    return found;
  };

  it('reads a pushed container node at the documented 70 ms average plus half a flush window', () => {
    const plan = planFanout({ ...engineWindow, streamRead: 'push' });
    const latency = plan.containers.latency;
    const efo = figures.kinesisEnhancedFanOutMs.value;
    const window = ENGINE_DEFAULTS.flushIntervalMs;

    expect(stage(latency, 'stream → node').p50Ms).toBeCloseTo(efo, 6);
    expect(stage(latency, 'stream → node').p99Ms).toBeCloseTo(0.99 * 2 * efo, 6);
    expect(stage(latency, 'flush window').p50Ms).toBeCloseTo(window / 2, 6);
    expect(stage(latency, 'flush window').p99Ms).toBeCloseTo(0.99 * window, 6);
    expect(latency.p50Ms).toBeCloseTo(efo + window / 2, 6);
  });

  it('slows polled container nodes from ~200 ms with one consumer to ~1 s with five', () => {
    const polled = (nodes: number) =>
      planFanout({ ...engineWindow, streamRead: 'poll', container: { minNodes: nodes } });
    const one = polled(1);
    const five = polled(5);

    expect(one.containers.nodes).toBe(1);
    expect(five.containers.nodes).toBe(5);
    expect(stage(one.containers.latency, 'stream → node').p50Ms).toBe(
      figures.kinesisPollingOneConsumerMs.value,
    );
    expect(stage(five.containers.latency, 'stream → node').p50Ms).toBe(
      figures.kinesisPollingFiveConsumersMs.value,
    );
  });

  it("waits for the Lambda standard iterator's once-a-second poll unless the processor is pushed", () => {
    const polled = planFanout({ ...engineWindow, streamRead: 'poll' }).serverless.latency;
    const pushed = planFanout({ ...engineWindow, streamRead: 'push' }).serverless.latency;
    const interval = figures.lambdaStandardPollIntervalMs.value;

    expect(stage(polled, 'stream → processor').p50Ms).toBeCloseTo(interval / 2, 6);
    expect(stage(polled, 'stream → processor').p99Ms).toBeCloseTo(0.99 * interval, 6);
    expect(stage(pushed, 'stream → processor').p50Ms).toBeCloseTo(
      figures.kinesisEnhancedFanOutMs.value,
      6,
    );
    expect(stage(pushed, 'processor').p50Ms).toBe(figures.lambdaProcessorMs.value);
  });

  it('is lower by push than by polling for both topologies, and push is the default', () => {
    const push = planFanout({ ...engineWindow, streamRead: 'push' });
    const poll = planFanout({ ...engineWindow, streamRead: 'poll' });
    const byDefault = planFanout(engineWindow);

    for (const topology of ['serverless', 'containers'] as const) {
      expect(push[topology].latency.p50Ms).toBeLessThan(poll[topology].latency.p50Ms);
      expect(push[topology].latency.p99Ms).toBeLessThan(poll[topology].latency.p99Ms);
      expect(byDefault[topology].latency).toEqual(push[topology].latency);
    }
  });

  it('adds one PostToConnection round per SERVERLESS_DEFAULTS.concurrency messages of a window', () => {
    const plan = planFanout({ ...engineWindow, connections: 20_000, pingIntervalSeconds: 1e12 });
    const perWindow =
      plan.connectionsApi.requestsPerSecond * (ENGINE_DEFAULTS.flushIntervalMs / 1000);
    const rounds = Math.ceil(perWindow / SERVERLESS_DEFAULTS.concurrency);
    const round = figures.connectionsPostRoundMs.value;

    expect(rounds).toBeGreaterThan(1);
    expect(stage(plan.serverless.latency, 'PostToConnection').p50Ms).toBe(
      Math.ceil(rounds / 2) * round,
    );
    expect(stage(plan.serverless.latency, 'PostToConnection').p99Ms).toBe(
      Math.ceil(0.99 * rounds) * round,
    );
  });

  it('sums its stages into the totals of each topology', () => {
    const plan = planFanout({ ...engineWindow, streamRead: 'poll' });

    for (const { latency } of [plan.serverless, plan.containers]) {
      const sum = (q: 'p50Ms' | 'p99Ms') => latency.stages.reduce((t, s) => t + s[q], 0);
      expect(latency.stages.length).toBeGreaterThanOrEqual(2);
      expect(latency.p50Ms).toBeCloseTo(sum('p50Ms'), 9);
      expect(latency.p99Ms).toBeCloseTo(sum('p99Ms'), 9);
      expect(latency.p99Ms).toBeGreaterThan(latency.p50Ms);
    }
  });

  it('takes its figures from the price table it is given', () => {
    const faster = {
      ...PRICE_TABLE,
      latency: {
        ...figures,
        kinesisEnhancedFanOutMs: { ...figures.kinesisEnhancedFanOutMs, value: 35 },
      },
    };
    const listed = planFanout({ ...engineWindow, streamRead: 'push' });
    const given = planFanout({ ...engineWindow, streamRead: 'push', prices: faster });

    expect(listed.containers.latency.p50Ms - given.containers.latency.p50Ms).toBeCloseTo(
      figures.kinesisEnhancedFanOutMs.value - 35,
      6,
    );
  });
});

describe('PRICE_TABLE', () => {
  it('documents every figure with a source URL and the date it was looked up', () => {
    const figures = Object.entries(PRICE_TABLE)
      .filter(([, group]) => typeof group === 'object')
      .flatMap(([, group]) => Object.values(group as Record<string, unknown>));

    expect(figures.length).toBeGreaterThan(15);
    for (const figure of figures as Array<{
      value: number;
      source: string;
      asOf: string;
      unit: string;
    }>) {
      expect(figure.value).toBeGreaterThan(0);
      expect(figure.source).toMatch(/^https:\/\/(aws\.amazon\.com|docs\.aws\.amazon\.com)\//);
      expect(figure.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(figure.unit.length).toBeGreaterThan(3);
    }
  });

  it('cites the AWS documentation for every latency figure and marks the assumptions', () => {
    const figures = Object.values(PRICE_TABLE.latency) as Array<{ source: string; note?: string }>;

    for (const figure of figures) {
      expect(figure.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
    expect(PRICE_TABLE.latency.lambdaProcessorMs.note).toMatch(/assumption/);
    expect(PRICE_TABLE.latency.connectionsPostRoundMs.note).toMatch(/assumption/);
  });
});
