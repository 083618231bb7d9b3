import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_DIR } from './bundles.js';

/**
 * Loads a prebundled handler as a cold start would: `lambda/<name>/index.js` evaluated afresh,
 * so the handler reads the environment set now, not the one an earlier load in this process
 * cached (each bundle builds its clients once, on its first invocation).
 */
export function loadFreshBundle<T>(name: string): T {
  const require = createRequire(import.meta.url);
  const path = require.resolve(join(PACKAGE_DIR, 'lambda', name, 'index.js'));
  delete require.cache[path];
  return require(path) as T;
}
