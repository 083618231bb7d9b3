import type { FanoutMetrics } from '@market-stream/fanout';

type Stage = 'kinesis' | 'history' | 'bars';

/** Counters of the local pipeline for /healthz, /metrics and the page's live panel. */
export class PipelineStats {
  private readonly delivered_: Record<Stage, number> = { kinesis: 0, history: 0, bars: 0 };
  private readonly failed_: Record<Stage, number> = { kinesis: 0, history: 0, bars: 0 };
  private ingested_ = 0;
  private tradesPerSecond = 0;
  private sampler: ReturnType<typeof setInterval> | undefined;
  fatalError: string | undefined;

  delivered(stage: Stage, count: number): void {
    this.delivered_[stage] += count;
  }

  failed(stage: Stage, count: number): void {
    this.failed_[stage] += count;
  }

  ingested(count: number): void {
    this.ingested_ += count;
  }

  fatal(stage: Stage, error: unknown): void {
    this.fatalError = `${stage}: ${error instanceof Error ? error.message : String(error)}`;
    console.error(`[pipeline] ${stage} stopped:`, error);
  }

  /** Samples the fan-out's trades-in counter once a second for a trades/s rate. */
  watch(metrics: FanoutMetrics): void {
    let last = metrics.snapshot().tradesIn;
    this.sampler = setInterval(() => {
      const now = metrics.snapshot().tradesIn;
      this.tradesPerSecond = now - last;
      last = now;
    }, 1_000);
    this.sampler.unref();
  }

  snapshot(): Record<string, unknown> {
    return {
      tradesPerSecond: this.tradesPerSecond,
      ingested: this.ingested_,
      delivered: { ...this.delivered_ },
      failed: { ...this.failed_ },
      ...(this.fatalError ? { error: this.fatalError } : {}),
    };
  }

  toPrometheus(): string {
    const lines = [
      '# HELP market_stream_pipeline_delivered_total Records delivered per pipeline stage.',
      '# TYPE market_stream_pipeline_delivered_total counter',
      ...Object.entries(this.delivered_).map(
        ([stage, n]) => `market_stream_pipeline_delivered_total{stage="${stage}"} ${n}`,
      ),
      '# HELP market_stream_pipeline_failed_total Records that exhausted their retries per stage.',
      '# TYPE market_stream_pipeline_failed_total counter',
      ...Object.entries(this.failed_).map(
        ([stage, n]) => `market_stream_pipeline_failed_total{stage="${stage}"} ${n}`,
      ),
      '# HELP market_stream_ingested_total Trades accepted by POST /api/ingest.',
      '# TYPE market_stream_ingested_total counter',
      `market_stream_ingested_total ${this.ingested_}`,
    ];
    return `${lines.join('\n')}\n`;
  }

  close(): void {
    clearInterval(this.sampler);
  }
}
