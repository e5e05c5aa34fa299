// The page has no process.env: copy in the variables the suites read (CI, FC_SEED, DEEPRNN_FC_*), which
// vitest.config.ts captured from the shell as __DEEPRNN_PAGE_ENV__.
declare const __DEEPRNN_PAGE_ENV__: Record<string, string>;

const scope = globalThis as { process?: { env?: Record<string, string | undefined> } };
scope.process ??= {};
scope.process.env = { ...scope.process.env, ...__DEEPRNN_PAGE_ENV__ };
