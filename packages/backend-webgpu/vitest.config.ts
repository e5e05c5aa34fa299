import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    // lavapipe compiles every drawn spec's kernel with LLVM: each conformance property gets 10 s of
    // runs by default here (the suite's own default is 30 s); DEEPRNN_FC_TIME_LIMIT_S overrides it.
    env: { DEEPRNN_FC_TIME_LIMIT_S: process.env.DEEPRNN_FC_TIME_LIMIT_S ?? '10' },
  },
});
