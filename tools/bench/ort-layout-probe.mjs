#!/usr/bin/env node
// Batch-major or feature-major state for the unrolled training graph (issue 20)? One rnn_tanh layer
// written both ways by hand, on onnxruntime-node's CPU provider with one intra-op thread:
//   chain     140 steps of h = tanh(W_hh-product + c) alone: batch-major h [B,H] times W_hhᵀ (Gemm
//             transB, as the training graph writes it) or times a W_hh already transposed (plain
//             Gemm), against feature-major h [H,B] with W_hh on the left;
//   layer     the layer's whole forward and backward, as the training graph does it: the input
//             projection for every step, Split into steps, the recurrence, Concat, 1 - y², the backward
//             recurrence (Gemm with the step's output gradient as C, Mul), the weight gradients and
//             the input gradient as products over every step. Feature-major splits and joins along the
//             second axis.
//
//   node tools/bench/ort-layout-probe.mjs [--T 35] [--B 32] [--H 256] [--repeats 41]
//
// Prints µs per chain step and ms per layer (medians of --repeats runs after 5 warm-up runs, three
// rounds alternating the cases).
import * as ort from 'onnxruntime-node';
import {
  DataType,
  cpuSessionOptions,
  encodeModel,
  int64Tensor,
  intAttribute,
  intsAttribute,
  node,
  numberOption as opt,
  valueInfo,
} from './ort-bench-kit.mjs';

const T = opt('T', 35);
const B = opt('B', 32);
const H = opt('H', 256);
const repeats = opt('repeats', 41);
const CHAIN = 140;

const vi = (name, dims) => valueInfo(name, DataType.FLOAT, dims);
const int = intAttribute;
const initializers = [
  { name: 'one', dims: [1], dataType: DataType.FLOAT, floatData: [1] },
  int64Tensor('steps', Array(T).fill(B)),
];
const model = (inputs, nodes, outputs) =>
  encodeModel({
    name: 'probe',
    node: nodes,
    input: inputs.map(([n, d]) => vi(n, d)),
    output: outputs.map((n) => vi(n, null)),
    // Only those the graph reads: ORT warns about unused initializers.
    initializer: initializers.filter((t) => nodes.some((n) => n.input.includes(t.name))),
  });

/** h_{t+1} = tanh(product(h_t) + c), CHAIN times. */
function chain(kind) {
  const fm = kind === 'feature-major';
  const nodes = [];
  let h = 'h0';
  for (let t = 0; t < CHAIN; t++) {
    const product = fm
      ? node('Gemm', ['W', h, 'c'], [`a${t}`])
      : node('Gemm', [h, 'W', 'c'], [`a${t}`], kind === 'batch-major, Wᵀ' ? [int('transB', 1)] : []);
    nodes.push(product, node('Tanh', [`a${t}`], [`s${t}`]));
    h = `s${t}`;
  }
  const state = fm ? [H, B] : [B, H];
  return model(
    [
      ['h0', state],
      ['W', [H, H]],
      ['c', state],
    ],
    nodes,
    [h],
  );
}

/** One layer's forward and backward; `fm`: every sequence is [H, T·B] instead of [T·B, H]. */
function layer(fm) {
  const axis = fm ? 1 : 0;
  const seq = fm ? [H, T * B] : [T * B, H];
  const steps = (prefix) => Array.from({ length: T }, (_, t) => `${prefix}${t}`);
  const nodes = [fm ? node('Gemm', ['Wih', 'X', 'bias']) : node('Gemm', ['X', 'Wih', 'bias'], [], [int('transB', 1)])];
  nodes[0].output = ['xw'];
  nodes.push(node('Split', ['xw', 'steps'], steps('xw'), [int('axis', axis)]));
  let h = 'h0';
  for (let t = 0; t < T; t++) {
    nodes.push(
      fm
        ? node('Gemm', ['Whh', h, `xw${t}`], [`a${t}`])
        : node('Gemm', [h, 'Whh', `xw${t}`], [`a${t}`], [int('transB', 1)]),
      node('Tanh', [`a${t}`], [`s${t}`]),
    );
    h = `s${t}`;
  }
  nodes.push(
    node('Concat', steps('s'), ['Y'], [int('axis', axis)]),
    node('Concat', ['h0', ...steps('s').slice(0, -1)], ['Hprev'], [int('axis', axis)]),
    node('Mul', ['Y', 'Y'], ['yy']),
    node('Sub', ['one', 'yy'], ['g']),
    node('Split', ['g', 'steps'], steps('g'), [int('axis', axis)]),
    node('Split', ['dY', 'steps'], steps('dy'), [int('axis', axis)]),
  );
  if (fm) nodes.push(node('Transpose', ['Whh'], ['WhhT'], [intsAttribute('perm', [1, 0])]));
  if (fm) nodes.push(node('Transpose', ['Wih'], ['WihT'], [intsAttribute('perm', [1, 0])]));
  let dA = null;
  for (let t = T - 1; t >= 0; t--) {
    if (dA === null) nodes.push(node('Mul', [`dy${t}`, `g${t}`], [`dA${t}`]));
    else
      nodes.push(
        node('Gemm', fm ? ['WhhT', dA, `dy${t}`] : [dA, 'Whh', `dy${t}`], [`dh${t}`]),
        node('Mul', [`dh${t}`, `g${t}`], [`dA${t}`]),
      );
    dA = `dA${t}`;
  }
  nodes.push(node('Concat', steps('dA'), ['dA'], [int('axis', axis)]));
  const weightGrad = fm ? [int('transB', 1)] : [int('transA', 1)];
  nodes.push(
    node('Gemm', ['dA', 'Hprev'], ['dWhh'], weightGrad),
    node('Gemm', ['dA', 'X'], ['dWih'], weightGrad),
    node('MatMul', fm ? ['WihT', 'dA'] : ['dA', 'Wih'], ['dX']),
  );
  const inputs = [
    ['X', seq],
    ['Wih', [H, H]],
    ['Whh', [H, H]],
    ['bias', fm ? [H, 1] : [H]],
    ['h0', fm ? [H, B] : [B, H]],
    ['dY', seq],
  ];
  return model(inputs, nodes, ['dWhh', 'dWih', 'dX', 'Y']);
}

async function median(bytes) {
  const session = await ort.InferenceSession.create(bytes, cpuSessionOptions());
  const feeds = {};
  session.inputNames.forEach((name, i) => {
    const dims = session.inputMetadata[i].shape;
    const n = dims.reduce((a, b) => a * b, 1);
    feeds[name] = new ort.Tensor(
      'float32',
      Float32Array.from({ length: n }, () => (Math.random() - 0.5) * 0.1),
      dims,
    );
  });
  for (let i = 0; i < 5; i++) await session.run(feeds);
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t0);
  }
  await session.release();
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

const cases = [
  ['chain', 'batch-major, Wᵀ', chain('batch-major, Wᵀ'), (ms) => `${((1000 * ms) / CHAIN).toFixed(1)} µs per step`],
  ['chain', 'batch-major, W', chain('batch-major, W'), (ms) => `${((1000 * ms) / CHAIN).toFixed(1)} µs per step`],
  ['chain', 'feature-major', chain('feature-major'), (ms) => `${((1000 * ms) / CHAIN).toFixed(1)} µs per step`],
  ['layer', 'batch-major', layer(false), (ms) => `${ms.toFixed(2)} ms`],
  ['layer', 'feature-major', layer(true), (ms) => `${ms.toFixed(2)} ms`],
];
console.log(`T ${T}, B ${B}, H ${H}; onnxruntime-node CPU, one thread; median of ${repeats}, three rounds\n`);
console.log('| what | layout | round 1 | round 2 | round 3 |\n| --- | --- | --- | --- | --- |');
const rounds = [[], [], []];
for (const r of rounds) for (const [, , bytes, show] of cases) r.push(show(await median(bytes)));
cases.forEach(([what, layout], i) => console.log(`| ${what} | ${layout} | ${rounds.map((r) => r[i]).join(' | ')} |`));
