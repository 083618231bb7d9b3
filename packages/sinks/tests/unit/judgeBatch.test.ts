import { describe, expect, it } from 'vitest';
import { judgeBatch } from '../../src/internal/judgeBatch.js';
import type { Entry } from '../../src/internal/transport.js';

describe('judgeBatch()', () => {
  const policy = {
    maxAttempts: 3,
    recordTtlMs: undefined,
    backoffBaseMs: 100,
    rejectionBackoffBaseMs: 10,
    backoffMaxMs: 1_000,
    random: () => 0.5,
  };
  const entry = (record: string, attempts = 1): Entry<string, string> => ({
    records: [record],
    key: record,
    bytes: 10,
    payload: record,
    attempts,
    rejections: 0,
    arrivedAt: 0,
  });

  it('delivers what the service accepted and retries what failed retryably', () => {
    const batch = [entry('a'), entry('b'), entry('c')];
    const throttled = new Error('throttled');

    const verdict = judgeBatch(
      batch,
      { outcome: { failed: [{ index: 1, error: throttled, retryable: true }] } },
      0,
      policy,
    );

    expect(verdict.released).toEqual([batch[0], batch[2]]);
    expect(verdict.retries).toEqual([batch[1]]);
    expect(verdict).toMatchObject({ delivered: 2, deliveredBytes: 20, failed: 1, retrying: 1 });
    expect(verdict.givenUp).toEqual([]);
  });

  it('gives up rejected and exhausted entries, grouped by error and reason', () => {
    const batch = [entry('a'), entry('b', 3), entry('c'), entry('d', 3)];
    const refused = new Error('refused');

    const verdict = judgeBatch(
      batch,
      {
        outcome: {
          failed: batch.map((_, index) => ({ index, error: refused, retryable: index % 2 === 1 })),
        },
      },
      0,
      policy,
    );

    expect(verdict.givenUp).toEqual([
      { records: ['a', 'c'], reason: 'rejected', error: refused, attempts: 1 },
      { records: ['b', 'd'], reason: 'attempts-exhausted', error: refused, attempts: 3 },
    ]);
    expect(verdict.released).toEqual(batch);
    expect(verdict).toMatchObject({ delivered: 0, failed: 4, retrying: 0 });
  });

  it('fails every entry with the error of a request that failed as a whole', () => {
    const batch = [entry('a'), entry('b')];
    const socketReset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

    const verdict = judgeBatch(batch, { requestError: socketReset }, 0, policy);

    expect(verdict.retries).toEqual(batch);
    expect(verdict).toMatchObject({ delivered: 0, failed: 2, retrying: 2, attempts: 1 });
  });
});
