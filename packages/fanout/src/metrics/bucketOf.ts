/**
 * The bucket `value` falls in: the index of the first bound at or above it, `bounds.length`
 * past the last (binary search). Internal to the histograms.
 */
export function bucketOf(bounds: readonly number[], value: number): number {
  let low = 0;
  let high = bounds.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (value > bounds[mid]!) low = mid + 1;
    else high = mid;
  }
  return low;
}
