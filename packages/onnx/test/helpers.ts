import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Activation,
  ACTIVATION_NAMES,
  type RnnConfig,
  RNN_MODES,
  activationCount,
  usesAlpha,
  usesBeta,
} from '@deeprnn/core';
import fc from 'fast-check';

/** Repository root (for shared/ and fixtures/). */
export const REPO: string = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** shared/golden (beside the repository). */
export const GOLDEN: string = join(REPO, '..', 'shared', 'golden');
/** This package's torch.onnx.export fixtures. */
export const TORCH_FIXTURES: string = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'torch');

/** The python with onnx (Debian's python3-onnx), or null with the reason. */
export function pythonOnnx(): { python: string } | { missing: string } {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(python, ['-c', 'import onnx.checker'], { stdio: 'pipe' });
      return { python };
    } catch {
      // try the next one
    }
  }
  return { missing: 'python3 with the onnx package (Debian python3-onnx) is not installed' };
}

/** True when a directory exists. */
export function hasDir(path: string): boolean {
  return existsSync(path);
}

const float32 = (min: number, max: number): fc.Arbitrary<number> =>
  // `+ 0` turns -0 into 0: JSON (the metadata) cannot carry the sign of zero.
  fc.float({ min: Math.fround(min), max: Math.fround(max), noNaN: true, noDefaultInfinity: true }).map((v) => v + 0);

/** An activation with alpha/beta drawn as float32 values (so the graph's float attributes hold them exactly). */
export const activationArb: fc.Arbitrary<Activation> = fc.constantFrom(...ACTIVATION_NAMES).chain((name) =>
  fc.record({ alpha: float32(0.05, 2), beta: float32(-1, 1) }).map(({ alpha, beta }) => {
    const a: { name: (typeof ACTIVATION_NAMES)[number]; alpha?: number; beta?: number } = { name };
    if (usesAlpha(name)) a.alpha = alpha;
    if (usesBeta(name)) a.beta = beta;
    return a;
  }),
);

/** Any config the spec allows (small sizes). */
export const configArb: fc.Arbitrary<RnnConfig> = fc.constantFrom(...RNN_MODES).chain((mode) =>
  fc
    .record({
      inputSize: fc.integer({ min: 1, max: 5 }),
      hiddenSize: fc.integer({ min: 2, max: 5 }),
      numLayers: fc.integer({ min: 1, max: 4 }),
      bias: fc.boolean(),
      batchFirst: fc.boolean(),
      bidirectional: fc.boolean(),
      projSize: fc.integer({ min: 0, max: 4 }),
      activations: fc.option(
        fc.array(activationArb, { minLength: activationCount(mode), maxLength: activationCount(mode) }),
        { nil: undefined },
      ),
      reverseActivations: fc.option(
        fc.array(activationArb, { minLength: activationCount(mode), maxLength: activationCount(mode) }),
        { nil: undefined },
      ),
      clip: fc.option(float32(0.1, 5), { nil: undefined }),
      peepholes: fc.boolean(),
      inputForget: fc.boolean(),
      linearBeforeReset: fc.boolean(),
      tiedLayers: fc.boolean(),
      dropout: fc.constantFrom(0, 0, 0.25),
    })
    .map((r) => {
      const c: Record<string, unknown> = {
        mode,
        inputSize: r.inputSize,
        hiddenSize: r.hiddenSize,
        numLayers: r.numLayers,
        bias: r.bias,
        batchFirst: r.batchFirst,
        bidirectional: r.bidirectional,
        tiedLayers: r.tiedLayers,
        dropout: r.dropout,
      };
      if (mode === 'lstm') {
        c.projSize = r.projSize < r.hiddenSize ? r.projSize : 0;
        c.peepholes = r.peepholes;
        c.inputForget = r.inputForget;
      }
      if (mode === 'gru') c.linearBeforeReset = r.linearBeforeReset;
      if (r.activations) c.activations = r.activations;
      if (r.reverseActivations && r.bidirectional) c.reverseActivations = r.reverseActivations;
      if (r.clip !== undefined) c.clip = r.clip;
      return c as unknown as RnnConfig;
    }),
);
