import type { FanoutMetrics } from '@market-stream/fanout';

type Stage = 'kinesis' | 'history' | 'bars';
type Part = Stage | 'reader';

/** Counters of the local pipeline for /healthz, /metrics and the page's live panel. */
export class PipelineStats {
  private readonly delivered_: Record<Stage, number> = { kinesis: 0, history: 0, bars: 0 };
  private readonly failed_: Record<Stage, number> = { kinesis: 0, history: 0, bars: 0 };
  private ingested_ = 0;
  private submitted_ = 0;
  private read_ = 0;
  private readonly down_ = new Map<Part, string>();
  private tradesPerSecond = 0;
  private sampler: ReturnType<typeof setInterval> | undefined;
  delivered(stage: Stage, count: number): void {
    this.delivered_[stage] += count;
  }

  failed(stage: Stage, count: number): void {
    this.failed_[stage] += count;
  }

  ingested(count: number): void {
    this.ingested_ += count;
  }

  /** Trades handed to the first sink. */
  submitted(count: number): void {
    this.submitted_ += count;
  }

  /** Trades read back from the stream. */
  read(count: number): void {
    this.read_ += count;
  }

  /** A part of the pipeline stopped for good. */
  fatal(part: Part, error: unknown): void {
    this.down_.set(part, error instanceof Error ? error.message : String(error));
    console.error(`[pipeline] ${part} stopped:`, error);
  }

  /** Which parts are down and why, or undefined while all run. */
  down(): string | undefined {
    if (this.down_.size === 0) return undefined;
    return [...this.down_].map(([part, reason]) => `${part} is down (${reason})`).join('; ');
  }

  /** Trades submitted that the history table has not settled (written or given up) yet. */
  lag(): number {
    const settled = this.delivered_.history + this.failed_.history + this.failed_.kinesis;
    return Math.max(0, this.submitted_ - settled);
  }

  /** Resolves once every trade Kinesis took has been read back. */
  async caughtUp(): Promise<void> {
    while (this.read_ < this.delivered_.kinesis && !this.down_.has('reader')) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
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
      submitted: this.submitted_,
      read: this.read_,
      delivered: { ...this.delivered_ },
      failed: { ...this.failed_ },
      lag: this.lag(),
      ...(this.down_.size > 0 ? { down: Object.fromEntries(this.down_) } : {}),
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
