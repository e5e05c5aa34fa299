import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type OnnxGraphRunner, type OnnxRunOutput, checkOnnxModel } from '@deeprnn/conformance';
import { type RnnParams, type RnnSpec, type RnnState, type Tensor, swapLeadingAxes as swapAxes, tensor } from '@deeprnn/core';
import { readInputFile } from '../file-checks.js';
import { formatTable, sci } from '../table.js';
import { type CheckCommandOptions, type CheckIo, DEFAULT_IO, hasFunctions } from './check-io.js';

// `check --onnx`: onnxruntime on the original bytes vs the reference on the imported spec.

interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
}
interface OrtSession {
  readonly inputMetadata?: readonly { readonly name: string; readonly isTensor: boolean; readonly shape?: readonly (number | string)[] }[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}
interface OrtModule {
  readonly InferenceSession: { create(bytes: Uint8Array): Promise<OrtSession> };
  readonly Tensor: new (type: 'float32' | 'int32', data: Float32Array | Int32Array, dims: readonly number[]) => OrtTensor;
}
interface IoBinding {
  readonly name: string;
  readonly role: string;
  readonly layout: string;
}
interface ImportedModel {
  readonly spec: RnnSpec;
  readonly params: RnnParams;
  readonly inputs: readonly IoBinding[];
  readonly outputs: readonly IoBinding[];
  readonly isUnbatched?: boolean;
  readonly isTimeReversed?: boolean;
}

function isOrtModule(mod: unknown): mod is OrtModule {
  if (typeof mod !== 'object' || mod === null) return false;
  const m = mod as { InferenceSession?: { create?: unknown }; Tensor?: unknown };
  return typeof m.InferenceSession?.create === 'function' && typeof m.Tensor === 'function';
}

/** [a, b, c] -> [b, a, c]: ONNX `layout = 1` states and inputs against deeprnn's. */
function swapLeadingAxes(t: Tensor): Tensor {
  const [a, b, c] = t.shape as [number, number, number];
  return tensor(swapAxes(Float32Array.from(t.data), a, b, c), [b, a, c]);
}

/** The ONNX operator's Y ([T, D, B, H], or [B, T, D, H] batch-first) in deeprnn's layout. */
function outputFromOnnx(spec: RnnSpec, y: Tensor): Tensor {
  const [s0, s1, s2, H] = y.shape as [number, number, number, number];
  if (spec.batchFirst) return tensor(Float32Array.from(y.data), [s0, s1, s2 * H]);
  const [T, D, B] = [s0, s1, s2];
  const out = new Float32Array(y.data.length);
  for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) for (let b = 0; b < B; b++) {
    out.set(y.data.subarray(((t * D + d) * B + b) * H, ((t * D + d) * B + b + 1) * H), ((t * B + b) * D + d) * H);
  }
  return tensor(out, [T, B, D * H]);
}

function fixedDim(session: OrtSession, name: string | undefined, axis: number): number | undefined {
  const meta = session.inputMetadata?.find((m) => m.name === name);
  const d = meta?.shape?.[axis];
  return typeof d === 'number' && d > 0 ? d : undefined;
}

/** A runner for the original bytes on onnxruntime, converting between ONNX and deeprnn layouts. */
function ortRunner(ort: OrtModule, session: OrtSession, m: ImportedModel): OnnxGraphRunner {
  const { spec } = m;
  const binding = (role: string): IoBinding | undefined => m.inputs.find((b) => b.role === role);
  const toFeed = (b: IoBinding, t: Tensor): OrtTensor => {
    const value = b.layout === 'onnx' && spec.batchFirst && t.shape.length === 3 ? swapLeadingAxes(t) : t;
    return new ort.Tensor('float32', Float32Array.from(value.data), value.shape);
  };
  const x = binding('input');
  const isUnbatched = m.isUnbatched ?? false;
  const timeAxis = isUnbatched || !spec.batchFirst ? 0 : 1;
  const batchAxis = spec.batchFirst ? 0 : 1;
  const fixedSteps = fixedDim(session, x?.name, timeAxis);
  const fixedBatch = isUnbatched ? undefined : fixedDim(session, x?.name, batchAxis);
  return {
    hasInitialState: binding('h0') !== undefined,
    isUnbatched,
    ...(fixedSteps !== undefined ? { fixedSteps } : {}),
    ...(fixedBatch !== undefined ? { fixedBatch } : {}),
    async run(input: Tensor, initial: RnnState | undefined): Promise<OnnxRunOutput> {
      const feeds: Record<string, OrtTensor> = {};
      if (x) feeds[x.name] = toFeed(x, input);
      const h0 = binding('h0');
      const c0 = binding('c0');
      if (h0 && initial) feeds[h0.name] = toFeed(h0, initial.h);
      if (c0 && initial?.c) feeds[c0.name] = toFeed(c0, initial.c);
      const lens = binding('lengths');
      if (lens) {
        const T = input.shape[timeAxis]!;
        const B = isUnbatched ? 1 : input.shape[batchAxis]!;
        feeds[lens.name] = new ort.Tensor('int32', new Int32Array(B).fill(T), [B]);
      }
      const fetched = await session.run(feeds);
      const read = (role: string): Tensor | undefined => {
        const b = m.outputs.find((o) => o.role === role);
        const v = b ? fetched[b.name] : undefined;
        if (!b || !v || !(v.data instanceof Float32Array)) return undefined;
        const t = tensor(v.data, v.dims);
        if (b.layout !== 'onnx') return t;
        if (role === 'output') return outputFromOnnx(spec, t);
        return spec.batchFirst && t.shape.length === 3 ? swapLeadingAxes(t) : t;
      };
      const output = read('output');
      if (!output) throw new Error('onnxruntime returned no float32 output for the graph output');
      const h = read('hN');
      const c = read('cN');
      return { output, ...(h ? { h } : {}), ...(c ? { c } : {}) };
    },
  };
}

function isImportedModel(v: unknown): v is ImportedModel {
  return typeof v === 'object' && v !== null && 'spec' in v && 'params' in v && Array.isArray((v as { inputs?: unknown }).inputs);
}

/**
 * `check --onnx`: onnxruntime runs the model's original bytes, the float64 reference runs the spec and
 * weights @deeprnn/onnx imports from them, on random inputs; reports the largest disagreement.
 * Returns the exit code: 0 agree, 1 disagree, 2 a needed package is missing or the model is not usable.
 */
export async function runOnnxModelCheck(file: string, opts: CheckCommandOptions, io: CheckIo = DEFAULT_IO): Promise<number> {
  const onnxMod = await io.importOptional('@deeprnn/onnx');
  const backendMod = await io.importOptional('@deeprnn/backend-onnxruntime');
  // onnxruntime-node arrives with @deeprnn/backend-onnxruntime; the original bytes go to it directly.
  const ort = backendMod === null ? null : await io.importOptional('onnxruntime-node');
  const missing = [
    ...(hasFunctions(onnxMod, ['importOnnx']) ? [] : ['@deeprnn/onnx']),
    ...(isOrtModule(ort) ? [] : ['@deeprnn/backend-onnxruntime (with onnxruntime-node)']),
  ];
  if (missing.length > 0 || !hasFunctions(onnxMod, ['importOnnx']) || !isOrtModule(ort)) {
    io.err(`deeprnn check --onnx needs ${missing.join(' and ')}, which could not be imported; install and build them (npm install, npm run build) and try again.\n`);
    return 2;
  }
  const bytes = readInputFile(file, '--onnx', 'an ONNX model', (p) => new Uint8Array(readFileSync(p)));
  const imported: unknown = await readInputFile(file, '--onnx', 'an ONNX model', () => (onnxMod.importOnnx as (b: Uint8Array) => unknown)(bytes));
  if (!isImportedModel(imported)) {
    io.err(`deeprnn check --onnx: @deeprnn/onnx's importOnnx returned no spec, params and graph bindings for ${file}.\n`);
    return 2;
  }
  if (imported.isTimeReversed) {
    io.err(`deeprnn check --onnx: ${file} is a single reverse-direction node, which this check does not run yet.\n`);
    return 2;
  }
  const session = await ort.InferenceSession.create(bytes);
  try {
    const result = await checkOnnxModel(imported, ortRunner(ort, session, imported), {
      runs: opts.runs ?? 20,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    });
    const { spec } = imported;
    const summary = `${spec.mode} ${spec.numLayers} layer(s)${spec.bidirectional ? ' bidirectional' : ''}, I=${spec.inputSize} H=${spec.hiddenSize}`;
    if (opts.json) {
      io.out(`${JSON.stringify({ model: basename(file), spec: summary, ...result })}\n`);
    } else {
      io.out(`${formatTable(['model', 'spec', 'runs', 'max error', 'result'], [[basename(file), summary, String(result.runs), sci(result.maxError), result.pass ? 'pass' : 'FAIL']])}\n`);
      io.out(`largest disagreement: ${result.worst}\n`);
    }
    io.out(`${result.pass ? 1 : 0} passed, ${result.pass ? 0 : 1} failed\n`);
    return result.pass ? 0 : 1;
  } finally {
    await session.release?.();
  }
}

