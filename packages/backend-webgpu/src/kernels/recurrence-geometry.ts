import { type RnnSpec, directionCount, gateCount, outputSize } from '@deeprnn/core';
import { type PlanShape, type RecurrentLayout, type RecurrentPlan, planRecurrent } from './kernel-plan.js';
import { type RowPlan, trainRowPlan } from '../train/recurrence-kernels.js';
import { recordSlots, trainCell } from '../train/train-cells.js';

/** What the kernels need to know about the device: its `maxComputeWorkgroupStorageSize`. */
export interface AdapterLimits {
  readonly workgroupBytes: number;
}

/**
 * Where the training step's per-row scratch regions sit, in f32 words per time-major row (t, b):
 * a region at `x` of a buffer starts at word `x * T * B`. The kernels read the same numbers as
 * WGSL constants ({@link geometryConstants}), the host multiplies them by the call's rows.
 */
export interface TrainRegions {
  /** `y` of a layer: the outputs [NP], then the record slots [D][RS][H] the backward reads. */
  readonly outputs: { readonly records: number; readonly total: number };
  /**
   * `hp` (the backward's side outputs): h_{t-1} [NP]; with projections each step's dh [NP] at
   * `dh` and m = o act_h(c) [N] at `m`; reset-before GRU's r h [N] at `rh`; the peepholes'
   * per-step products [3N] at `peep`.
   */
  readonly sideOutputs: {
    readonly dh: number;
    readonly m: number;
    readonly rh: number;
    readonly peep: number;
    readonly total: number;
  };
  /** `g`: the input-side gate gradients [NG], then (GRU after-reset) the hidden side's at `hidden`. */
  readonly gateGrads: { readonly hidden: number; readonly total: number };
}

/**
 * `wr`, the backward's copy of the weights it reads (f32 words, not per row): W_hh in row order
 * [D][G*H][P], then W_hr^T [D][H][P] (projections) at `whr`, then the peepholes [D][3H] at `peep`.
 */
export interface BackwardWeights {
  readonly whr: number;
  readonly peep: number;
  readonly total: number;
}

/**
 * Everything the kernels of one spec and batch size depend on, computed once per model call shape
 * or trainer step program: the dimensions, the flags that change code, each kernel's plan and every
 * buffer region by name. Host code and WGSL constants both read it, so an offset exists once.
 */
export interface RecurrenceGeometry {
  readonly spec: RnnSpec;
  readonly batch: number;
  /** Hidden units. */
  readonly H: number;
  /** Width of the state and of each direction's output (projSize, else H). */
  readonly P: number;
  /** Gates per unit (1, 3, 4). */
  readonly G: number;
  /** Directions (1, 2). */
  readonly D: number;
  /** G*H: one direction's gate pre-activations. */
  readonly GH: number;
  /** D*G*H: the input projection's width. */
  readonly NG: number;
  /** D*H: every direction's units. */
  readonly N: number;
  /** D*P: a layer's output width. */
  readonly NP: number;
  readonly isLstm: boolean;
  /** GRU with the reset gate before the hidden product (linearBeforeReset false): a second phase. */
  readonly isResetBefore: boolean;
  readonly isProjected: boolean;
  readonly hasPeepholes: boolean;
  readonly hasClip: boolean;
  /** The device limit every kernel's workgroup arrays were planned against. */
  readonly workgroupBytes: number;
  /** The inference recurrence's plan (rows per workgroup, threads, vector width, weight layout). */
  readonly forward: RecurrentPlan;
  /** The inference recurrence's weight layout per direction. */
  readonly weights: RecurrentLayout;
  /** The training recurrences' plans. */
  readonly trainForward: RowPlan;
  readonly trainBackward: RowPlan;
  /** Record slots per unit and step (the cell's, then one clip mask per gate). */
  readonly recordSlots: number;
  /** Whether the hidden-side gate gradients are stored apart from the input side's (GRU after-reset). */
  readonly splitsHiddenGrad: boolean;
  readonly train: TrainRegions;
  readonly backwardWeights: BackwardWeights;
}

/**
 * The geometry of `spec`'s kernels for batch `batch` on a device with `limits`.
 *
 * @param shape - the inference recurrence's shape knobs (defaults chosen by measurement) and weight storage.
 */
export function recurrenceGeometry(
  spec: RnnSpec,
  batch: number,
  limits: AdapterLimits,
  shape: PlanShape = {},
): RecurrenceGeometry {
  const H = spec.hiddenSize;
  const P = outputSize(spec);
  const G = gateCount(spec.mode);
  const D = directionCount(spec);
  const GH = G * H;
  const NG = D * GH;
  const N = D * H;
  const NP = D * P;
  const isProjected = spec.projSize > 0;
  const isResetBefore = spec.mode === 'gru' && !spec.linearBeforeReset;
  const slots = recordSlots(spec);
  const splitsHiddenGrad = trainCell(spec).splitsHiddenGrad;
  const forward = planRecurrent(spec, batch, limits.workgroupBytes, shape);
  // Side outputs: after h_{t-1}, projections keep dh then m; reset-before GRU keeps r h where
  // projections keep dh (the two never meet); the peepholes' products come last.
  const peep = isProjected ? 2 * NP + N : isResetBefore ? 2 * NP : NP;
  const whr = D * GH * P;
  const peepCopy = whr + (isProjected ? D * H * P : 0);
  return {
    spec,
    batch,
    H,
    P,
    G,
    D,
    GH,
    NG,
    N,
    NP,
    isLstm: spec.mode === 'lstm',
    isResetBefore,
    isProjected,
    hasPeepholes: spec.peepholes,
    hasClip: spec.clip !== null,
    workgroupBytes: limits.workgroupBytes,
    forward,
    weights: forward.layout,
    trainForward: trainRowPlan(spec, batch, 'forward', limits.workgroupBytes),
    trainBackward: trainRowPlan(spec, batch, 'backward', limits.workgroupBytes),
    recordSlots: slots,
    splitsHiddenGrad,
    train: {
      outputs: { records: NP, total: NP + slots * N },
      sideOutputs: { dh: NP, m: 2 * NP, rh: NP, peep, total: peep + (spec.peepholes ? 3 * N : 0) },
      gateGrads: { hidden: splitsHiddenGrad ? NG : 0, total: splitsHiddenGrad ? 2 * NG : NG },
    },
    backwardWeights: { whr, peep: peepCopy, total: peepCopy + (spec.peepholes ? D * 3 * H : 0) },
  };
}
