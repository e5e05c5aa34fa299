import type { ActivationName, RnnSpec } from '@deeprnn/core';
import { type OnnxLowering, nodeLoweringProblem } from '@deeprnn/onnx';
import type { ExecutionProvider } from './session-options.js';

/**
 * The lowering each mode gets on each provider, chosen by measurement (README, "Lowering, chosen by
 * measurement"; tools/bench.mjs): on CPU, ORT's RNN node is slower than MatMul over all steps plus a
 * Loop of Gemm + activation (d2l rnn_tanh 21.0 vs 10.5 ms, medium 378 vs 222 ms), while its fused GRU
 * and LSTM kernels beat the Loop (d2l lstm 37.1 vs 44.0 ms, medium 841 vs 890 ms). LSTM with projSize
 * and a Selu activation always take the Loop (the ONNX operators cannot express them).
 */
const TABLE: Readonly<Record<ExecutionProvider, Readonly<Record<RnnSpec['mode'], OnnxLowering>>>> = {
  cpu: { rnn_tanh: 'loop', rnn_relu: 'loop', gru: 'node', lstm: 'node' },
  // Unmeasured (the CUDA provider's libraries are not on npm): ORT has CUDA kernels for all three nodes.
  cuda: { rnn_tanh: 'node', rnn_relu: 'node', gru: 'node', lstm: 'node' },
  // Measured on an H100 over Vulkan (tools/gpu): the WebGPU provider has no RNN kernel, so the RNN
  // node runs on the CPU, yet the Loop is far slower (a GPU round trip per step): rnn_tanh d2l 36.8 vs
  // 355.7 ms, medium 490.5 vs 1458.2 ms. GRU and LSTM nodes run on the GPU (d2l 27.9 / 34.7 ms).
  webgpu: { rnn_tanh: 'node', rnn_relu: 'node', gru: 'node', lstm: 'node' },
};

/**
 * The activations each provider's GRU and LSTM kernels implement (null: all of ONNX's). ORT's WebGPU
 * kernels know only these three and throw for the rest, the GRU at session creation, the LSTM at its
 * first run ("Unsupported LSTM activation for WebGPU: Affine"; measured with onnxruntime-node 1.x over
 * lavapipe). Its RNN node has no WebGPU kernel at all and runs on the CPU provider, so it is not limited.
 */
const NODE_ACTIVATIONS: Readonly<Record<ExecutionProvider, ReadonlySet<ActivationName> | null>> = {
  cpu: null,
  cuda: null,
  webgpu: new Set<ActivationName>(['Sigmoid', 'Tanh', 'Relu']),
};

/**
 * Activations that ORT's RNN/GRU/LSTM kernels compute in a way that overflows: their Softplus is
 * log(1 + exp(x)), which is inf from x ≈ 89 on and turns a GRU update into inf - inf = NaN where
 * deeprnn's semantics (and ORT's own Softplus operator, used by the Loop lowering) give x.
 */
const UNSTABLE_IN_ORT_KERNELS = new Set<ActivationName>(['Softplus']);

/**
 * Providers whose LSTM kernel gives wrong numbers when gate clipping and peepholes are combined (each
 * alone agrees): ORT's WebGPU LSTM differs from the reference and from ORT's own CPU kernel by ~6e-3
 * on a 1-step LSTM with clip 1 and peepholes (measured over lavapipe; conformance found it).
 */
const CLIPPED_PEEPHOLES_WRONG = new Set<ExecutionProvider>(['webgpu']);

/**
 * Why ORT's RNN/GRU/LSTM node cannot run `spec` right on `provider` (then the Loop lowering, built from
 * ordinary operators that every provider runs, is used), or null when it can.
 */
export function nodeLimitation(spec: RnnSpec, provider: ExecutionProvider): string | null {
  const inexpressible = nodeLoweringProblem(spec);
  if (inexpressible !== null) return inexpressible;
  const activations = [...spec.activations, ...spec.reverseActivations];
  const unstable = activations.find((a) => UNSTABLE_IN_ORT_KERNELS.has(a.name));
  if (unstable) return `ORT's ${spec.mode.toUpperCase()} kernels overflow in ${unstable.name}`;
  if (spec.mode === 'lstm' && spec.clip !== null && spec.peepholes && CLIPPED_PEEPHOLES_WRONG.has(provider)) {
    return `the ${provider} provider's LSTM kernel disagrees with ONNX's LSTM when clip and peepholes are combined`;
  }
  const allowed = NODE_ACTIVATIONS[provider];
  if (allowed !== null && spec.mode !== 'rnn_tanh' && spec.mode !== 'rnn_relu') {
    const missing = activations.find((a) => !allowed.has(a.name));
    if (missing)
      return `the ${provider} provider's ${spec.mode.toUpperCase()} kernel cannot run ${missing.name} activations`;
  }
  return null;
}

/** The lowering the backend exports `spec` with on `provider`. */
export function loweringFor(spec: RnnSpec, provider: ExecutionProvider): OnnxLowering {
  return nodeLimitation(spec, provider) === null ? TABLE[provider][spec.mode] : 'loop';
}
