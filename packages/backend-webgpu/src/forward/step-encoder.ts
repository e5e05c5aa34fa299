import { layerInputSize, storedLayer } from '@deeprnn/core';
import { type ForwardReadback, type LayerWeights, encodeReadback, uniformSlot } from './forward-encoder.js';
import { type KernelProgram, bindEntries } from '../kernels/kernel-program.js';
import type { RecurrenceGeometry } from '../kernels/recurrence-geometry.js';
import type { RunBuffers } from './run-buffers.js';
import { recurrentProgram } from './recurrent-kernel.js';

/**
 * Calls of at most this many steps run on the step kernels. A step kernel computes each step's input
 * gates inside the recurrence (K more products per unit and step, in sequence), which beats a
 * separate projection dispatch only while there are few steps to project.
 */
export const STEP_KERNEL_MAX_STEPS = 4;

/**
 * A stream's step kernels: per layer the recurrent kernel with its input projection fused in
 * (`RecurrentPlan.fusedInput`), so a step is one dispatch per layer instead of two. Layers with the
 * same input width share one compiled pipeline (the cache keys by source).
 */
export interface StepKernels {
  readonly programs: readonly KernelProgram[];
  readonly pipelines: readonly GPUComputePipeline[];
}

/** Compiles (or finds in the cache) the step kernels of `geo`'s spec and batch. */
export async function stepKernels(
  compile: (program: KernelProgram) => Promise<GPUComputePipeline>,
  geo: RecurrenceGeometry,
): Promise<StepKernels> {
  const { spec } = geo;
  const programs = Array.from({ length: spec.numLayers }, (_, layer) =>
    recurrentProgram({ ...geo.forward, fusedInput: layerInputSize(spec, layer) }),
  );
  const pipelines = await Promise.all(programs.map((program) => compile(program)));
  return { programs, pipelines };
}

/** The step kernels' bind groups for a buffer set: layer l reads the input (l = 0) or the layer below's output. */
export function bindStepLayers(
  device: GPUDevice,
  geo: RecurrenceGeometry,
  buffers: Omit<RunBuffers, 'bindGroups' | 'rowsPerWorkgroup'>,
  weights: readonly LayerWeights[],
  kernels: StepKernels,
): GPUBindGroup[] {
  return kernels.programs.map((program, layer) => {
    const w = weights[storedLayer(geo.spec, layer)]!;
    return device.createBindGroup({
      layout: kernels.pipelines[layer]!.getBindGroupLayout(0),
      entries: bindEntries(
        program,
        // The forward's recurrent uniform block of the layer (uniformData): T, B, stateRow, cOff.
        uniformSlot(buffers, layer, 0),
        {
          x: layer === 0 ? buffers.input : buffers.layers[(layer - 1) % 2]!,
          wp: w.projection,
          w: w.recurrent,
          s0: buffers.state0,
          lens: buffers.lengths,
          y: buffers.layers[layer % 2]!,
          sN: buffers.stateN,
        },
      ),
    });
  });
}

/**
 * Records a stream call on the step kernels into `encoder`: one dispatch per layer (both directions),
 * then the readback copies of {@link encodeReadback}. The uniforms are the forward's (uniformData).
 *
 * @returns the dispatches recorded.
 */
export function encodeStepInto(
  encoder: GPUCommandEncoder,
  geo: RecurrenceGeometry,
  b: RunBuffers,
  kernels: StepKernels,
  groups: readonly GPUBindGroup[],
  readback: ForwardReadback,
): number {
  const pass = encoder.beginComputePass();
  groups.forEach((group, layer) => {
    pass.setPipeline(kernels.pipelines[layer]!);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(Math.ceil(b.B / geo.forward.R), geo.D);
  });
  pass.end();
  encodeReadback(encoder, geo.spec, b, readback);
  return groups.length;
}
