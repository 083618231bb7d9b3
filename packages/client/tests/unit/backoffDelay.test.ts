import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/internal/backoffDelay.js';

describe('backoffDelay()', () => {
  const policy = { initialDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles the ceiling per attempt up to maxDelayMs (random just below 1)', () => {
    const ceilings = [0, 1, 2, 3, 4, 10, 100].map((attempt) =>
      backoffDelay(attempt, policy, () => 0.999_999),
    );

    expect(ceilings).toEqual([99, 199, 399, 799, 999, 999, 999]);
  });

  it('spreads delays over the whole range (full jitter)', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(400);
  });
});
