#!/usr/bin/env node
// The measurement behind the training graph's shape (issue 20): the rnn_tanh backward recurrence
// alone (per step: Add, Mul, MatMul [B,H]x[H,H]), T steps, on onnxruntime-node's CPU provider with one
// intra-op thread, written three ways:
//   scan      a reversed Scan whose body holds the three nodes,
//   loop      a Loop over the steps (Gather the step, the three nodes, outputs stacked),
//   unrolled  a flat graph: Split, then the three nodes per step, Concat.
//
// Wall and process CPU time per step are printed (medians); on a shared machine the CPU time is the
// steadier of the two.
//
//   node tools/bench/ort-scan-vs-unrolled.mjs [--T 35] [--B 32] [--H 256] [--repeats 50]
import * as ort from 'onnxruntime-node';
import {
  DataType,
  cpuSessionOptions,
  encodeModel,
  int64Tensor as ints,
  intAttribute,
  node,
  numberOption as opt,
  valueInfo as vi,
} from './ort-bench-kit.mjs';

const T = opt('T', 35);
const B = opt('B', 32);
const H = opt('H', 256);
const repeats = opt('repeats', 50);
const { FLOAT, INT64, BOOL } = DataType;
const io = {
  input: [vi('G', FLOAT, [T, B, H]), vi('D', FLOAT, [T, B, H]), vi('W', FLOAT, [H, H]), vi('carry0', FLOAT, [B, H])],
  output: [vi('dpre', FLOAT, [T, B, H])],
};

function scanGraph() {
  const body = {
    name: 'body',
    node: [
      node('Add', ['carry', 'g'], ['dh']),
      node('Mul', ['dh', 'd'], ['dp']),
      node('MatMul', ['dp', 'W'], ['carry_out']),
      node('Identity', ['dp'], ['dp_out']),
    ],
    input: [vi('carry', FLOAT, [B, H]), vi('g', FLOAT, [B, H]), vi('d', FLOAT, [B, H])],
    output: [vi('carry_out', FLOAT, [B, H]), vi('dp_out', FLOAT, [B, H])],
  };
  const attrs = [
    { name: 'body', type: 5, g: body },
    intAttribute('num_scan_inputs', 2),
    { name: 'scan_input_directions', type: 7, ints: [1, 1] },
    { name: 'scan_output_directions', type: 7, ints: [1] },
  ];
  return { name: 'scan', node: [node('Scan', ['carry0', 'G', 'D'], ['carryN', 'dpre'], attrs)], ...io };
}

function loopGraph() {
  const body = {
    name: 'body',
    node: [
      node('Sub', ['last', 'i'], ['t']),
      node('Gather', ['G', 't'], ['g'], [intAttribute('axis', 0)]),
      node('Gather', ['D', 't'], ['d'], [intAttribute('axis', 0)]),
      node('Add', ['carry', 'g'], ['dh']),
      node('Mul', ['dh', 'd'], ['dp']),
      node('MatMul', ['dp', 'W'], ['carry_out']),
      node('Identity', ['cond'], ['cond_out']),
      node('Identity', ['dp'], ['dp_out']),
    ],
    input: [vi('i', INT64, []), vi('cond', BOOL, []), vi('carry', FLOAT, null)],
    output: [vi('cond_out', BOOL, []), vi('carry_out', FLOAT, null), vi('dp_out', FLOAT, null)],
  };
  const last = {
    name: 'last',
    dims: [],
    dataType: INT64,
    rawData: new Uint8Array(new BigInt64Array([BigInt(T - 1)]).buffer),
  };
  const steps = {
    name: 'steps',
    dims: [],
    dataType: INT64,
    rawData: new Uint8Array(new BigInt64Array([BigInt(T)]).buffer),
  };
  const yes = { name: 'yes', dims: [], dataType: BOOL, rawData: Uint8Array.of(1) };
  const rev = ints('rev', [-1]);
  return {
    name: 'loop',
    initializer: [last, steps, yes, ints('start', [-1]), ints('end', [-(2 ** 53)]), ints('axis0', [0]), rev],
    node: [
      node('Loop', ['steps', 'yes', 'carry0'], ['carryN', 'stacked'], [{ name: 'body', type: 5, g: body }]),
      node('Slice', ['stacked', 'start', 'end', 'axis0', 'rev'], ['dpre']),
    ],
    ...io,
  };
}

function unrolledGraph() {
  const nodes = [
    node(
      'Split',
      ['G', 'sizes'],
      Array.from({ length: T }, (_, t) => `g${t}`),
      [intAttribute('axis', 0)],
    ),
    node(
      'Split',
      ['D', 'sizes'],
      Array.from({ length: T }, (_, t) => `d${t}`),
      [intAttribute('axis', 0)],
    ),
  ];
  let carry = 'carry0';
  for (let t = T - 1; t >= 0; t--) {
    nodes.push(
      node('Add', [carry, `g${t}`], [`dh${t}`]),
      node('Mul', [`dh${t}`, `d${t}`], [`dp${t}`]),
      node('MatMul', [`dp${t}`, 'W'], [`c${t}`]),
    );
    carry = `c${t}`;
  }
  nodes.push(
    node(
      'Concat',
      Array.from({ length: T }, (_, t) => `dp${t}`),
      ['dpre'],
      [intAttribute('axis', 0)],
    ),
  );
  return { name: 'unrolled', initializer: [ints('sizes', Array(T).fill(1))], node: nodes, ...io };
}

const rand = (n) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
const feeds = {
  G: new ort.Tensor('float32', rand(T * B * H), [T, B, H]),
  D: new ort.Tensor('float32', rand(T * B * H), [T, B, H]),
  W: new ort.Tensor(
    'float32',
    rand(H * H).map((v) => v / 16),
    [H, H],
  ),
  carry0: new ort.Tensor('float32', new Float32Array(B * H), [B, H]),
};
const results = {};
for (const [name, graph] of [
  ['scan', scanGraph()],
  ['loop', loopGraph()],
  ['unrolled', unrolledGraph()],
]) {
  const session = await ort.InferenceSession.create(encodeModel(graph), cpuSessionOptions());
  for (let i = 0; i < 5; i++) await session.run(feeds);
  const times = [];
  const cpu = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const out = await session.run(feeds);
    const c = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
    results[name] ??= out.dpre.data;
  }
  await session.release();
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)];
  const cpuMs = cpu[Math.floor(cpu.length / 2)];
  console.log(
    `${name.padEnd(9)} ${ms.toFixed(2).padStart(7)} ms per call  ${((ms * 1000) / T).toFixed(1).padStart(6)} µs per step  cpu ${((cpuMs * 1000) / T).toFixed(1).padStart(6)} µs per step  (T ${T}, B ${B}, H ${H}, median of ${repeats})`,
  );
}
const diff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
console.log(
  `max |scan - unrolled| ${diff(results.scan, results.unrolled).toExponential(2)}, max |loop - unrolled| ${diff(results.loop, results.unrolled).toExponential(2)}`,
);
