/** Something the loop animates: a ticker whose price or flash is moving. */
export interface Animated {
  /** Draws the state at `now` (a rAF timestamp); returns whether it still moves. */
  frame(now: number): boolean;
  /** Draws the final state at once (page shown again after being hidden). */
  jump(): void;
}

/**
 * The one requestAnimationFrame loop of a window. Only tickers that changed are in the active
 * set, and the loop stops when the set is empty. While the page is hidden no frame is
 * requested; when it is shown again every pending ticker jumps to its latest price.
 * `prefers-reduced-motion: reduce` is read live and exposed as `reducedMotion`.
 */
export class AnimationLoop {
  /** Whether the user asked for reduced motion. */
  reducedMotion = false;
  private readonly active = new Set<Animated>();
  private handle = 0;
  private hidden = false;

  constructor(private readonly win: Window & typeof globalThis) {
    const doc = win.document;
    this.hidden = doc.visibilityState === 'hidden';
    doc.addEventListener('visibilitychange', () => this.visibilityChanged());
    const query = win.matchMedia?.('(prefers-reduced-motion: reduce)');
    if (query) {
      this.reducedMotion = query.matches;
      query.addEventListener?.('change', (event) => {
        this.reducedMotion = event.matches;
      });
    }
  }

  /** Puts `item` in the active set; it is drawn from the next frame on. */
  request(item: Animated): void {
    this.active.add(item);
    if (!this.hidden && this.handle === 0) this.handle = this.win.requestAnimationFrame(this.tick);
  }

  /** Removes `item` (its element left the page). */
  cancel(item: Animated): void {
    this.active.delete(item);
  }

  private readonly tick = (now: number): void => {
    this.handle = 0;
    for (const item of this.active) {
      if (!item.frame(now)) this.active.delete(item);
    }
    if (this.active.size > 0 && !this.hidden) {
      this.handle = this.win.requestAnimationFrame(this.tick);
    }
  };

  private visibilityChanged(): void {
    this.hidden = this.win.document.visibilityState === 'hidden';
    if (this.hidden) {
      if (this.handle !== 0) this.win.cancelAnimationFrame(this.handle);
      this.handle = 0;
      return;
    }
    for (const item of this.active) item.jump();
    this.active.clear();
  }
}

let shared: AnimationLoop | undefined;

/** The window's shared loop, created on first use (never at import time). */
export function sharedAnimationLoop(): AnimationLoop {
  shared ??= new AnimationLoop(globalThis as Window & typeof globalThis);
  return shared;
}
