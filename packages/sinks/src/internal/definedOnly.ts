/**
 * The entries of `value` that are not `undefined`, so spreading them over defaults keeps a
 * default wherever an option was left out or given as `undefined`.
 * @internal
 */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
