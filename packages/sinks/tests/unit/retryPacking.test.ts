import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { judgeBatch } from '../../src/internal/judgeBatch.js';
import { RetryQueue } from '../../src/internal/RetryQueue.js';
import type { Entry } from '../../src/internal/transport.js';

const policy = {
  maxAttempts: 20,
  recordTtlMs: undefined,
  backoffBaseMs: 100,
  rejectionBackoffBaseMs: 10,
  backoffMaxMs: 10_000,
  random: () => 0.5,
};

function entry(key: string, attempts: number, rejections = 0): Entry<string, string> {
  return { records: [key], key, bytes: 1, payload: key, attempts, rejections, arrivedAt: 0 };
}

describe('retries share requests', () => {
  it('backs a failed request off as a whole, by the most request failures any of its entries has seen, so its records come back together', () => {
    // B failed in four requests before (its fifth attempt); A and C are new.
    const batch = [entry('A', 1), entry('B', 5), entry('C', 1)];
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const verdict = judgeBatch(batch, { requestError: reset }, 0, policy);

    expect(verdict.retries.map((e) => e.key)).toEqual(['A', 'B', 'C']);
    // Full jitter at 0.5 of 100 × 2⁴ for all three.
    expect(verdict.retryDelays).toEqual([800, 800, 800]);
    expect(verdict.delay).toBe(800);
  });

  it('counts only request failures for that backoff, not rejections inside answered requests', () => {
    // B's five attempts were four rejections inside answered requests and this failure.
    const batch = [entry('A', 1), entry('B', 5, 4)];
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const verdict = judgeBatch(batch, { requestError: reset }, 0, policy);

    expect(verdict.retryDelays).toEqual([50, 50]);
  });

  it('retries a record rejected inside an answered request in the next request twice, then backs off by its rejections', () => {
    // B was rejected four times before, D once; A and C are rejected for the first time.
    const batch = [entry('A', 1), entry('B', 5, 4), entry('C', 3), entry('D', 2, 1)];
    const failed = batch.map((_, index) => ({ index, error: new Error('x'), retryable: true }));
    const verdict = judgeBatch(batch, { outcome: { failed } }, 0, policy);

    expect(verdict.retries.map((e) => e.key)).toEqual(['A', 'B', 'C', 'D']);
    // A, C (first rejection) and D (second): no wait. B's fifth rejection: full jitter at 0.5
    // of 10 × 2² (the third rejection backs off from 10 ms, each later one doubles).
    expect(verdict.retryDelays).toEqual([0, 20, 0, 0]);
    expect(batch.map((e) => e.rejections)).toEqual([1, 5, 1, 2]);
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
