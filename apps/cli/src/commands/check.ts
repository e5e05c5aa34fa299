import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  type OnnxCodec, type OnnxGraphRunner, type OnnxRunOutput, PROPERTY_NAMES, type PropertyName, type PropertyResult, checkBackend,
  checkOnnxModel,
} from '@deeprnn/conformance';
import { type Backend, type RnnParams, type RnnSpec, type RnnState, type Tensor, tensor } from '@deeprnn/core';
import { type Command, InvalidArgumentError } from 'commander';
import { BACKEND_NAMES, type BackendChoice, type LoadedBackend, loadBackend } from '../backends.js';
import { formatTable, sci } from '../table.js';

/** Options of `deeprnn check`, as commander parses them. */
export interface CheckCommandOptions {
  readonly backends?: readonly string[];
  readonly runs?: number;
  readonly seed?: number;
  readonly path?: string;
  readonly properties?: readonly PropertyName[];
  readonly json?: boolean;
  readonly onnx?: string;
  readonly engine?: string;
  readonly provider?: string;
}

/** What `check` needs from the outside world; tests replace it. */
export interface CheckIo {
  readonly load: (choice: BackendChoice) => Promise<LoadedBackend>;
  /** Imports a package by name, or resolves null when it is not installed. */
  readonly importOptional: (name: string) => Promise<unknown>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** One row of the report: a property's result on a backend, or (property `load`) a backend that did not load. */
export interface CheckRow {
  readonly backend: string;
  readonly device: string;
  readonly property: PropertyName | 'load';
  readonly result: PropertyResult;
}

const DEFAULT_IO: CheckIo = {
  load: loadBackend,
  importOptional: async (name) => {
    try {
      const mod: unknown = await import(name);
      return mod;
    } catch {
      return null;
    }
  },
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected an integer, got '${value}'`);
  return n;
}

function propertyList(value: string): PropertyName[] {
  const names = list(value);
  for (const n of names) {
    if (!(PROPERTY_NAMES as readonly string[]).includes(n)) {
      throw new InvalidArgumentError(`unknown property '${n}' (known: ${PROPERTY_NAMES.join(', ')})`);
    }
  }
  return names as PropertyName[];
}

function hasFunctions<K extends string>(mod: unknown, keys: readonly K[]): mod is Record<K, (...args: never[]) => unknown> {
  return typeof mod === 'object' && mod !== null && keys.every((k) => typeof (mod as Record<string, unknown>)[k] === 'function');
}

/** The ONNX export/import of @deeprnn/onnx when it is installed, for the round-trip property. */
async function onnxCodec(io: CheckIo): Promise<OnnxCodec | undefined> {
  const mod = await io.importOptional('@deeprnn/onnx');
  return hasFunctions(mod, ['exportOnnx', 'importOnnx']) ? (mod as unknown as OnnxCodec) : undefined;
}

function replayCommand(backend: string, r: PropertyResult, runs: number | undefined): string {
  const f = r.failure;
  if (!f) return '';
  const runsFlag = runs === undefined ? '' : ` --runs ${runs}`;
  return `deeprnn check --backends ${backend} --properties ${r.property}${runsFlag} --seed ${f.seed} --path '${f.path}'`;
}

function resultCell(r: PropertyResult): string {
  if (r.skipped !== undefined) return `skipped (${r.skipped})`;
  return r.pass ? 'pass' : 'FAIL';
}

/** The backend x property table, one row per result. */
export function formatCheckTable(rows: readonly CheckRow[]): string {
  return formatTable(
    ['backend', 'property', 'runs', 'max error', 'result'],
    rows.map(({ backend, property, result: r }) => [backend, property, String(r.runs), r.skipped !== undefined ? '-' : sci(r.maxError), resultCell(r)]),
  );
}

function loadFailure(name: string, e: unknown): CheckRow {
  const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const result: PropertyResult = {
    property: 'capabilities',
    runs: 0,
    discarded: 0,
    maxError: Infinity,
    pass: false,
    failure: { seed: 0, path: '', counterexample: '', message: `the backend did not load: ${why}` },
  };
  return { backend: name, device: '-', property: 'load', result };
}

/** Runs the properties on every named backend; returns the process exit code (0 all pass, 1 any fails). */
export async function runBackendChecks(opts: CheckCommandOptions, io: CheckIo = DEFAULT_IO): Promise<number> {
  const isExplicit = opts.backends !== undefined && opts.backends.length > 0;
  const names = isExplicit ? opts.backends! : BACKEND_NAMES;
  const codec = await onnxCodec(io);
  const rows: CheckRow[] = [];
  const failures: string[] = [];
  for (const name of names) {
    const choice: BackendChoice = {
      name,
      ...(opts.engine ? { engine: opts.engine } : {}),
      ...(opts.provider ? { provider: opts.provider } : {}),
    };
    let first: LoadedBackend;
    try {
      first = await io.load(choice);
    } catch (e) {
      if (isExplicit) {
        const row = loadFailure(name, e);
        rows.push(row);
        if (opts.json) io.out(`${JSON.stringify({ backend: name, property: 'load', pass: false, error: row.result.failure?.message })}\n`);
      } else io.err(`note: skipping ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
      continue;
    }
    for (const n of first.notices) io.err(`note: ${n}\n`);
    const { backend } = first;
    let isFirstHandedOut = false;
    // The first backend is the one under test; later ones are spares that `dispose` may dispose.
    const factory = async (): Promise<Backend> => {
      if (!isFirstHandedOut) {
        isFirstHandedOut = true;
        return backend;
      }
      return (await io.load(choice)).backend;
    };
    const results = await checkBackend(factory, {
      ...(opts.runs !== undefined ? { runs: opts.runs } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.path !== undefined ? { path: opts.path } : {}),
      ...(opts.properties ? { properties: opts.properties } : {}),
      ...(codec ? { onnx: codec } : {}),
      onResult: (r) => {
        if (opts.json) io.out(`${JSON.stringify({ backend: backend.name, device: backend.device, ...r })}\n`);
      },
    });
    for (const r of results) {
      rows.push({ backend: name, device: backend.device, property: r.property, result: r });
      if (r.failure) {
        failures.push(
          [
            `${name} ${r.property}: ${r.failure.message.split('\n').join('\n  ')}`,
            `  smallest failing case: ${r.failure.counterexample}`,
            `  replay: ${replayCommand(name, r, opts.runs)}`,
          ].join('\n'),
        );
      }
    }
    if (!opts.json) io.out(`${name}: ${backend.device}\n`);
  }
  const passed = rows.filter((r) => r.result.pass && r.result.skipped === undefined).length;
  const failed = rows.filter((r) => !r.result.pass).length;
  const skipped = rows.length - passed - failed;
  if (opts.json) {
    io.out(`${JSON.stringify({ passed, failed, skipped })}\n`);
  } else {
    io.out(`\n${formatCheckTable(rows)}\n`);
    if (failures.length > 0) io.out(`\n${failures.join('\n\n')}\n`);
  }
  io.out(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

// ---- `check --onnx`: onnxruntime on the original bytes vs the reference on the imported spec ----

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
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out.set(t.data.subarray((i * b + j) * c, (i * b + j + 1) * c), (j * a + i) * c);
  return tensor(out, [b, a, c]);
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
  const bytes = new Uint8Array(readFileSync(file));
  const imported: unknown = await (onnxMod.importOnnx as (b: Uint8Array) => unknown)(bytes);
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

/** `deeprnn check`: the conformance properties outside vitest, or `--onnx M.onnx` against onnxruntime. */
export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('run the conformance properties against installed backends, or check an ONNX model against the reference')
    .option('--backends <list>', `comma-separated backends (default: every one that loads: ${BACKEND_NAMES.join(', ')})`, list)
    .option('--runs <n>', 'cases per property (default: the CI budget times DEEPRNN_FC_RUNS)', positiveInt)
    .option('--seed <n>', 'fast-check seed (default: FC_SEED, else fresh; printed on failure)', integer)
    .option('--path <path>', 'fast-check replay path of a failure (with its --seed and --properties)')
    .option('--properties <list>', `only these properties: ${PROPERTY_NAMES.join(', ')}`, propertyList)
    .option('--engine <engine>', 'tfjs engine: webgpu, wasm, cpu, tfjs-node, tfjs-node-gpu')
    .option('--provider <ep>', 'onnxruntime execution provider: cuda, webgpu, cpu')
    .option('--onnx <file>', 'check an ONNX model: onnxruntime on its bytes vs the reference on its imported spec')
    .option('--json', 'one JSON object per result, then a summary object')
    .addHelpText('after', `
Prints a table (backend x property: runs, max error, result) and a last line "N passed, N failed";
exits 1 when any property fails. A failure prints the seed, path and the command that replays it.
Max error is the largest |got - want| / max(|want|, rms(want), atol/rtol) seen.
With --onnx, exits 2 when @deeprnn/onnx or @deeprnn/backend-onnxruntime is not installed.`)
    .action(async (opts: CheckCommandOptions) => {
      process.exitCode = opts.onnx ? await runOnnxModelCheck(opts.onnx, opts) : await runBackendChecks(opts);
    });
}
