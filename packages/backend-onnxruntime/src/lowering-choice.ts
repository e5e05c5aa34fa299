import type { RnnSpec } from '@deeprnn/core';
import type { OnnxLowering } from '@deeprnn/onnx';
import type { ExecutionProvider } from './session-options.js';

/**
 * The lowering each mode gets on each provider, chosen by measurement (README, "Speed"): on CPU the
 * ONNX RNN node is slower than MatMul over all steps + a Loop of MatMul + activation for rnn_tanh and
 * rnn_relu, while ORT's fused GRU and LSTM kernels beat the Loop. LSTM with projSize always takes the
 * Loop (the LSTM operator has no projection).
 */
const TABLE: Readonly<Record<ExecutionProvider, Readonly<Record<RnnSpec['mode'], OnnxLowering>>>> = {
  cpu: { rnn_tanh: 'loop', rnn_relu: 'loop', gru: 'node', lstm: 'node' },
  // Unmeasured here (no GPU): ORT runs LSTM/GRU nodes on CUDA and WebGPU; its WebGPU provider has no
  // RNN kernel, so the RNN node would fall back to CPU while the Loop's MatMuls stay on the GPU.
  cuda: { rnn_tanh: 'node', rnn_relu: 'node', gru: 'node', lstm: 'node' },
  webgpu: { rnn_tanh: 'loop', rnn_relu: 'loop', gru: 'node', lstm: 'node' },
};

/** The lowering the backend exports `spec` with on `provider`. */
export function loweringFor(spec: RnnSpec, provider: ExecutionProvider): OnnxLowering {
  return spec.projSize > 0 ? 'loop' : TABLE[provider][spec.mode];
}
