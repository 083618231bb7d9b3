import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    lambda: 'src/lambda.ts',
    local: 'src/local.ts',
    // The module each `serveFanout({ workers })` worker process runs.
    fanoutWorker: 'src/transports/ws/workers/workerMain.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // `import.meta.url` in the CommonJS build (the worker entry is found beside the module).
  shims: true,
});
