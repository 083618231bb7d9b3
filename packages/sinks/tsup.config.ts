import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts', 'src/lambda.ts', 'src/local.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
  },
  {
    // The `market-stream-replay` CLI is an executable, not an import: ESM only, no types.
    entry: { 'cli/replayDeadLetters': 'src/cli/replayDeadLetters.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'es2022',
  },
]);
