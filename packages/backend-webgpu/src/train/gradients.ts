import {
  type ForwardOptions,
  type GradOutput,
  type ParamGrads,
  type RnnParams,
  type RnnSpec,
  type RnnState,
  type Tensor,
  UnsupportedError,
  checkForwardArgs,
  checkGradOutput,
  directionCount,
  outputSize,
  swapLeadingAxes,
  tensor,
} from '@deeprnn/core';
import { dropoutMultipliers, stateOf, stateWords, timeMajor } from './call-layout.js';
import { readWords, storageWith } from './device-io.js';
import { trainPipelines } from './train-pipelines.js';
import { recurrenceGeometry } from '../kernels/recurrence-geometry.js';
import { withDeviceErrors } from '../device/device-errors.js';
import { type FlatBuffers, buildStep, encodeDispatches } from './train-step.js';
import { packFlat, trainLayout, unpackFlat } from './train-layout.js';
import type { TrainerContext } from './trainer.js';
import { trainingUnsupportedReason } from './trainable.js';

/**
 * Backpropagation through time on the training kernels (the conformance primitive): one command
 * buffer runs the recording forward and the backward; the parameter, input and initial-state
 * gradients come back in one readback.
 *
 * @throws {@link UnsupportedError} for a spec the training kernels do not cover.
 */
export async function webgpuGradients(
  ctx: TrainerContext,
  spec: RnnSpec,
  params: RnnParams,
  input: Tensor,
  initial: RnnState | undefined,
  gradOutput: GradOutput,
  options: ForwardOptions,
): Promise<ParamGrads> {
  const reason = trainingUnsupportedReason(spec, ctx.pipelines.workgroupBytes);
  if (reason !== null) throw new UnsupportedError(`webgpu gradients: ${reason}`);
  const call = checkForwardArgs(spec, input, initial, options);
  checkGradOutput(spec, call, gradOutput);
  const { device } = ctx;
  const { T, B } = call;
  const layout = trainLayout(spec, null);
  const dropout = options.training === true && spec.dropout > 0 && spec.numLayers > 1;
  const geo = recurrenceGeometry(spec, B, { workgroupBytes: ctx.pipelines.workgroupBytes });
  const pipes = await trainPipelines(ctx.pipelines, geo);
  const owned: GPUBuffer[] = [];
  try {
    return await withDeviceErrors(
      device,
      'webgpu gradients',
      async () => {
        const flat: FlatBuffers = {
          params: storageWith(
            device,
            packFlat(layout, (name) => params[name]),
          ),
          grads: storageWith(device, new Float32Array(layout.total)),
          m: storageWith(device, new Float32Array(1)),
          v: storageWith(device, new Float32Array(1)),
          result: storageWith(device, new Float32Array(4)),
          partial: storageWith(device, new Float32Array(128)),
          optimizer: storageWith(device, new Float32Array(1)),
        };
        owned.push(...Object.values(flat));
        const p = buildStep(device, geo, layout, flat, pipes, { T, B, dropout, inputGrad: true, update: false });
        owned.push(...p.owned);
        const { queue } = device;
        const N = directionCount(spec) * outputSize(spec);
        queue.writeBuffer(p.input, 0, timeMajor(spec, input, call));
        queue.writeBuffer(
          p.lengths,
          0,
          options.lengths ? Uint32Array.from(options.lengths) : new Uint32Array(B).fill(T),
        );
        const states = new Float32Array(2 * p.stateWords);
        states.set(stateWords(spec, initial, B));
        states.set(stateWords(spec, gradOutput, B), p.stateWords);
        queue.writeBuffer(p.state0, 0, states);
        queue.writeBuffer(
          p.topGrad,
          0,
          gradOutput.output ? timeMajor(spec, gradOutput.output, call) : new Float32Array(T * B * N),
        );
        if (dropout)
          dropoutMultipliers(spec, options.dropoutSeed ?? 0, T * B * N).forEach((m, i) =>
            queue.writeBuffer(p.masks[i]!, 0, m),
          );
        const encoder = device.createCommandEncoder();
        encodeDispatches(encoder, p);
        queue.submit([encoder.finish()]);
        const [g, dx, ds] = await readWords(device, [
          { buffer: flat.grads, words: layout.total },
          { buffer: p.dInput!, words: T * B * spec.inputSize },
          { buffer: p.dState0, words: p.stateWords },
        ]);
        const named = Object.fromEntries(unpackFlat(layout, g!)) as RnnParams;
        const dInput = spec.batchFirst && !call.isUnbatched ? swapLeadingAxes(dx!, T, B, spec.inputSize) : dx!;
        return { params: Object.freeze(named), input: tensor(dInput, input.shape), initial: stateOf(spec, ds!, call) };
      },
      ctx.isBackendDisposed,
    );
  } finally {
    for (const b of owned) b.destroy();
  }
}
