import { defineConfig } from 'vitest/config';

// `source` resolves workspace packages to their TypeScript sources, so tests run
// without a build; published builds never see this condition.
const resolve = { conditions: ['source'] };

export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: {
          name: 'unit',
          include: ['packages/*/tests/unit/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        resolve,
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
