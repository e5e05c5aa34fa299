import {
  type ForwardResult,
  type RnnParams,
  type RnnSpec,
  type RnnState,
  type RnnStream,
  ShapeError,
  type StepOptions,
  type Tensor,
  UnsupportedError,
  defineSpec,
  directionCount,
  forwardStream,
  paramLayout,
  specToConfig,
  tensor,
} from '@deeprnn/core';
import { type MutantHooks, mutantBackend } from './mutant-backend.js';
import type { Backend } from '@deeprnn/core';

function mapTensor(t: Tensor, f: (v: number, i: number) => number): Tensor {
  const data = t.data.slice();
  for (let i = 0; i < data.length; i++) data[i] = f(data[i]!, i);
  return tensor(data, t.shape);
}

/** Swaps row blocks i and f of every LSTM gate tensor (weights, biases, peepholes). */
function swapInputForget(spec: RnnSpec, params: RnnParams): RnnParams {
  if (spec.mode !== 'lstm') return params;
  const H = spec.hiddenSize;
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(params)) {
    if (name.startsWith('weight_hr')) {
      out[name] = t;
      continue;
    }
    const cols = t.shape.length === 2 ? t.shape[1]! : 1;
    out[name] = mapTensor(t, (_v, i) => {
      const row = Math.floor(i / cols);
      const col = i % cols;
      const src = row < H ? row + H : row < 2 * H ? row - H : row;
      return t.data[src * cols + col]!;
    });
  }
  return out;
}

/** Zeroes the state rows of the reverse direction (layer * 2 + 1). */
function dropReverseRows(spec: RnnSpec, t: Tensor): Tensor {
  if (!spec.bidirectional) return t;
  const perRow = t.data.length / (spec.numLayers * 2);
  return mapTensor(t, (v, i) => (Math.floor(i / perRow) % 2 === 1 ? 0 : v));
}

function withOutput(r: ForwardResult, output: Tensor): ForwardResult {
  return { output, state: r.state };
}

function timeSlice(spec: RnnSpec, input: Tensor, steps: number): Tensor {
  const isTimeFirst = input.shape.length === 2 || !spec.batchFirst;
  const T = isTimeFirst ? input.shape[0]! : input.shape[1]!;
  if (isTimeFirst) {
    const per = input.data.length / T;
    return tensor(input.data.slice(0, steps * per), [steps, ...input.shape.slice(1)]);
  }
  const [B, , I] = input.shape as [number, number, number];
  const data = input.data instanceof Float64Array ? new Float64Array(B * steps * I) : new Float32Array(B * steps * I);
  for (let b = 0; b < B; b++) data.set(input.data.subarray(b * T * I, (b * T + steps) * I), b * steps * I);
  return tensor(data, [B, steps, I]);
}

/** Tied layers run as untied, with layers 2.. holding half of layer 1's weights. */
function halfTied(spec: RnnSpec, params: RnnParams): { spec: RnnSpec; params: RnnParams } {
  if (!spec.tiedLayers || spec.numLayers < 3) return { spec, params };
  const untied = defineSpec({ ...specToConfig(spec), tiedLayers: false });
  const out: Record<string, Tensor> = {};
  for (const slot of paramLayout(untied)) {
    const from = slot.name.replace(/_l(\d+)/, (_m, l: string) => `_l${Math.min(Number(l), 1)}`);
    out[slot.name] = slot.layer >= 2 ? mapTensor(params[from]!, (v) => v / 2) : params[from]!;
  }
  return { spec: untied, params: out };
}

let nondeterministicCalls = 0;

/** Each mutant, the property that must catch it, and the hooks that plant the bug. */
export const MUTANTS: Readonly<Record<string, { readonly caughtBy: string; readonly hooks: MutantHooks }>> = {
  'lstm gates i and f swapped': {
    caughtBy: 'agreement',
    hooks: { prepare: (spec, params) => ({ spec, params: swapInputForget(spec, params) }) },
  },
  'gru reset applied before the product': {
    caughtBy: 'agreement',
    hooks: {
      prepare: (spec, params) =>
        spec.mode === 'gru'
          ? { spec: defineSpec({ ...specToConfig(spec), linearBeforeReset: !spec.linearBeforeReset }), params }
          : { spec, params },
    },
  },
  "reverse direction's final state dropped": {
    caughtBy: 'bidirectional',
    hooks: {
      forward: async (inner, input, initial, options, spec) => {
        const r = await inner(input, initial, options);
        const h = dropReverseRows(spec, r.state.h);
        return { output: r.output, state: r.state.c ? { h, c: dropReverseRows(spec, r.state.c) } : { h } };
      },
    },
  },
  'lengths ignored': {
    caughtBy: 'lengths',
    hooks: {
      forward: (inner, input, initial, options) => {
        const { lengths: _ignored, ...rest } = options;
        return inner(input, initial, rest);
      },
    },
  },
  'final state one step early (streaming off by one)': {
    caughtBy: 'streaming',
    hooks: {
      forward: async (inner, input, initial, options, spec) => {
        const r = await inner(input, initial, options);
        const T = input.shape.length === 3 && spec.batchFirst ? input.shape[1]! : input.shape[0]!;
        if (T < 2 || options.lengths) return r;
        const early = await inner(timeSlice(spec, input, T - 1), initial, options);
        return { output: r.output, state: early.state };
      },
    },
  },
  'stream drops its state between steps': {
    caughtBy: 'device-stream',
    hooks: {
      stream: (model, options) =>
        forwardStream({ ...model, forward: (input, _carried, o) => model.forward(input, undefined, o) }, options),
    },
  },
  'stream ignores reset masks': {
    caughtBy: 'device-stream-rows',
    hooks: {
      stream: async (model, options) => {
        const honest = await forwardStream(model, options);
        const stream: RnnStream = {
          batchSize: honest.batchSize,
          step: (x: Tensor, o: StepOptions = {}) => honest.step(x, o.lengths ? { lengths: o.lengths } : {}),
          readState: () => honest.readState(),
          reset: (initial) => honest.reset(initial),
          decodeGreedy: (head, first, steps) => honest.decodeGreedy(head, first, steps),
          dispose: () => honest.dispose(),
          [Symbol.asyncDispose]: () => honest.dispose(),
        };
        return stream;
      },
    },
  },
  'NaN instead of ShapeError': {
    caughtBy: 'bad-input',
    hooks: {
      forward: async (inner, input, initial, options) => {
        try {
          return await inner(input, initial, options);
        } catch (e) {
          if (!(e instanceof ShapeError)) throw e;
          const nan = tensor(new Float32Array(1).fill(NaN), [1]);
          return { output: nan, state: { h: nan } as RnnState };
        }
      },
    },
  },
  'batch size leaks into the output': {
    caughtBy: 'batch-independence',
    hooks: {
      forward: async (inner, input, initial, options, spec) => {
        const r = await inner(input, initial, options);
        const B = input.shape.length === 3 ? input.shape[spec.batchFirst ? 0 : 1]! : 1;
        return withOutput(
          r,
          mapTensor(r.output, (v) => v + 1e-3 * (B - 1)),
        );
      },
    },
  },
  'last bit flips every other call': {
    caughtBy: 'determinism',
    hooks: {
      forward: async (inner, input, initial, options) => {
        const r = await inner(input, initial, options);
        nondeterministicCalls++;
        return withOutput(
          r,
          mapTensor(r.output, (v, i) =>
            i === 0 && nondeterministicCalls % 2 === 0 ? v + Math.abs(v) * 2 ** -20 + 1e-30 : v,
          ),
        );
      },
    },
  },
  'tied upper layers use other weights': { caughtBy: 'tied-layers', hooks: { prepare: halfTied } },
  'claims bidirectional but throws UnsupportedError': {
    caughtBy: 'capabilities',
    hooks: {
      beforeCreate: (spec) => {
        if (spec.bidirectional && directionCount(spec) === 2 && spec.numLayers > 1)
          throw new UnsupportedError('mutant: no deep bidirectional');
      },
    },
  },
  'dispose twice throws': {
    caughtBy: 'dispose',
    hooks: {
      dispose: async (inner, calls) => {
        if (calls > 1) throw new Error('mutant: already disposed');
        await inner();
      },
    },
  },
  'NaN hidden as zero (like a clamped kernel)': {
    caughtBy: 'non-finite',
    hooks: {
      forward: async (inner, input, initial, options) => {
        const r = await inner(input, initial, options);
        const hide = (t: Tensor): Tensor => mapTensor(t, (v) => (Number.isNaN(v) ? 0 : v));
        return {
          output: hide(r.output),
          state: r.state.c ? { h: hide(r.state.h), c: hide(r.state.c) } : { h: hide(r.state.h) },
        };
      },
    },
  },
  'declares training without gradients': {
    caughtBy: 'capabilities',
    hooks: { capabilities: { training: true }, dropGradients: true },
  },
  'trains without unsupportedTraining': { caughtBy: 'capabilities', hooks: { trainer: 'without-unsupportedTraining' } },
  'a notice of two lines': {
    caughtBy: 'capabilities',
    hooks: { notices: ['tfjs-node: not installed\nnpm install @tensorflow/tfjs-node'] },
  },
  'input gradient 2% off': {
    caughtBy: 'gradients',
    hooks: {
      trainer: 'honest',
      gradients: (g) => ({ ...g, input: mapTensor(g.input, (v) => v * 1.02) }),
    },
  },
};

/** A fresh backend of the named mutant. */
export function makeMutant(name: string): Backend {
  const m = MUTANTS[name];
  if (!m) throw new Error(`no mutant '${name}'`);
  return mutantBackend(name, m.hooks);
}
