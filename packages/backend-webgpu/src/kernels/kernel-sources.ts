import type { RnnSpec } from '@deeprnn/core';
import { projectionWgsl, projectionWidth } from '../forward/projection-kernel.js';
import { recurrentWgsl } from '../forward/recurrent-kernel.js';
import { trainBackwardWgsl } from '../train/train-backward-kernel.js';
import { trainForwardWgsl } from '../train/train-forward-kernel.js';
import { recurrenceGeometry } from './recurrence-geometry.js';
import type { WeightStorage } from './weight-storage.js';

/** The WGSL of every spec-dependent kernel a spec compiles, by kernel name. */
export interface KernelSources {
  /** Input projection of the inference forward (one matrix product per layer). */
  readonly projection: string;
  /** Inference recurrence, both directions of one layer. */
  readonly recurrent: string;
  /** A stream's step kernel of layer 0: the recurrence with its input projection fused in. */
  readonly step: string;
  /** Training: the recording forward recurrence. */
  readonly trainForward: string;
  /** Training: the backward recurrence. */
  readonly trainBackward: string;
}

/**
 * The sources a model and a trainer of `spec` compile for batch `B` on a device with
 * `limitBytes` of workgroup memory, the inference kernels reading weights held as `storage` (the
 * training kernels always hold float32). Needs no adapter: the snapshot tests and tools read it.
 */
export function kernelSources(
  spec: RnnSpec,
  B: number,
  limitBytes: number,
  storage: WeightStorage = 'f32',
): KernelSources {
  const geo = recurrenceGeometry(spec, B, { workgroupBytes: limitBytes }, { weightStorage: storage });
  return {
    projection: projectionWgsl(projectionWidth(geo.NG), undefined, storage),
    recurrent: recurrentWgsl(geo.forward),
    step: recurrentWgsl({ ...geo.forward, fusedInput: spec.inputSize }),
    trainForward: trainForwardWgsl(geo),
    trainBackward: trainBackwardWgsl(geo),
  };
}
