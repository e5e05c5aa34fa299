import type { RnnSpec } from '@deeprnn/core';

/** The dropout of a call: the spec's rate in training mode with the call's seed, else none. */
export function dropoutOf(
  spec: RnnSpec,
  options: { readonly training?: boolean; readonly dropoutSeed?: number },
): { rate: number; seed: number } | null {
  return options.training === true && spec.dropout > 0 ? { rate: spec.dropout, seed: options.dropoutSeed ?? 0 } : null;
}
