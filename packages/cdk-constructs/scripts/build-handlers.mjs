// Bundles src/handlers/<name>.ts into lambda/<name>/index.js (+ a package.json marking it
// CommonJS): one self-contained file per handler for Node 20+ (any architecture), so users of
// the constructs need no bundler.
// The AWS SDK v3 is bundled too: the bundle then runs the SDK version it was tested with,
// whatever version the Lambda runtime happens to ship.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every handler the constructs run. */
export const HANDLERS = [
  'connect',
  'disconnect',
  'message',
  'processor',
  'eventsProcessor',
  'broadcaster',
  'recorder',
  'history',
  'ingest',
  'replay',
];

/**
 * Builds the handler bundles. Each file is written to a temporary name and renamed, so
 * concurrent builds (parallel test files) never expose a half-written bundle.
 * @param {{ names?: string[] }} [options]
 * @returns {Promise<string[]>} the bundle paths
 */
export async function buildHandlers(options = {}) {
  const names = options.names ?? HANDLERS;
  return Promise.all(
    names.map(async (name) => {
      const result = await build({
        entryPoints: [join(root, 'src', 'handlers', `${name}.ts`)],
        bundle: true,
        write: false,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        // Workspace packages resolve to their TypeScript sources: no prior build of them needed.
        conditions: ['source'],
        // Whitespace and syntax only: identifiers stay readable in stack traces.
        minifyWhitespace: true,
        minifySyntax: true,
        legalComments: 'none',
        logLevel: 'warning',
      });
      const outfile = join(root, 'lambda', name, 'index.js');
      await mkdir(dirname(outfile), { recursive: true });
      const temporary = `${outfile}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(temporary, result.outputFiles[0].contents);
      await rename(temporary, outfile);
      // This package is "type": "module"; the marker keeps index.js CommonJS wherever it is
      // loaded (in the Lambda asset, in tests, in local emulators).
      await writeFile(join(dirname(outfile), 'package.json'), '{ "type": "commonjs" }\n');
      return outfile;
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const bundles = await buildHandlers();
  for (const bundle of bundles) console.log(`built ${bundle}`);
}
