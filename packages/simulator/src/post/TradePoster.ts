import type { Trade } from '@market-stream/core';
import { type BatchOutcome, type SendOptions, sendBatch } from './sendBatch.js';

/** Options of {@link TradePoster}; the CLI fills them from `POST_DEFAULTS` and its flags. */
export interface TradePosterOptions extends SendOptions {
  /** Trades per request. */
  batchSize: number;
  /** A partial batch is posted this long after its first trade, ms. */
  maxWaitMs: number;
  /** Requests in flight at once (one per lane). */
  maxInFlight: number;
  /** Full batches that may wait for a request; then {@link TradePoster.add} waits. */
  maxQueuedBatches: number;
}

/**
 * What a {@link TradePoster} did: every trade handed to it is counted once as accepted,
 * rejected (with its reason) or failed (with the last attempt's reason).
 */
export interface PostSummary {
  sent: number;
  accepted: number;
  deadLettered: number;
  rejected: Map<string, number>;
  failed: Map<string, number>;
  batches: number;
  retries: number;
}

interface Lane {
  pending: Trade[];
  queue: Trade[][];
  timer?: ReturnType<typeof setTimeout>;
  running?: Promise<void>;
}

/**
 * Posts trades to an ingest endpoint in batches, the way a traffic generator would.
 *
 * Guarantees:
 * - Order per symbol: a symbol always goes through the same lane, and a lane sends one batch
 *   at a time, retries included, so the endpoint sees each symbol's trades in `seq` order.
 *   Lanes (`maxInFlight` of them) are assigned to symbols round-robin as they appear.
 * - Bounded memory: at most `maxQueuedBatches` full batches wait (plus one partial batch per
 *   lane); when that many wait, {@link add} waits until a request takes one. Nothing is dropped.
 * - Every trade is counted once in the summary {@link close} returns.
 *
 * @example
 * ```ts
 * const poster = new TradePoster({ url: new URL('http://localhost:3000/api/ingest'), ...POST_DEFAULTS });
 * for (const trade of trades) await poster.add(trade);
 * const summary = await poster.close();
 * ```
 */
export class TradePoster {
  private readonly lanes: Lane[];
  private readonly laneOf = new Map<string, Lane>();
  private readonly waiting: (() => void)[] = [];
  private queued = 0;
  private readonly summary: PostSummary = {
    sent: 0,
    accepted: 0,
    deadLettered: 0,
    rejected: new Map(),
    failed: new Map(),
    batches: 0,
    retries: 0,
  };

  /** @param options - See {@link TradePosterOptions}. */
  constructor(private readonly options: TradePosterOptions) {
    this.lanes = Array.from({ length: Math.max(1, options.maxInFlight) }, () => ({
      pending: [],
      queue: [],
    }));
  }

  /**
   * Adds a trade to its symbol's batch; waits while `maxQueuedBatches` full batches wait.
   * @param trade - The next trade; per symbol in `seq` order.
   */
  async add(trade: Trade): Promise<void> {
    while (this.queued >= this.options.maxQueuedBatches) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    const lane = this.lane(trade.symbol);
    lane.pending.push(trade);
    if (lane.pending.length >= this.options.batchSize) this.enqueue(lane);
    else if (lane.pending.length === 1) {
      lane.timer = setTimeout(() => this.enqueue(lane), this.options.maxWaitMs);
    }
  }

  /**
   * Posts what is left and waits for every request to end.
   * @returns What became of every trade.
   */
  async close(): Promise<PostSummary> {
    for (const lane of this.lanes) if (lane.pending.length > 0) this.enqueue(lane);
    await Promise.all(this.lanes.map((lane) => lane.running));
    return this.summary;
  }

  private lane(symbol: string): Lane {
    let lane = this.laneOf.get(symbol);
    if (!lane) {
      lane = this.lanes[this.laneOf.size % this.lanes.length]!;
      this.laneOf.set(symbol, lane);
    }
    return lane;
  }

  private enqueue(lane: Lane): void {
    clearTimeout(lane.timer);
    if (lane.pending.length === 0) return;
    lane.queue.push(lane.pending);
    lane.pending = [];
    this.queued++;
    lane.running ??= this.drain(lane);
  }

  private async drain(lane: Lane): Promise<void> {
    for (let batch = lane.queue.shift(); batch; batch = lane.queue.shift()) {
      this.queued--;
      this.waiting.shift()?.();
      this.summary.sent += batch.length;
      const outcome = await sendBatch(batch, {
        ...this.options,
        onRetry: (reason) => {
          this.summary.retries++;
          this.options.onRetry?.(reason);
        },
      });
      this.record(batch.length, outcome);
    }
    lane.running = undefined;
  }

  private record(size: number, outcome: BatchOutcome): void {
    this.summary.batches++;
    if (outcome.kind === 'accepted') {
      this.summary.accepted += outcome.accepted;
      this.summary.deadLettered += outcome.deadLettered;
    } else if (outcome.kind === 'rejected') {
      for (const [reason, count] of outcome.reasons) add(this.summary.rejected, reason, count);
    } else {
      add(this.summary.failed, outcome.reason, size);
    }
  }
}

function add(counts: Map<string, number>, key: string, count: number): void {
  counts.set(key, (counts.get(key) ?? 0) + count);
}
