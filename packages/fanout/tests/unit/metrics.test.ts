import { describe, expect, it } from 'vitest';
import { FanoutMetrics } from '../../src/metrics/FanoutMetrics.js';
import { Histogram } from '../../src/metrics/Histogram.js';

describe('Histogram', () => {
  it('estimates quantiles by bucket upper bound, with weights', () => {
    const histogram = new Histogram([10, 50, 100]);

    histogram.observe(5, 90);
    histogram.observe(70, 9);
    histogram.observe(1_000);

    expect(histogram.count).toBe(100);
    expect(histogram.quantile(0.5)).toBe(10);
    expect(histogram.quantile(0.99)).toBe(100);
    expect(histogram.quantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(histogram.buckets()).toEqual([
      [10, 90],
      [50, 90],
      [100, 99],
      [Number.POSITIVE_INFINITY, 100],
    ]);
  });

  it('ignores non-finite values and reports NaN before any observation', () => {
    const histogram = new Histogram([1]);

    histogram.observe(Number.NaN);

    expect(histogram.count).toBe(0);
    expect(histogram.quantile(0.5)).toBeNaN();
  });
});

describe('FanoutMetrics', () => {
  it('renders counters, drops by reason and histograms as Prometheus text', () => {
    const metrics = new FanoutMetrics();
    metrics.connections = 3;
    metrics.drop('slow_consumer', 2);
    metrics.error('RATE_LIMITED');
    metrics.latency.observe(12);

    const text = metrics.toPrometheus('ms');

    expect(text).toContain('# TYPE ms_connections gauge\nms_connections 3');
    expect(text).toContain('ms_drops_total{reason="slow_consumer"} 2');
    expect(text).toContain('ms_client_errors_total{code="RATE_LIMITED"} 1');
    expect(text).toContain('ms_latency_ms_bucket{le="20"} 1');
    expect(text).toContain('ms_latency_ms_bucket{le="+Inf"} 1');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('reports latency at 10 ms resolution over the last 30 s, forgetting older observations', () => {
    let now = 0;
    const metrics = new FanoutMetrics({ now: () => now, latencyWindowMs: 30_000 });
    metrics.observeLatency(480, 10); // a start-up transient
    now = 20_000;
    metrics.observeLatency(23, 99);
    metrics.observeLatency(71, 1);

    expect(metrics.snapshot().latencyMs).toEqual({ count: 110, p50: 30, p99: 500 });

    now = 40_000; // the transient is more than 30 s old
    expect(metrics.snapshot().latencyMs).toEqual({ count: 100, p50: 30, p99: 30 });
    expect(metrics.latency.count).toBe(110); // Prometheus keeps counting everything
  });
});
