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
});
