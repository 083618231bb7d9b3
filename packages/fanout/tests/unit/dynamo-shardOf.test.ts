import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shardOf } from '../../src/index.js';

describe('shardOf()', () => {
  it('is deterministic and in range', () => {
    expect(shardOf('L0SM9cOFvHcCIhw=', 16)).toBe(shardOf('L0SM9cOFvHcCIhw=', 16));
    for (const shards of [1, 3, 16, 1000]) {
      const shard = shardOf('L0SM9cOFvHcCIhw=', shards);
      expect(Number.isInteger(shard) && shard >= 0 && shard < shards).toBe(true);
    }
  });

  it('spreads API Gateway-style ids evenly over the shards', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) {
      const shard = shardOf(randomBytes(11).toString('base64'), 16);
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    for (const count of counts) expect(Math.abs(count - 1_000)).toBeLessThan(150);
  });

  it('refuses a shard count that is not a positive integer', () => {
    expect(() => shardOf('a', 0)).toThrow(RangeError);
    expect(() => shardOf('a', 2.5)).toThrow(RangeError);
  });
});
