import { Queue } from './Queue.js';
import type { Entry, Transport } from './transport.js';

/** Lanes kept while idle, so steady keys do not allocate a lane per record. */
const IDLE_LANES = 4096;

/** Ready lanes looked at to restart the linger clock after a request is built. */
const LINGER_SCAN = 64;

interface Lane<R, P> {
  key: string;
  /** Entries due for another attempt, sent before `queue`. */
  retries: Entry<R, P>[];
  queue: Queue<Entry<R, P>>;
  /** Entries of this lane in flight or waiting for a retry timer. */
  busy: number;
  /** Whether the lane sits in the ready queue. */
  ready: boolean;
  /** Bytes of `retries` and `queue`. */
  bytes: number;
  /** When the lane last joined the ready queue (scheduler time). */
  readyAt: number;
}

/**
 * The delivery engine's per-key lanes and the queue of lanes ready to send, from which
 * requests are built. Each key has a FIFO lane (entries due for a retry first); with per-key
 * ordering a lane with an entry in flight or waiting for a retry is not ready, so a later
 * record of its key can never overtake an earlier one. Keeps the entries, bytes and oldest
 * arrival of the ready lanes, which tell the engine when a request is worth sending.
 * @internal
 */
export class Lanes<R, P> {
  private readonly lanes = new Map<string, Lane<R, P>>();
  private readonly ready = new Queue<Lane<R, P>>();
  private readyBytes = 0;
  private readyEntries = 0;
  private oldest = Number.POSITIVE_INFINITY;

  constructor(
    private readonly transport: Transport<R, P>,
    private readonly perKey: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** Lanes in the ready queue. */
  get readyLanes(): number {
    return this.ready.length;
  }

  /**
   * When the oldest entry at the head of a ready lane arrived (after a request is built, among
   * the first ready lanes only); `+Infinity` when no lane is ready.
   */
  get oldestReady(): number {
    return this.oldest;
  }

  /**
   * When the lane at the head of the ready queue became ready, the earliest of them (lanes
   * queue in the order they became ready); `+Infinity` when no lane is ready. Unlike
   * {@link oldestReady} it restarts when a lane comes back from a request or a backoff, so
   * under a backlog a lane that just came back can still wait for company.
   */
  get oldestReadySince(): number {
    return this.ready.peek()?.readyAt ?? Number.POSITIVE_INFINITY;
  }

  /** Whether the ready lanes hold a full request, by the service's count or byte limit. */
  get full(): boolean {
    // With per-key ordering a request takes one entry per lane.
    const sendableEntries = this.perKey ? this.ready.length : this.readyEntries;
    return (
      sendableEntries >= this.transport.maxBatchCount ||
      this.readyBytes >= this.transport.maxBatchBytes
    );
  }

  /** A new entry joins the tail of its key's lane. */
  push(entry: Entry<R, P>): void {
    let lane = this.lanes.get(entry.key);
    if (lane === undefined) {
      lane = {
        key: entry.key,
        retries: [],
        queue: new Queue(),
        busy: 0,
        ready: false,
        bytes: 0,
        readyAt: 0,
      };
      this.lanes.set(entry.key, lane);
    }
    lane.queue.push(entry);
    lane.bytes += entry.bytes;
    if (lane.ready) {
      this.readyBytes += entry.bytes;
      this.readyEntries++;
    } else if (this.sendable(lane)) {
      this.markReady(lane);
    }
  }

  /** An entry whose retry timer fired goes back to its lane, ahead of the queued entries. */
  pushRetry(entry: Entry<R, P>): void {
    const lane = this.lanes.get(entry.key)!;
    lane.busy--;
    lane.retries.push(entry);
    lane.bytes += entry.bytes;
    if (lane.ready) {
      this.readyBytes += entry.bytes;
      this.readyEntries++;
      if (entry.arrivedAt < this.oldest) this.oldest = entry.arrivedAt;
    } else if (this.sendable(lane)) {
      this.markReady(lane);
    }
  }

  /** An entry left the engine (delivered or given up): its lane may send again. */
  release(entry: Entry<R, P>): void {
    const lane = this.lanes.get(entry.key);
    if (lane === undefined) return;
    lane.busy--;
    if (lane.ready) return;
    if (this.sendable(lane)) this.markReady(lane);
    else if (
      lane.busy === 0 &&
      lane.retries.length === 0 &&
      lane.queue.length === 0 &&
      this.lanes.size > IDLE_LANES
    ) {
      // Idle lanes are kept for reuse (a symbol trades again soon) up to a bound, past which
      // they are dropped so memory follows the active keys, not every key ever seen.
      this.lanes.delete(lane.key);
    }
  }

  /**
   * Takes the entries of one request from the ready lanes, oldest ready lane first, within the
   * service's count and byte limits; each counts as busy in its lane until released.
   */
  build(): Entry<R, P>[] {
    const { maxBatchCount, maxBatchBytes } = this.transport;
    const batch: Entry<R, P>[] = [];
    let bytes = 0;
    while (batch.length < maxBatchCount && this.ready.length > 0) {
      const lane = this.ready.peek()!;
      const entry = this.take(lane, maxBatchBytes - bytes);
      if (entry === undefined) break;
      batch.push(entry);
      bytes += entry.bytes;
      lane.busy++;
      if (this.perKey || (lane.retries.length === 0 && lane.queue.length === 0)) {
        this.ready.shift();
        this.unready(lane);
      }
    }
    if (this.ready.length > 0) {
      // The oldest lanes just left; the linger clock follows what is still waiting. Lanes
      // queue in the order they became ready, so the oldest heads sit near the front: look
      // at a bounded prefix rather than every ready lane on every request.
      let oldest = Number.POSITIVE_INFINITY;
      this.ready.forEachFirst(LINGER_SCAN, (lane) => {
        const head = lane.retries[0] ?? lane.queue.peek();
        if (head !== undefined && head.arrivedAt < oldest) oldest = head.arrivedAt;
      });
      this.oldest = oldest;
    } else {
      this.oldest = Number.POSITIVE_INFINITY;
    }
    return batch;
  }

  /** Calls `visit` with every entry waiting in a lane, lane by lane, retries first. */
  forEachQueued(visit: (entry: Entry<R, P>) => void): void {
    for (const lane of this.lanes.values()) {
      for (const entry of lane.retries) visit(entry);
      for (const entry of lane.queue.toArray()) visit(entry);
    }
  }

  private sendable(lane: Lane<R, P>): boolean {
    return (!this.perKey || lane.busy === 0) && (lane.retries.length > 0 || lane.queue.length > 0);
  }

  private markReady(lane: Lane<R, P>): void {
    lane.ready = true;
    lane.readyAt = this.now();
    this.ready.push(lane);
    this.readyBytes += lane.bytes;
    this.readyEntries += lane.retries.length + lane.queue.length;
    const head = lane.retries[0] ?? lane.queue.peek();
    if (head !== undefined && head.arrivedAt < this.oldest) this.oldest = head.arrivedAt;
  }

  private unready(lane: Lane<R, P>): void {
    lane.ready = false;
    this.readyBytes -= lane.bytes;
    this.readyEntries -= lane.retries.length + lane.queue.length;
  }

  /** Takes the next entry of a ready lane that fits in `budget` bytes. */
  private take(lane: Lane<R, P>, budget: number): Entry<R, P> | undefined {
    const retry = lane.retries[0];
    if (retry !== undefined) {
      if (retry.bytes > budget) return undefined;
      lane.retries.shift();
      this.removed(lane, retry.bytes);
      return retry;
    }
    if (this.transport.pack !== undefined) {
      return this.transport.pack(
        {
          peek: () => lane.queue.peek(),
          shift: () => {
            const entry = lane.queue.shift();
            if (entry !== undefined) this.removed(lane, entry.bytes);
            return entry;
          },
        },
        budget,
      );
    }
    const head = lane.queue.peek();
    if (head === undefined || head.bytes > budget) return undefined;
    lane.queue.shift();
    this.removed(lane, head.bytes);
    return head;
  }

  private removed(lane: Lane<R, P>, bytes: number): void {
    lane.bytes -= bytes;
    this.readyBytes -= bytes;
    this.readyEntries--;
  }
}
