import type { Bar } from '@market-stream/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RedrawThrottle } from '../../src/chart/RedrawThrottle.js';

const bar = (start: number, close: number): Bar => ({
  symbol: 'AAPL',
  start,
  end: start + 60_000,
  open: 100,
  high: Math.max(100, close),
  low: Math.min(100, close),
  close,
  volume: 1,
  vwap: close,
  trades: 1,
});

describe('RedrawThrottle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('draws the first update at once and only the newest of the rest at the end of each interval', () => {
    const drawn: number[] = [];
    const throttle = new RedrawThrottle(250, (b) => drawn.push(b.close));

    throttle.push(bar(0, 1));
    for (let close = 2; close <= 10; close++) throttle.push(bar(0, close));
    expect(drawn).toEqual([1]);
    vi.advanceTimersByTime(250);
    expect(drawn).toEqual([1, 10]);
    vi.advanceTimersByTime(1_000);
    expect(drawn).toEqual([1, 10]);
  });

  it('draws a pending bar at its last state before a newer bar replaces it', () => {
    const drawn: [number, number][] = [];
    const throttle = new RedrawThrottle(250, (b) => drawn.push([b.start, b.close]));

    throttle.push(bar(0, 1));
    throttle.push(bar(0, 2));
    throttle.push(bar(60_000, 3));
    expect(drawn).toEqual([
      [0, 1],
      [0, 2],
    ]);
    vi.advanceTimersByTime(250);
    expect(drawn.at(-1)).toEqual([60_000, 3]);
  });

  it('draws nothing after cancel, and every update with an interval of 0', () => {
    const drawn: number[] = [];
    const throttle = new RedrawThrottle(250, (b) => drawn.push(b.close));
    throttle.push(bar(0, 1));
    throttle.push(bar(0, 2));
    throttle.cancel();
    vi.advanceTimersByTime(1_000);
    expect(drawn).toEqual([1]);

    const every: number[] = [];
    const unthrottled = new RedrawThrottle(0, (b) => every.push(b.close));
    for (let close = 1; close <= 3; close++) unthrottled.push(bar(0, close));
    expect(every).toEqual([1, 2, 3]);
  });
});
