import { type RnnSpec, layerInputSize, storedLayer } from '@deeprnn/core';
import { PROJECTION_ROWS, PROJECTION_THREADS, projectionProgram, projectionWidth } from './projection-kernel.js';
import { type RunBuffers, UNIFORM_SLOT_BYTES, stateWords } from './run-buffers.js';
import { type KernelProgram, bindEntries, packUniforms } from '../kernels/kernel-program.js';
import type { RecurrenceGeometry } from '../kernels/recurrence-geometry.js';
import type { PipelineCache } from '../device/pipeline-cache.js';
import { recurrentProgram } from './recurrent-kernel.js';

/** One stored layer's weights on the device. */
export interface LayerWeights {
  readonly projection: GPUBuffer;
  readonly recurrent: GPUBuffer;
}

/** The compiled kernels a forward uses, with the descriptions they were compiled from. */
export interface ForwardPipelines {
  readonly projection: GPUComputePipeline;
  readonly recurrent: GPUComputePipeline;
  readonly programs: { readonly projection: KernelProgram; readonly recurrent: KernelProgram };
  /** Batch rows per recurrent workgroup the recurrent pipeline was compiled for. */
  readonly rowsPerWorkgroup: number;
  /** Units per projection thread (1, or 4 as vec4). */
  readonly projectionWidth: number;
}

/** Compiles (or finds in the cache) the forward's kernels for `geo`'s spec and batch. */
export async function forwardPipelines(cache: PipelineCache, geo: RecurrenceGeometry): Promise<ForwardPipelines> {
  const width = projectionWidth(geo.NG);
  const programs = {
    projection: projectionProgram(width, undefined, geo.forward.weightStorage),
    recurrent: recurrentProgram(geo.forward),
  };
  const [projection, recurrent] = await Promise.all([
    cache.get(programs.projection.code),
    cache.get(programs.recurrent.code),
  ]);
  return { projection, recurrent, programs, rowsPerWorkgroup: geo.forward.R, projectionWidth: width };
}

/** Builds the bind groups of every layer for a buffer set. */
export function bindLayers(
  device: GPUDevice,
  spec: RnnSpec,
  buffers: Omit<RunBuffers, 'bindGroups' | 'rowsPerWorkgroup'>,
  weights: readonly LayerWeights[],
  pipelines: ForwardPipelines,
): RunBuffers['bindGroups'] {
  const groups: RunBuffers['bindGroups'] = [];
  for (let layer = 0; layer < spec.numLayers; layer++) {
    const w = weights[storedLayer(spec, layer)]!;
    const source = layer === 0 ? buffers.input : buffers.layers[(layer - 1) % 2]!;
    const uniform = (slot: 0 | 1): GPUBindingResource => uniformSlot(buffers, layer, slot);
    const { programs } = pipelines;
    const projection = device.createBindGroup({
      layout: pipelines.projection.getBindGroupLayout(0),
      entries: bindEntries(programs.projection, uniform(1), { x: source, w: w.projection, y: buffers.projected }),
    });
    const recurrent = device.createBindGroup({
      layout: pipelines.recurrent.getBindGroupLayout(0),
      entries: bindEntries(programs.recurrent, uniform(0), {
        xp: buffers.projected,
        w: w.recurrent,
        s0: buffers.state0,
        lens: buffers.lengths,
        y: buffers.layers[layer % 2]!,
        sN: buffers.stateN,
      }),
    });
    groups.push({ projection, recurrent });
  }
  return groups;
}

/** Layer `layer`'s uniform block in a buffer set: its recurrent kernel's (slot 0) or its projection's (slot 1). */
export function uniformSlot(buffers: Pick<RunBuffers, 'uniforms'>, layer: number, slot: 0 | 1): GPUBufferBinding {
  return { buffer: buffers.uniforms, offset: (2 * layer + slot) * UNIFORM_SLOT_BYTES, size: 16 };
}

/** The uniform blocks of every layer: the recurrent kernel's (slot 2l), then the projection's (slot 2l + 1). */
export function uniformData(geo: RecurrenceGeometry, pipelines: ForwardPipelines, T: number, B: number): Uint32Array {
  const { spec, D, NG } = geo;
  const slot = UNIFORM_SLOT_BYTES / 4;
  const data = new Uint32Array(2 * spec.numLayers * slot);
  const cOff = stateWords(spec, B).h;
  for (let layer = 0; layer < spec.numLayers; layer++) {
    data.set(
      new Uint32Array(packUniforms(pipelines.programs.recurrent, { T, B, stateRow: layer * D, cOff })),
      2 * layer * slot,
    );
    data.set(
      new Uint32Array(packUniforms(pipelines.programs.projection, { M: T * B, N: NG, K: layerInputSize(spec, layer) })),
      (2 * layer + 1) * slot,
    );
  }
  return data;
}

/** What a forward copies into the staging buffer for the host: output and final states, the output only, or nothing. */
export type ForwardReadback = 'all' | 'output' | 'none';

/**
 * Records a whole forward in one command buffer: per layer one projection dispatch and one
 * recurrent dispatch (both directions), then the copies of the output and (`readback` 'all', the
 * default) the final states into the staging buffer; a device-resident stream reads back the output
 * only, or nothing when the next kernel consumes it on the device.
 *
 * @returns the command buffer and the number of dispatches it holds.
 */
export function encodeForward(
  device: GPUDevice,
  geo: RecurrenceGeometry,
  b: RunBuffers,
  pipelines: ForwardPipelines,
  readback: ForwardReadback = 'all',
): { commands: GPUCommandBuffer; dispatches: number } {
  const encoder = device.createCommandEncoder();
  const dispatches = encodeForwardInto(encoder, device, geo, b, pipelines, readback);
  return { commands: encoder.finish(), dispatches };
}

/** {@link encodeForward}'s work recorded into the caller's encoder. @returns the dispatches recorded. */
export function encodeForwardInto(
  encoder: GPUCommandEncoder,
  device: GPUDevice,
  geo: RecurrenceGeometry,
  b: RunBuffers,
  pipelines: ForwardPipelines,
  readback: ForwardReadback,
): number {
  const { spec, NG: N, D } = geo;
  const pass = encoder.beginComputePass();
  const maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
  let dispatches = 0;
  for (let layer = 0; layer < spec.numLayers; layer++) {
    const groups = b.bindGroups[layer]!;
    pass.setPipeline(pipelines.projection);
    pass.setBindGroup(0, groups.projection);
    pass.dispatchWorkgroups(
      Math.ceil(N / (PROJECTION_THREADS * pipelines.projectionWidth)),
      Math.min(maxGroups, Math.ceil((b.T * b.B) / PROJECTION_ROWS)),
    );
    pass.setPipeline(pipelines.recurrent);
    pass.setBindGroup(0, groups.recurrent);
    pass.dispatchWorkgroups(Math.ceil(b.B / pipelines.rowsPerWorkgroup), D);
    dispatches += 2;
  }
  pass.end();
  encodeReadback(encoder, spec, b, readback);
  return dispatches;
}

/** Copies the top layer's output and (`readback` 'all') the final states into the staging buffer. */
export function encodeReadback(
  encoder: GPUCommandEncoder,
  spec: RnnSpec,
  b: RunBuffers,
  readback: ForwardReadback,
): void {
  if (readback !== 'none')
    encoder.copyBufferToBuffer(b.layers[(spec.numLayers - 1) % 2]!, 0, b.staging, 0, b.outputWords * 4);
  if (readback === 'all') encoder.copyBufferToBuffer(b.stateN, 0, b.staging, b.outputWords * 4, b.stateWords * 4);
}
