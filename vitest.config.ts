import { defineConfig } from 'vitest/config';

// Three projects: fast unit/vector/simulation tests; integration tests with real processes, SQLite,
// ffmpeg and libp2p; end-to-end tests that drive the headless host in Debian's Chromium.
// Integration and e2e tests run the built app (dist/), which `bin/hotpot test` builds first.
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/vectors/**/*.test.ts', 'test/sim/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
