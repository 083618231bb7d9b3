import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { PAGE_BUILD_OPTIONS } from './bundlePage.js';
import { renderPage } from './renderPage.js';

/** The files of the deployed page: `index.html` and `app.js`, in `directory`. */
export interface BuiltSite {
  directory: string;
  files: readonly ['index.html', 'app.js'];
}

/**
 * Writes the full-stack page as a static site into `directory` (created if needed):
 * `index.html` without inline config, so the page reads `config.json` (which the website
 * construct writes at deploy time: the WebSocket URL, the tickers, AppSync Events) and `app.js`
 * (esbuild, minified). Synchronous and offline, so `cdk synth` can call it: a fraction of a
 * second.
 *
 * @param directory - Where to write; existing files of the same names are replaced.
 * @returns the directory and the names of the files written.
 * @example
 * ```ts
 * import { Source } from 'aws-cdk-lib/aws-s3-deployment';
 *
 * const site = buildSite('cdk.out/site');
 * new TickerSystem(stack, 'Ticker', { website: { sources: [Source.asset(site.directory)] } });
 * ```
 */
export function buildSite(directory: string): BuiltSite {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'index.html'), renderPage({ symbols: [], inlineConfig: false }));
  const result = buildSync({ ...PAGE_BUILD_OPTIONS, outfile: join(directory, 'app.js') });
  if (result.errors.length > 0) throw new Error(`esbuild: ${result.errors[0]?.text}`);
  return { directory, files: ['index.html', 'app.js'] };
}
