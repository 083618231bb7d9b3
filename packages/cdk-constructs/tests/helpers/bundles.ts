import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildHandlers, HANDLERS } from '../../scripts/build-handlers.mjs';

/** The package directory. */
export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Builds the prebundled handlers when a checkout has not built them yet (the constructs refuse
 * to synth without them). A built package skips this.
 */
export async function ensureHandlerBundles(): Promise<void> {
  const missing = HANDLERS.filter(
    (name) => !existsSync(join(PACKAGE_DIR, 'lambda', name, 'package.json')),
  );
  if (missing.length > 0) await buildHandlers({ names: [...missing] });
}

/**
 * Loads a prebundled handler exactly as Lambda would: `require('lambda/<name>/index.js')`.
 * With `fresh`, evaluated afresh as a cold start would, so the handler reads the environment
 * set now, not the one an earlier load in this process cached (each bundle builds its clients
 * once, on its first invocation).
 */
export function loadBundle<T>(name: string, { fresh = false } = {}): T {
  const require = createRequire(import.meta.url);
  const path = require.resolve(join(PACKAGE_DIR, 'lambda', name, 'index.js'));
  if (fresh) delete require.cache[path];
  return require(path) as T;
}
