import { describe, expect, it } from 'vitest';
import { PRICE_TABLE, planFanout } from '../../src/index.js';

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
    const quiet = {
      connections: 20,
      tradesPerSecond: 1,
      symbolsPerConnection: 3,
      flushIntervalMs: 1_000,
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
});
