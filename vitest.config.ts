import { defineConfig } from 'vitest/config';

// Tests spawn real consumers (cloud-init, shellcheck, python3, go, systemd-nspawn); those are slow
// on a 2-core machine, so timeouts are generous and files run in at most two forks.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
