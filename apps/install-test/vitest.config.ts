import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Packing and two npm installs from the cache take about a minute on a quiet machine.
    hookTimeout: 300_000,
    testTimeout: 60_000,
  },
});
