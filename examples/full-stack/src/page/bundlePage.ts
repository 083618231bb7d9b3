import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles the page script (client, elements, alerts, the chart entry with lightweight-charts,
 * and the RxJS they use) for the browser, in memory, at startup: a fraction of a second, and the
 * page always runs the code in this checkout.
 */
export async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./app.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    // Resolve workspace packages to their sources, as the rest of this example does.
    conditions: ['source'],
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild produced no page bundle');
  return output.text;
}
