/**
 * A binary min-heap of numbers: `push` and `pop` in O(log n), `peek` in O(1). Internal.
 *
 * @example
 * ```ts
 * const heap = new MinHeap();
 * heap.push(3);
 * heap.push(1);
 * heap.pop(); // 1
 * ```
 */
export class MinHeap {
  private items: number[] = [];

  /** Values held. */
  get size(): number {
    return this.items.length;
  }

  /** The smallest value, or `undefined` when empty. */
  peek(): number | undefined {
    return this.items[0];
  }

  /** Adds a value. */
  push(value: number): void {
    const items = this.items;
    let index = items.length;
    items.push(value);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (items[parent]! <= value) break;
      items[index] = items[parent]!;
      index = parent;
    }
    items[index] = value;
  }

  /** Removes and returns the smallest value, or `undefined` when empty. */
  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        if (left >= items.length) break;
        const right = left + 1;
        const child = right < items.length && items[right]! < items[left]! ? right : left;
        if (items[child]! >= last) break;
        items[index] = items[child]!;
        index = child;
      }
      items[index] = last;
    }
    return top;
  }

  /** Replaces the content with `values`, in O(n). */
  reset(values: Iterable<number>): void {
    this.items = [];
    for (const value of [...values].sort((a, b) => a - b)) this.items.push(value);
  }
}
