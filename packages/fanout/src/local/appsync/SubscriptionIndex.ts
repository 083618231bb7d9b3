/** One subscription: the connection that holds it and the id the client gave it. */
export interface Subscriber<C> {
  readonly connection: C;
  readonly id: string;
}

/**
 * Who is subscribed to what: exact channel paths, and wildcard prefixes (`/trades/*` is stored
 * as `/trades` and matches every channel below it, at any depth). Finding a channel's
 * subscribers costs one lookup per segment, not a scan of every subscription.
 */
export class SubscriptionIndex<C> {
  readonly #exact = new Map<string, Set<Subscriber<C>>>();
  readonly #prefix = new Map<string, Set<Subscriber<C>>>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(path: string, wildcard: boolean, subscriber: Subscriber<C>): void {
    const map = wildcard ? this.#prefix : this.#exact;
    let set = map.get(path);
    if (set === undefined) {
      set = new Set();
      map.set(path, set);
    }
    set.add(subscriber);
    this.#size++;
  }

  remove(path: string, wildcard: boolean, subscriber: Subscriber<C>): void {
    const map = wildcard ? this.#prefix : this.#exact;
    const set = map.get(path);
    if (set?.delete(subscriber)) {
      this.#size--;
      if (set.size === 0) map.delete(path);
    }
  }

  /** Subscribers of a published channel (a normalized path without wildcard). */
  *match(channel: string): Generator<Subscriber<C>> {
    yield* this.#exact.get(channel) ?? [];
    for (let cut = channel.indexOf('/', 1); cut !== -1; cut = channel.indexOf('/', cut + 1)) {
      yield* this.#prefix.get(channel.slice(0, cut)) ?? [];
    }
  }
}
