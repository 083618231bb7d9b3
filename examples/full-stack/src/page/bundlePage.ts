import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';

/** How the page script is bundled, in memory here and into a file by `buildSite`. */
export const PAGE_BUILD_OPTIONS: BuildOptions = {
  entryPoints: [fileURLToPath(new URL('./app.ts', import.meta.url))],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  // Resolve workspace packages to their sources, as the rest of this example does.
  conditions: ['source'],
  logLevel: 'silent',
};

/**
 * Bundles the page script (client, elements, alerts, the chart entry with lightweight-charts,
 * and the RxJS they use) for the browser, in memory, at startup: a fraction of a second, and the
 * page always runs the code in this checkout.
 */
export async function bundlePage(): Promise<string> {
  const result = await build({ ...PAGE_BUILD_OPTIONS, write: false });
  const output = result.outputFiles?.[0];
  if (output === undefined) throw new Error('esbuild produced no page bundle');
  return output.text;
}
