import { defineConfig } from 'vitest/config';

// Runs only the boot-time measurement (bench/boot-time.run.ts), never the test suite.
export default defineConfig({
  test: {
    include: ['bench/boot-time.run.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 1_800_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
