/**
 * Runs `register` with fast-check's run count scaled down by `factor` (conformance reads
 * DEEPRNN_FC_RUNS when a suite is registered). For lanes where each case costs seconds, e.g. WebGPU on
 * Chromium's SwiftShader, which compiles every new session's shaders on the CPU.
 */
export function withFewerRuns(factor: number, register: () => void): void {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  if (!env) {
    register();
    return;
  }
  const before = env.DEEPRNN_FC_RUNS;
  env.DEEPRNN_FC_RUNS = String(Number(before ?? '1') * factor);
  try {
    register();
  } finally {
    env.DEEPRNN_FC_RUNS = before;
  }
}
