import type { AlertRule } from '@market-stream/client';

/** Versioned: a later shape of the rules gets a new key, and this one is simply left behind. */
export const ALERTS_STORAGE_KEY = 'market-stream.alerts.v1';

/**
 * The rules kept in `storage`: anything that is not a JSON array of objects (bad JSON, another
 * shape, storage switched off) is ignored. `createAlerts` checks each rule when it is added.
 */
export function loadRules(storage: Storage | undefined): AlertRule[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(ALERTS_STORAGE_KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (rule): rule is AlertRule => typeof rule === 'object' && rule !== null && 'kind' in rule,
    );
  } catch {
    return [];
  }
}

/** Keeps `rules`; a full or disabled storage only costs the persistence, never the page. */
export function saveRules(storage: Storage | undefined, rules: readonly AlertRule[]): void {
  try {
    storage?.setItem(ALERTS_STORAGE_KEY, JSON.stringify(rules));
  } catch {
    // Quota exceeded or storage disabled: the rules still work until the page is closed.
  }
}
