import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { StaleTracker } from '../../src/internal/StaleTracker.js';

describe('StaleTracker', () => {
  it('marks a symbol stale after staleAfterMs without updates and clears it on the next one', () => {
    const scheduler = new VirtualTimeScheduler();
    const emitted: string[][] = [];
    const tracker = new StaleTracker(1_000, scheduler, (stale) => emitted.push([...stale].sort()));
    const at = (time: number, work: () => void) => scheduler.schedule(work, time);

    at(0, () => {
      tracker.touch('AAPL');
      tracker.touch('TSLA');
    });
    at(600, () => tracker.touch('AAPL'));
    at(1_700, () => tracker.touch('TSLA'));
    at(5_000, () => tracker.forget('AAPL'));
    scheduler.flush();

    expect(emitted).toEqual([
      ['TSLA'], // 1000
      ['AAPL', 'TSLA'], // 1600
      ['AAPL'], // 1700: TSLA updated
      ['AAPL', 'TSLA'], // 2700
      ['TSLA'], // 5000: AAPL forgotten
    ]);
  });
});
