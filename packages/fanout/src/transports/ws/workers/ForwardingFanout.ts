import type { Trade } from '@market-stream/core';
import type { Observable, Subscription } from 'rxjs';
import type { ConnectOptions, Fanout } from '../../../engine/types.js';
import { ConnectionsInWorkersError } from '../../../errors.js';
import type { MergedFanoutMetrics } from '../../../metrics/MergedFanoutMetrics.js';
import { MemoryConnectionStore } from '../../../stores/MemoryConnectionStore.js';
import type { PrimingBook } from './PrimingBook.js';
import type { WorkerPool } from './WorkerPool.js';

/**
 * The `fanout` of `serveFanout({ workers })` in the primary: reads the sources once and
 * forwards their trades to every worker, one IPC message per worker per event-loop turn (in
 * arrival order, so per-symbol order holds; serialized once for all workers), keeping each
 * symbol's newest for priming.
 * Connections live in the workers: `connect`, `handleMessage` and `disconnect` throw
 * {@link ConnectionsInWorkersError}; `connectionIds()` is empty. Internal.
 */
export class ForwardingFanout implements Fanout {
  /** Always empty: connections are registered in the workers. */
  readonly store = new MemoryConnectionStore();
  private batch: Trade[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private readonly sources = new Set<Subscription>();
  private closed = false;

  constructor(
    private readonly parts: {
      pool: WorkerPool;
      metrics: MergedFanoutMetrics;
      priming: PrimingBook;
      onError: (error: unknown) => void;
    },
  ) {}

  get metrics(): MergedFanoutMetrics {
    return this.parts.metrics;
  }

  attach(source: Observable<Trade>): Subscription {
    const subscription = source.subscribe({
      next: (trade) => this.enqueue(trade),
      error: (error: unknown) => {
        this.sources.delete(subscription);
        this.parts.onError(error);
      },
      complete: () => this.sources.delete(subscription),
    });
    if (!subscription.closed) this.sources.add(subscription);
    return subscription;
  }

  publish(trades: Trade | readonly Trade[]): void {
    if (Array.isArray(trades)) for (const trade of trades) this.enqueue(trade);
    else this.enqueue(trades as Trade);
  }

  connect(_id: string, _options?: ConnectOptions): void {
    throw new ConnectionsInWorkersError('connect');
  }

  handleMessage(_id: string, _text: string): void {
    throw new ConnectionsInWorkersError('handleMessage');
  }

  disconnect(_id: string): void {
    throw new ConnectionsInWorkersError('disconnect');
  }

  connectionIds(): IterableIterator<string> {
    return new Set<string>().values();
  }

  flush(): void {
    this.forward();
    this.parts.pool.broadcast({ kind: 'flush' });
  }

  async settled(): Promise<void> {
    this.forward();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.sources) subscription.unsubscribe();
    this.sources.clear();
    this.forward();
  }

  private enqueue(trade: Trade): void {
    if (this.closed) return;
    this.batch.push(trade);
    this.parts.metrics.tradesIn += 1;
    this.scheduled ??= setImmediate(() => this.forward());
  }

  private forward(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.batch.length === 0) return;
    const trades = this.batch;
    this.batch = [];
    this.parts.pool.broadcast({
      kind: 'trades',
      json: JSON.stringify(trades),
      count: trades.length,
    });
    for (const trade of trades) this.parts.priming.offer(trade);
  }
}
