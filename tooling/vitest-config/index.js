// Shared vitest configuration. Workspace packages are resolved through the `source` export condition so tests
// run against TypeScript source without a build step.
import { defineConfig, mergeConfig } from 'vitest/config';

const conditions = ['source', 'module', 'node', 'import', 'default'];

/** @param {import('vitest/config').UserConfig} [overrides] */
export function scorekitVitestConfig(overrides = {}) {
  return mergeConfig(
    defineConfig({
      resolve: { conditions },
      ssr: { resolve: { conditions, externalConditions: ['source'] } },
      test: {
        include: ['test/**/*.test.ts'],
        setupFiles: ['@scorekit/test-utils/setup'],
        environment: 'node',
        // Numerical tests on the wasm and cpu backends are CPU-bound: one file per worker, two workers at most.
        pool: 'forks',
        maxWorkers: 2,
        // Bounds for a hang, not for speed: CI runs every package's tests at once on two cores (load 15–25), where
        // a test that takes 30 s on a quiet machine has taken over 120 s.
        testTimeout: 300_000,
        hookTimeout: 300_000,
      },
    }),
    overrides,
  );
}
