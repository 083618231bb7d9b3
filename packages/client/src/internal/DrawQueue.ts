import type { Animated, AnimationLoop } from './AnimationLoop.js';

/** Something a {@link DrawQueue} draws: it draws its whole current state at once. */
export interface Drawable {
  draw(): void;
}

/**
 * Draws dirty items in the shared animation loop, at most `perFrame` of them a frame, oldest
 * first; an item marked again while waiting keeps its place, so each is drawn at most once a
 * frame and none waits more than `ceil(dirty / perFrame)` frames. Bounds a frame's drawing
 * however many items change, e.g. 200 sparklines whose symbols all trade 10 times a second.
 */
export class DrawQueue implements Animated {
  private readonly dirty = new Set<Drawable>();

  constructor(
    private readonly loop: AnimationLoop,
    private readonly perFrame: number,
  ) {}

  /** Marks `item` dirty; it is drawn in one of the next frames. */
  add(item: Drawable): void {
    this.dirty.add(item);
    this.loop.request(this);
  }

  /** Forgets `item` (its element left the page). */
  delete(item: Drawable): void {
    this.dirty.delete(item);
  }

  frame(): boolean {
    let budget = this.perFrame;
    for (const item of this.dirty) {
      if (budget-- === 0) break;
      this.dirty.delete(item);
      item.draw();
    }
    return this.dirty.size > 0;
  }

  jump(): void {
    for (const item of this.dirty) item.draw();
    this.dirty.clear();
  }
}
