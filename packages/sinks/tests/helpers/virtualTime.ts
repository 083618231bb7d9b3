import { VirtualAction, VirtualTimeScheduler } from 'rxjs';

/**
 * A virtual clock for sinks: timers run only when the test advances time, and promises (the
 * fake clients' answers) settle between steps.
 */
export class VirtualClock {
  readonly scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);

  /** Virtual now, in ms. */
  get now(): number {
    return this.scheduler.frame;
  }

  /** Runs every timer due in the next `ms`, settling promises after each step. */
  async advance(ms: number): Promise<void> {
    const target = this.scheduler.frame + ms;
    for (let step = 0; step < 100_000; step++) {
      await settle();
      const next = this.scheduler.actions[0];
      if (next === undefined || next.delay > target) break;
      this.scheduler.maxFrames = next.delay;
      this.scheduler.flush();
    }
    this.scheduler.frame = target;
    await settle();
  }

  /** A promise that resolves after `ms` of virtual time. */
  delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.scheduler.schedule(() => resolve(), ms);
    });
  }
}

/** Lets every pending promise callback run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
