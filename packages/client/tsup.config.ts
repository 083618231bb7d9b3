import { defineConfig, type Options } from 'tsup';

const common: Options = { dts: true, sourcemap: true, target: 'es2022' };

export default defineConfig([
  {
    ...common,
    entry: ['src/index.ts', 'src/elements.ts', 'src/appsync.ts'],
    format: ['esm', 'cjs'],
    clean: true,
  },
  // The chart entry is ESM only: lightweight-charts, which it imports, ships no CommonJS build.
  { ...common, entry: ['src/chart.ts'], format: ['esm'] },
]);
