import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { judgeBatch } from '../../src/internal/judgeBatch.js';
import { RetryQueue } from '../../src/internal/RetryQueue.js';
import type { Entry } from '../../src/internal/transport.js';

const policy = {
  maxAttempts: 20,
  recordTtlMs: undefined,
  backoffBaseMs: 100,
  backoffMaxMs: 10_000,
  random: () => 0.5,
};

function entry(key: string, attempts: number): Entry<string, string> {
  return { records: [key], key, bytes: 1, payload: key, attempts, arrivedAt: 0 };
}

describe('retries share requests', () => {
  it('backs each retry off by its own attempts, so a new record packed with an old retry does not inherit its backoff', () => {
    const batch = [entry('A', 1), entry('B', 5), entry('C', 1)];
    const failed = batch.map((_, index) => ({ index, error: new Error('x'), retryable: true }));
    const verdict = judgeBatch(batch, { outcome: { failed } }, 0, policy);

    expect(verdict.retries.map((e) => e.key)).toEqual(['A', 'B', 'C']);
    // Full jitter at 0.5: attempt 1 → 0.5 × 100, attempt 5 → 0.5 × 1,600.
    expect(verdict.retryDelays).toEqual([50, 800, 50]);
    expect(verdict.delay).toBe(800);
  });

  it('hands every retry due at the same time over at once, behind one timer', () => {
    const scheduler = new VirtualTimeScheduler();
    const handed: string[][] = [];
    const queue = new RetryQueue<string>(scheduler, (due) => handed.push(due));
    queue.add('late', 80);
    queue.add('A', 50);
    queue.add('B', 50);

    scheduler.flush();

    expect(handed).toEqual([['A', 'B'], ['late']]);
    expect(queue.size).toBe(0);
  });

  it('drains what still waits (for onUnsent) and fires no more', () => {
    const scheduler = new VirtualTimeScheduler();
    const handed: string[][] = [];
    const queue = new RetryQueue<string>(scheduler, (due) => handed.push(due));
    queue.add('B', 20);
    queue.add('A', 10);

    expect(queue.drain()).toEqual(['A', 'B']);
    scheduler.flush();
    expect(handed).toEqual([]);
  });
});
