import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// `source` resolves workspace packages to their TypeScript sources, so tests always run the
// code in the tree, without a build; published builds never see this condition. Node tests
// resolve through Vite's server (SSR) conditions, so both lists need it.
// Vite's `module` condition is left out for Node: it would pick the AWS SDK's `dist-es` builds,
// whose extensionless imports Node cannot load.
const resolve = { conditions: ['source', ...defaultClientConditions] };
const ssr = {
  resolve: { conditions: ['source', ...defaultServerConditions.filter((c) => c !== 'module')] },
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        ssr,
        test: {
          name: 'unit',
          include: [
            'packages/*/tests/unit/**/*.test.ts',
            'packages/*/src/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        resolve,
        ssr,
        test: {
          name: 'integration',
          include: [
            'packages/*/tests/integration/**/*.test.ts',
            'packages/*/tests/browser/**/*.test.ts',
            'examples/*/tests/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Integration suites start servers and emulators; on 2 cores they run best one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
