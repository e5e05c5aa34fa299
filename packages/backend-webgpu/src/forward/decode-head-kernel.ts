/**
 * The language-model head of greedy decoding on the device: for batch row b (one workgroup each),
 * logits[v] = bias[v] + sum_f W[v, f] * y[b, f] over the top layer's output of the step just run,
 * then the argmax by core's `greedyToken` rule (a sequential scan with `>`, lowest index among equal
 * maxima, so NaN behaves as on the host), written to the token list at the row's cursor and, as a
 * one-hot, into the input buffer of the next step. Nothing goes to the host between tokens.
 */

import { type KernelProgram, kernelProgram, pad, u32s } from '../kernels/kernel-program.js';

/** Threads of a head workgroup. */
export const DECODE_HEAD_THREADS = 64;

/** The largest vocabulary the head holds in workgroup memory (8 KiB of logits); larger ones decode on the host. */
export const DECODE_HEAD_MAX_VOCAB = 2048;

/** The head kernel: uniforms B (rows), V (tokens), F (top-layer output width). */
export function decodeHeadProgram(): KernelProgram {
  const T = DECODE_HEAD_THREADS;
  return kernelProgram({
    name: 'decode_head',
    uniforms: [...u32s('B', 'V', 'F'), ...pad('pad')],
    bindings: [
      { name: 'y', element: 'f32', access: 'read', shape: '[B][F] top-layer output of the step' },
      { name: 'head', element: 'f32', access: 'read', shape: '[V][F] head weight, then the bias [V]' },
      { name: 'x', element: 'f32', access: 'read_write', shape: '[B][V] the next step input (one-hot)' },
      { name: 'tokens', element: 'u32', access: 'read_write', shape: '[steps][B] chosen tokens' },
      { name: 'cursor', element: 'u32', access: 'read_write', shape: '[B] tokens chosen so far per row' },
    ],
    workgroupSize: [T],
    source: (decl) => /* wgsl */ `
${decl.struct}
${decl.bindings}

var<workgroup> logits: array<f32, ${DECODE_HEAD_MAX_VOCAB}>;
var<workgroup> chosen: u32;

@compute @workgroup_size(${T})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b = wid.x;
  for (var v = lid; v < p.V; v += ${T}u) {
    var acc = head[p.V * p.F + v];
    for (var f = 0u; f < p.F; f++) {
      acc += head[v * p.F + f] * y[b * p.F + f];
    }
    logits[v] = acc;
  }
  workgroupBarrier();
  if (lid == 0u) {
    var best = 0u;
    for (var v = 1u; v < p.V; v++) {
      if (logits[v] > logits[best]) { best = v; }
    }
    chosen = best;
    // Only this row's workgroup touches cursor[b]; dispatches run in order, so the next step sees it.
    let at = cursor[b];
    tokens[at * p.B + b] = best;
    cursor[b] = at + 1u;
  }
  let token = workgroupUniformLoad(&chosen);
  for (var v = lid; v < p.V; v += ${T}u) {
    x[b * p.V + v] = select(0.0, 1.0, v == token);
  }
}
`,
  });
}
