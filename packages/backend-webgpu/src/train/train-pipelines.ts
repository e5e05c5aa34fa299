import type { RnnSpec } from '@deeprnn/core';
import type { PipelineCache } from '../pipeline-cache.js';
import { MATMUL_VEC4_WGSL, MATMUL_WGSL } from './matmul-kernel.js';
import { COLSUM_WGSL, FINAL_SUM_WGSL, MASK_WGSL, OPTIMIZER_WGSL, PARTIAL_SUM_WGSL, SOFTMAX_XENT_WGSL, TRANSPOSE_WGSL } from './reduce-kernels.js';
import { trainRowPlan } from './recurrence-kernels.js';
import { trainBackwardWgsl } from './train-backward-kernel.js';
import { trainForwardWgsl } from './train-forward-kernel.js';

/** Every compiled kernel a training step of one spec and batch size uses. */
export interface TrainPipelines {
  readonly matmul: GPUComputePipeline;
  /** The vec4 product kernel, for the products `matmulPlan` sends to it. */
  readonly matmulVec4: GPUComputePipeline;
  readonly colsum: GPUComputePipeline;
  readonly xent: GPUComputePipeline;
  readonly partialSum: GPUComputePipeline;
  readonly finalSum: GPUComputePipeline;
  readonly mask: GPUComputePipeline;
  readonly optimizer: GPUComputePipeline;
  readonly transpose: GPUComputePipeline;
  readonly forward: GPUComputePipeline;
  readonly backward: GPUComputePipeline;
  /** Batch rows per workgroup of the forward and of the backward recurrence. */
  readonly forwardRows: number;
  readonly backwardRows: number;
  /** Units per thread of the recurrences (4: the forward also binds the weights as vec4). */
  readonly U: number;
}

/** Compiles (or finds in the cache) the kernels of a training step. */
export async function trainPipelines(cache: PipelineCache, spec: RnnSpec, B: number): Promise<TrainPipelines> {
  const plan = trainRowPlan(spec, B, 'forward', cache.workgroupBytes);
  const backPlan = trainRowPlan(spec, B, 'backward', cache.workgroupBytes);
  const [matmul, matmulVec4, colsum, xent, partialSum, finalSum, mask, optimizer, transpose, forward, backward] = await Promise.all(
    [MATMUL_WGSL, MATMUL_VEC4_WGSL, COLSUM_WGSL, SOFTMAX_XENT_WGSL, PARTIAL_SUM_WGSL, FINAL_SUM_WGSL, MASK_WGSL, OPTIMIZER_WGSL, TRANSPOSE_WGSL,
      trainForwardWgsl(spec, plan), trainBackwardWgsl(spec, backPlan)].map((code) => cache.get(code)),
  );
  return {
    matmul: matmul!, matmulVec4: matmulVec4!, colsum: colsum!, xent: xent!, partialSum: partialSum!, finalSum: finalSum!, mask: mask!, optimizer: optimizer!,
    transpose: transpose!, forward: forward!, backward: backward!, forwardRows: plan.R, backwardRows: backPlan.R, U: plan.U,
  };
}
