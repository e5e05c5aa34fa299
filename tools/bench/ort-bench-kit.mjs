// What the hand-built ONNX Runtime probes in tools/bench share: command-line numbers, ONNX protobuf
// pieces written directly with onnx-proto (no deeprnn code, so the probes measure ORT alone), and the
// session options every CPU measurement here uses (one intra-op thread, as the backend's default).
import protoPackage from 'onnx-proto';

const { onnx } = protoPackage;

/** ONNX TensorProto element types used by the probes. */
export const DataType = Object.freeze({ FLOAT: 1, INT64: 7, BOOL: 9 });

/** `--name value` from the command line as a number, or `fallback`. */
export function numberOption(name, fallback, args = process.argv.slice(2)) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

/** A graph input or output; `dims` null leaves the shape unknown. */
export function valueInfo(name, elemType, dims) {
  const shape = dims ? { shape: { dim: dims.map((d) => ({ dimValue: d })) } } : {};
  return { name, type: { tensorType: { elemType, ...shape } } };
}

export function node(opType, input, output, attribute = []) {
  return { opType, input, output, attribute };
}

/** An int64 initializer (little-endian raw data). */
export function int64Tensor(name, values) {
  const raw = new Uint8Array(8 * values.length);
  values.forEach((v, i) => new DataView(raw.buffer).setBigInt64(8 * i, BigInt(v), true));
  return { name, dims: [values.length], dataType: DataType.INT64, rawData: raw };
}

/** The serialized model of `graph` (IR 8, opset 17). */
export function encodeModel(graph) {
  return onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph }).finish();
}

/** CPU provider, one intra-op thread, sequential, full graph optimisation; `extra` adds options. */
export function cpuSessionOptions(extra = {}) {
  return {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    ...extra,
  };
}

/** An INT attribute (AttributeProto type 2). */
export function intAttribute(name, value) {
  return { name, type: 2, i: value };
}

/** An INTS attribute (AttributeProto type 7). */
export function intsAttribute(name, values) {
  return { name, type: 7, ints: values };
}
