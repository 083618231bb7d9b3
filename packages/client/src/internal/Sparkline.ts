import type { Drawable, DrawQueue } from './DrawQueue.js';

/** One point of a sparkline: event time (epoch ms) and price. */
export interface SparkPoint {
  time: number;
  price: number;
}

/**
 * The last `windowMs` of one symbol's price as a line on a canvas. Trades are folded into one
 * point per `bucketMs` (the bucket's last price), so a sparkline holds at most
 * `windowMs / bucketMs` points (300 for 5 minutes of 1 s buckets) however fast trades arrive.
 * The window ends at the newest point's event time, so a quiet symbol keeps its line. A trade
 * older than the newest bucket is ignored (late or replayed). A change only marks the line
 * dirty in the element's {@link DrawQueue}: it is drawn at most once per frame, within the
 * queue's per-frame budget, and a line nobody changed is never redrawn.
 */
export class Sparkline implements Drawable {
  private times: number[] = [];
  private prices: number[] = [];
  private width = 0;
  private height = 0;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly queue: DrawQueue,
    private readonly windowMs: number,
    private readonly bucketMs: number,
    private readonly color: (up: boolean) => string,
  ) {}

  /** The points held, oldest first (for tests and seeding). */
  get points(): SparkPoint[] {
    return this.times.map((time, i) => ({ time, price: this.prices[i] as number }));
  }

  /** Adds a trade; returns whether the line changed. */
  add(time: number, price: number): boolean {
    const bucket = time - (time % this.bucketMs);
    const last = this.times.length - 1;
    const newest = this.times[last] ?? Number.NEGATIVE_INFINITY;
    if (bucket < newest) return false;
    if (bucket === newest) {
      if (this.prices[last] === price) return false;
      this.prices[last] = price;
    } else {
      this.times.push(bucket);
      this.prices.push(price);
      this.trim();
    }
    this.queue.add(this);
    return true;
  }

  /** Puts `points` before the live ones (e.g. history from `/api/bars`). */
  seed(points: readonly SparkPoint[]): void {
    const live = this.points;
    const first = this.times[0] ?? Number.POSITIVE_INFINITY;
    this.times = [];
    this.prices = [];
    const sorted = points.filter((p) => p.time < first).sort((a, b) => a.time - b.time);
    for (const point of [...sorted, ...live]) this.add(point.time, point.price);
    this.queue.add(this);
  }

  /** Sets the canvas size in device pixels (from a ResizeObserver, never read in a frame). */
  resize(width: number, height: number): void {
    const ratio = globalThis.devicePixelRatio || 1;
    this.width = Math.round(width * ratio);
    this.height = Math.round(height * ratio);
    if (this.canvas.width !== this.width) this.canvas.width = this.width;
    if (this.canvas.height !== this.height) this.canvas.height = this.height;
    this.queue.add(this);
  }

  /** Leaves the queue (the element let go of it). */
  dispose(): void {
    this.queue.delete(this);
  }

  draw(): void {
    const context = this.canvas.getContext('2d');
    const count = this.times.length;
    if (!context || this.width === 0) return;
    context.clearRect(0, 0, this.width, this.height);
    if (count < 2) return;
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    for (const price of this.prices) {
      if (price < low) low = price;
      if (price > high) high = price;
    }
    const pad = Math.max(1, this.height * 0.08);
    const start = (this.times[count - 1] as number) - this.windowMs;
    const x = this.width / this.windowMs;
    const y = (this.height - 2 * pad) / (high - low || 1);
    // At most one point per two pixel columns: more costs stroke time and shows nothing more.
    const step = Math.max(1, Math.floor((2 * count) / this.width));
    context.beginPath();
    for (let i = 0; i < count; i = i === count - 1 ? count : Math.min(i + step, count - 1)) {
      const px = ((this.times[i] as number) - start) * x;
      const py = this.height - pad - ((this.prices[i] as number) - low) * y;
      if (i === 0) context.moveTo(px, py);
      else context.lineTo(px, py);
    }
    context.lineWidth = Math.max(1, this.height / 24);
    context.strokeStyle = this.color(
      (this.prices[count - 1] as number) >= (this.prices[0] as number),
    );
    context.stroke();
  }

  private trim(): void {
    const oldest = (this.times[this.times.length - 1] as number) - this.windowMs;
    let drop = 0;
    while ((this.times[drop] as number) <= oldest) drop++;
    if (drop > 0) {
      this.times.splice(0, drop);
      this.prices.splice(0, drop);
    }
  }
}
