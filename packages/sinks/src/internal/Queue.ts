/**
 * A FIFO queue with O(1) push and shift: an array read from a moving head, compacted when
 * the consumed prefix outgrows the live part (so `Array#shift`'s O(n) copy never runs per item).
 * @internal
 */
export class Queue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  /** Items in the queue. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Appends `item` at the tail. */
  push(item: T): void {
    this.items.push(item);
  }

  /** The head item, without removing it. */
  peek(): T | undefined {
    return this.items[this.head];
  }

  /** Removes and returns the head item. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Calls `visit` with up to `count` items from the head, without removing them. */
  forEachFirst(count: number, visit: (item: T) => void): void {
    const end = Math.min(this.items.length, this.head + count);
    for (let i = this.head; i < end; i++) visit(this.items[i] as T);
  }

  /** Every queued item, head first, without removing them. */
  toArray(): T[] {
    return this.items.slice(this.head) as T[];
  }
}
