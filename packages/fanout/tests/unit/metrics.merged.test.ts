import { describe, expect, it } from 'vitest';
import { FanoutMetrics } from '../../src/metrics/FanoutMetrics.js';
import { Histogram } from '../../src/metrics/Histogram.js';
import { MergedFanoutMetrics } from '../../src/metrics/MergedFanoutMetrics.js';

/** A worker engine's metrics with some traffic: `connections` clients, one latency each. */
function workerMetrics(connections: number, latencyMs: number, now = () => 0): FanoutMetrics {
  const metrics = new FanoutMetrics({ now });
  metrics.connections = connections;
  metrics.subscriptions = connections * 2;
  metrics.symbols = 5;
  metrics.tradesIn = 100;
  metrics.messagesOut = connections * 10;
  metrics.bytesOut = connections * 1_000;
  metrics.flushIntervalMs = 50;
  metrics.drop('stale', 3);
  metrics.drop('slow_consumer', 1);
  metrics.error('BAD_JSON');
  metrics.observeLatency(latencyMs, connections);
  metrics.flushDuration.observe(2);
  return metrics;
}

describe('Histogram data', () => {
  it('adds another histogram over the same bounds bucket by bucket, and resets', () => {
    const a = new Histogram([10, 100]);
    const b = new Histogram([10, 100]);
    a.observe(5, 3);
    b.observe(50, 2);
    b.observe(500);

    a.add(b.toData());

    expect(a.buckets()).toEqual([
      [10, 3],
      [100, 5],
      [Number.POSITIVE_INFINITY, 6],
    ]);
    expect(a.sum).toBe(5 * 3 + 50 * 2 + 500);
    a.reset();
    expect(a.count).toBe(0);
    expect(a.quantile(0.5)).toBeNaN();
  });
});

describe('MergedFanoutMetrics', () => {
  it('sums the workers’ connections, messages, per-connection drops, errors and histograms, and counts the shared source once', () => {
    const merged = new MergedFanoutMetrics({ now: () => 0 });

    merged.update(1, workerMetrics(3, 5).toReport());
    merged.update(2, workerMetrics(7, 40).toReport());
    merged.workers = 2;
    const snapshot = merged.snapshot();

    expect(snapshot.connections).toBe(10);
    expect(snapshot.subscriptions).toBe(20);
    expect(snapshot.messagesOut).toBe(100);
    expect(snapshot.bytesOut).toBe(10_000);
    expect(snapshot.symbols).toBe(5);
    expect(snapshot.drops.stale).toBe(3);
    expect(snapshot.drops.slow_consumer).toBe(2);
    expect(snapshot.errors).toEqual({ BAD_JSON: 2 });
    expect(snapshot.flushMs.count).toBe(2);
    expect(snapshot.latencyMs).toEqual({ count: 10, p50: 40, p99: 40 });
    expect(snapshot.workers).toBe(2);
    expect(merged.byWorker()).toEqual([
      { workerId: 1, connections: 3 },
      { workerId: 2, connections: 7 },
    ]);
  });

  it('takes a worker’s newest report in place of its previous one', () => {
    const merged = new MergedFanoutMetrics();
    merged.update(1, workerMetrics(3, 5).toReport());

    merged.update(1, workerMetrics(4, 5).toReport());

    expect(merged.snapshot().connections).toBe(4);
    expect(merged.snapshot().messagesOut).toBe(40);
  });

  it('keeps an exited worker’s counters in the sums and drops its gauges, so Prometheus counters never go back', () => {
    const merged = new MergedFanoutMetrics();
    merged.update(1, workerMetrics(3, 5).toReport());
    merged.update(2, workerMetrics(7, 5).toReport());
    const before = merged.toPrometheus();

    merged.retire(1);
    merged.workerRestarts = 1;

    expect(merged.connections).toBe(7);
    expect(merged.messagesOut).toBe(100);
    expect(merged.latency.count).toBe(10);
    expect(before).toContain('market_stream_fanout_messages_out_total 100');
    expect(merged.toPrometheus()).toContain('market_stream_fanout_messages_out_total 100');
    expect(merged.toPrometheus()).toContain('market_stream_fanout_connections 7');
    expect(merged.toPrometheus()).toContain('market_stream_fanout_worker_restarts_total 1');
  });
});

describe('FanoutMetrics', () => {
  it('reports one worker and no restarts for a single process', () => {
    const metrics = new FanoutMetrics();

    const snapshot = metrics.snapshot();

    expect(snapshot.workers).toBe(1);
    expect(snapshot.workerRestarts).toBe(0);
    expect(metrics.toPrometheus()).toContain('market_stream_fanout_workers 1');
  });
});
