import { InvalidOptionsError } from '../errors.js';

/** `defaults` overridden by every option that is not `undefined`. @internal */
export function withDefaults<T extends object>(defaults: T, options: Partial<T> | undefined): T {
  const merged = { ...defaults };
  if (options) {
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    }
  }
  return merged;
}

/** A finite number > 0 (≥ 0 when `allowZero`). @internal */
export function checkPositive(option: string, value: unknown, allowZero = false): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (!allowZero && value === 0)
  ) {
    throw new InvalidOptionsError(
      option,
      `must be a finite number ${allowZero ? '≥ 0' : '> 0'}, got ${String(value)}`,
    );
  }
  return value;
}

/** A number in [0, 1]. @internal */
export function checkFraction(option: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidOptionsError(option, `must be a number between 0 and 1, got ${String(value)}`);
  }
  return value;
}

/** A `[low, high]` pair with 0 < low ≤ high. @internal */
export function checkRange(option: string, value: unknown): readonly [number, number] {
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !(typeof value[0] === 'number' && value[0] > 0) ||
    !(typeof value[1] === 'number' && Number.isFinite(value[1]) && value[1] >= value[0])
  ) {
    throw new InvalidOptionsError(option, 'must be [low, high] with 0 < low ≤ high');
  }
  return value as unknown as readonly [number, number];
}

/** A positive safe integer. @internal */
export function checkPositiveInteger(option: string, value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) {
    throw new InvalidOptionsError(option, `must be a positive integer, got ${String(value)}`);
  }
  return value as number;
}
