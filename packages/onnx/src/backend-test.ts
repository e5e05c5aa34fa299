import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Backend,
  type Comparison,
  FormatError,
  GOLDEN_TOLERANCE,
  type GoldenResult,
  type RnnState,
  type Tensor,
  type Tolerance,
  compareTensors,
  tensor,
} from '@deeprnn/core';
import { type ImportedOnnx, importOnnx } from './import.js';
import { outputToOnnx, reverseWithinLengths, swapLeadingAxes } from './layout-convert.js';
import { decodeModel } from './decode.js';
import { onnx } from './proto.js';
import { type ProtoTensor, readTensorProto } from './tensor-proto.js';

/** One `test_data_set_N` folder: tensors by graph input / output name. */
export interface OnnxTestDataSet {
  /** The folder's name, e.g. `test_data_set_0`. */
  readonly name: string;
  /** The `input_K.pb` tensors, by the graph input they feed. */
  readonly inputs: ReadonlyMap<string, ProtoTensor>;
  /** The expected `output_K.pb` tensors, by graph output name. */
  readonly outputs: ReadonlyMap<string, ProtoTensor>;
}

/** A directory in the ONNX backend-test layout, imported. */
export interface OnnxTestCase {
  /** The test directory's name. */
  readonly name: string;
  /** Its `model.onnx`, imported. */
  readonly model: ImportedOnnx;
  /** Its `test_data_set_N` folders, in order. */
  readonly dataSets: readonly OnnxTestDataSet[];
}

/** Reads one TensorProto file (input_K.pb, output_K.pb). */
export function readTensorFile(bytes: Uint8Array, where: string): ProtoTensor {
  let proto;
  try {
    proto = onnx.TensorProto.decode(bytes);
  } catch (e) {
    throw new FormatError(`${where}: not a TensorProto (${e instanceof Error ? e.message : 'unreadable'})`, {
      cause: e,
    });
  }
  return readTensorProto(proto, where);
}

const RECURRENT_WEIGHT_SLOTS = [1, 2, 3, 7];

async function readIndexed(dir: string, prefix: string): Promise<Uint8Array[]> {
  const files = (await readdir(dir)).filter((f) => new RegExp(`^${prefix}_\\d+\\.pb$`).test(f));
  files.sort((a, b) => Number(a.slice(prefix.length + 1, -3)) - Number(b.slice(prefix.length + 1, -3)));
  return Promise.all(files.map((f) => readFile(join(dir, f))));
}

/**
 * Loads a directory in the ONNX backend-test layout: `model.onnx` plus `test_data_set_N/input_K.pb`
 * and `output_K.pb`, K following the order of the graph's inputs (those without initializers) and
 * outputs. Graph inputs that feed a recurrent node's W, R, B or P are taken as weights from the
 * first data set, so the model imports as a spec plus parameters.
 *
 * @throws {@link @deeprnn/core!FormatError | FormatError} when files are missing or malformed.
 */
export async function loadOnnxTestCase(dir: string): Promise<OnnxTestCase> {
  const name = dir.split(/[\\/]/).filter(Boolean).pop() ?? dir;
  let bytes: Uint8Array;
  let entries: string[];
  try {
    bytes = await readFile(join(dir, 'model.onnx'));
    entries = (await readdir(dir)).filter((e) => /^test_data_set_\d+$/.test(e)).sort();
  } catch (e) {
    throw new FormatError(`${name}: not an ONNX backend-test directory (needs model.onnx and test_data_set_N/)`, {
      cause: e,
    });
  }
  const graph = decodeModel(bytes).graph ?? {};
  const initialized = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const inputNames = (graph.input ?? []).map((i) => i.name ?? '').filter((n) => !initialized.has(n));
  const outputNames = (graph.output ?? []).map((o) => o.name ?? '');
  const dataSets: OnnxTestDataSet[] = [];
  for (const set of entries) {
    const where = `${name}/${set}`;
    const read = async (prefix: string, names: string[]): Promise<Map<string, ProtoTensor>> => {
      const files = await readIndexed(join(dir, set), prefix);
      if (files.length > names.length)
        throw new FormatError(`${where}: ${files.length} ${prefix} files for ${names.length} graph ${prefix}s`);
      return new Map(files.map((f, i) => [names[i] as string, readTensorFile(f, `${where}/${prefix}_${i}.pb`)]));
    };
    dataSets.push({ name: set, inputs: await read('input', inputNames), outputs: await read('output', outputNames) });
  }
  if (dataSets.length === 0) throw new FormatError(`${name}: no test_data_set_N folder`);
  const weights = new Set<string>();
  for (const node of graph.node ?? []) {
    if (!['RNN', 'GRU', 'LSTM'].includes(node.opType ?? '')) continue;
    for (const slot of RECURRENT_WEIGHT_SLOTS) {
      const input = node.input?.[slot];
      if (input && inputNames.includes(input)) weights.add(input);
    }
  }
  const constants: Record<string, Tensor> = {};
  for (const w of weights) {
    const t = dataSets[0]?.inputs.get(w);
    if (t === undefined || t.kind !== 'float')
      throw new FormatError(`${name}: weight input '${w}' has no float data in ${dataSets[0]?.name}`);
    constants[w] = tensor(t.data, t.dims);
  }
  return { name, model: importOnnx(bytes, { constants }), dataSets };
}

function asTensor(t: ProtoTensor, where: string): Tensor {
  if (t.kind !== 'float') throw new FormatError(`${where}: expected float data`);
  return tensor(t.data, t.dims);
}

/**
 * Runs every data set of a backend-test case on a backend and compares each graph output.
 *
 * @returns the same summary as a golden case: worst errors and one line per failing tensor.
 */
export async function runOnnxTestCase(
  backend: Backend,
  testCase: OnnxTestCase,
  tolerance: Tolerance = GOLDEN_TOLERANCE,
): Promise<GoldenResult> {
  const { spec, params, inputs, outputs, isTimeReversed } = testCase.model;
  const model = await backend.createModel(spec, params);
  const failures: string[] = [];
  let maxAbsError = 0;
  let maxRelError = 0;
  try {
    for (const set of testCase.dataSets) {
      const get = (role: string): Tensor | undefined => {
        const binding = inputs.find((i) => i.role === role);
        const t = binding === undefined ? undefined : set.inputs.get(binding.name);
        if (t === undefined || binding === undefined) return undefined;
        const value = asTensor(t, `${testCase.name}/${set.name}: ${binding.name}`);
        return binding.layout === 'onnx' && spec.batchFirst ? swapLeadingAxes(value) : value;
      };
      const lensBinding = inputs.find((i) => i.role === 'lengths');
      const lensData = lensBinding === undefined ? undefined : set.inputs.get(lensBinding.name);
      const lengths = lensData === undefined ? undefined : Array.from(lensData.data);
      let x = get('input');
      if (x === undefined)
        throw new FormatError(`${testCase.name}/${set.name}: no data for the graph's sequence input`);
      if (isTimeReversed) x = reverseWithinLengths(x, spec.batchFirst, lengths);
      const h = get('h0');
      const c = get('c0');
      const initial: RnnState | undefined = h === undefined ? undefined : c === undefined ? { h } : { h, c };
      const result = await model.forward(x, initial, lengths === undefined ? {} : { lengths });
      for (const out of outputs) {
        const want = set.outputs.get(out.name);
        if (want === undefined) continue;
        let got: Tensor | undefined;
        if (out.role === 'output') {
          got = isTimeReversed ? reverseWithinLengths(result.output, spec.batchFirst, lengths) : result.output;
          if (out.layout === 'onnx') got = outputToOnnx(spec, got);
        } else {
          got = out.role === 'hN' ? result.state.h : result.state.c;
          if (got !== undefined && out.layout === 'onnx' && spec.batchFirst) got = swapLeadingAxes(got);
        }
        if (got === undefined) {
          failures.push(`${set.name}.${out.name}: the backend returned no ${out.role}`);
          continue;
        }
        const cmp: Comparison = compareTensors(got, asTensor(want, out.name), tolerance);
        maxAbsError = Math.max(maxAbsError, cmp.maxAbsError);
        maxRelError = Math.max(maxRelError, cmp.maxRelError);
        if (!cmp.pass) failures.push(`${set.name}.${out.name}: ${cmp.detail}`);
      }
    }
  } finally {
    await model.dispose();
  }
  return { name: testCase.name, pass: failures.length === 0, maxAbsError, maxRelError, failures };
}
