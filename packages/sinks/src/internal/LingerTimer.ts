import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * One timer for the earliest time a lingering batch is due: arming it for a later time than
 * it is set for is a no-op, for an earlier time re-arms it. Calls `onDue` once per arming.
 * @internal
 *
 * @example
 * ```ts
 * const linger = new LingerTimer(scheduler, () => pump());
 * linger.arm(scheduler.now() + 100);
 * linger.cancel();
 * ```
 */
export class LingerTimer {
  private timer: Subscription | undefined;
  private at = Number.POSITIVE_INFINITY;

  /**
   * @param scheduler - Where the timer runs.
   * @param onDue - Called when the armed time comes.
   */
  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly onDue: () => void,
  ) {}

  /**
   * Makes sure the timer fires by `at`.
   *
   * @param at - Scheduler time the lingering batch is due.
   */
  arm(at: number): void {
    if (this.timer !== undefined && this.at <= at) return;
    this.cancel();
    this.at = at;
    this.timer = this.scheduler.schedule(
      () => {
        this.timer = undefined;
        this.at = Number.POSITIVE_INFINITY;
        this.onDue();
      },
      Math.max(0, at - this.scheduler.now()),
    );
  }

  /** Stops the timer (a no-op when it is not armed). */
  cancel(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.at = Number.POSITIVE_INFINITY;
  }
}
