import type { PipelineCache } from '../device/pipeline-cache.js';
import type { KernelProgram } from '../kernels/kernel-program.js';
import type { RecurrenceGeometry } from '../kernels/recurrence-geometry.js';
import { MATMUL_VEC4_WGSL, MATMUL_WGSL } from './matmul-kernel.js';
import {
  COLSUM_PROGRAM,
  FINAL_SUM_PROGRAM,
  MASK_PROGRAM,
  OPTIMIZER_PROGRAM,
  PARTIAL_SUM_PROGRAM,
  SOFTMAX_XENT_PROGRAM,
  TRANSPOSE_PROGRAM,
} from './reduce-kernels.js';
import { trainBackwardProgram } from './train-backward-kernel.js';
import { trainForwardProgram } from './train-forward-kernel.js';

/** A compiled kernel with the description its bind groups and uniforms are built from. */
export interface CompiledKernel {
  readonly program: KernelProgram;
  readonly pipeline: GPUComputePipeline;
}

/** Every compiled kernel a training step of one spec and batch size uses. */
export interface TrainPipelines {
  readonly matmul: GPUComputePipeline;
  /** The vec4 product kernel, for the products `matmulPlan` sends to it. */
  readonly matmulVec4: GPUComputePipeline;
  readonly colsum: CompiledKernel;
  readonly xent: CompiledKernel;
  readonly partialSum: CompiledKernel;
  readonly finalSum: CompiledKernel;
  readonly mask: CompiledKernel;
  readonly optimizer: CompiledKernel;
  readonly transpose: CompiledKernel;
  readonly forward: CompiledKernel;
  readonly backward: CompiledKernel;
}

/** Compiles (or finds in the cache) the kernels of a training step of `geo`'s spec and batch. */
export async function trainPipelines(cache: PipelineCache, geo: RecurrenceGeometry): Promise<TrainPipelines> {
  const programs = {
    colsum: COLSUM_PROGRAM,
    xent: SOFTMAX_XENT_PROGRAM,
    partialSum: PARTIAL_SUM_PROGRAM,
    finalSum: FINAL_SUM_PROGRAM,
    mask: MASK_PROGRAM,
    optimizer: OPTIMIZER_PROGRAM,
    transpose: TRANSPOSE_PROGRAM,
    forward: trainForwardProgram(geo),
    backward: trainBackwardProgram(geo),
  };
  const compiled = await Promise.all(
    Object.entries(programs).map(
      async ([name, program]) => [name, { program, pipeline: await cache.get(program.code) }] as const,
    ),
  );
  const [matmul, matmulVec4] = await Promise.all([cache.get(MATMUL_WGSL), cache.get(MATMUL_VEC4_WGSL)]);
  return { matmul, matmulVec4, ...(Object.fromEntries(compiled) as Record<keyof typeof programs, CompiledKernel>) };
}
