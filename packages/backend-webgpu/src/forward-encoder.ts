import { type RnnSpec, directionCount, gateCount, layerInputSize, storedLayer } from '@deeprnn/core';
import { PROJECTION_ROWS, PROJECTION_THREADS, projectionWidth } from './projection-kernel.js';
import { type RunBuffers, UNIFORM_SLOT_BYTES, stateWords } from './run-buffers.js';

/** One stored layer's weights on the device. */
export interface LayerWeights {
  readonly projection: GPUBuffer;
  readonly recurrent: GPUBuffer;
}

/** The compiled kernels a forward uses. */
export interface ForwardPipelines {
  readonly projection: GPUComputePipeline;
  readonly recurrent: GPUComputePipeline;
  /** Batch rows per recurrent workgroup the recurrent pipeline was compiled for. */
  readonly rowsPerWorkgroup: number;
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
    const uniform = (slot: number): GPUBindingResource => ({ buffer: buffers.uniforms, offset: (2 * layer + slot) * UNIFORM_SLOT_BYTES, size: 16 });
    const projection = device.createBindGroup({
      layout: pipelines.projection.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: uniform(1) },
        { binding: 1, resource: { buffer: source } },
        { binding: 2, resource: { buffer: w.projection } },
        { binding: 3, resource: { buffer: buffers.projected } },
      ],
    });
    const recurrent = device.createBindGroup({
      layout: pipelines.recurrent.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: uniform(0) },
        { binding: 1, resource: { buffer: buffers.projected } },
        { binding: 2, resource: { buffer: w.recurrent } },
        { binding: 3, resource: { buffer: buffers.state0 } },
        { binding: 4, resource: { buffer: buffers.lengths } },
        { binding: 5, resource: { buffer: buffers.layers[layer % 2]! } },
        { binding: 6, resource: { buffer: buffers.stateN } },
      ],
    });
    groups.push({ projection, recurrent });
  }
  return groups;
}

/** The uniform blocks of every layer: (T, B, first state row, c offset) and (M, N, K, 0). */
export function uniformData(spec: RnnSpec, T: number, B: number): Uint32Array {
  const D = directionCount(spec);
  const slot = UNIFORM_SLOT_BYTES / 4;
  const data = new Uint32Array(2 * spec.numLayers * slot);
  const cOff = stateWords(spec, B).h;
  for (let layer = 0; layer < spec.numLayers; layer++) {
    data.set([T, B, layer * D, cOff], 2 * layer * slot);
    data.set([T * B, D * gateCount(spec.mode) * spec.hiddenSize, layerInputSize(spec, layer), 0], (2 * layer + 1) * slot);
  }
  return data;
}

/**
 * Records a whole forward in one command buffer: per layer one projection dispatch and one
 * recurrent dispatch (both directions), then the copies of the output and final states into the
 * staging buffer.
 *
 * @returns the command buffer and the number of dispatches it holds.
 */
export function encodeForward(device: GPUDevice, spec: RnnSpec, b: RunBuffers, pipelines: ForwardPipelines): { commands: GPUCommandBuffer; dispatches: number } {
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  const N = directionCount(spec) * gateCount(spec.mode) * spec.hiddenSize;
  const maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
  let dispatches = 0;
  for (let layer = 0; layer < spec.numLayers; layer++) {
    const groups = b.bindGroups[layer]!;
    pass.setPipeline(pipelines.projection);
    pass.setBindGroup(0, groups.projection);
    pass.dispatchWorkgroups(Math.ceil(N / (PROJECTION_THREADS * projectionWidth(N))), Math.min(maxGroups, Math.ceil((b.T * b.B) / PROJECTION_ROWS)));
    pass.setPipeline(pipelines.recurrent);
    pass.setBindGroup(0, groups.recurrent);
    pass.dispatchWorkgroups(Math.ceil(b.B / pipelines.rowsPerWorkgroup), directionCount(spec));
    dispatches += 2;
  }
  pass.end();
  encoder.copyBufferToBuffer(b.layers[(spec.numLayers - 1) % 2]!, 0, b.staging, 0, b.outputWords * 4);
  encoder.copyBufferToBuffer(b.stateN, 0, b.staging, b.outputWords * 4, b.stateWords * 4);
  return { commands: encoder.finish(), dispatches };
}
