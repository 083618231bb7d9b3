import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // import.meta.url locates the package's lambda/ and site/ directories in the CJS build too.
  shims: true,
  external: ['aws-cdk-lib', 'constructs'],
});
