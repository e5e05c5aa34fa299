import {
  type RnnMode,
  type RnnParams,
  type RnnSpec,
  RECURRENT_OPERATOR_ACTIVATIONS,
  UnsupportedError,
  directionCount,
  outputSize,
  validateParams,
} from '@deeprnn/core';
import { GraphBuilder, valueInfo } from './graph-builder.js';
import { emitLoopLayer, loopContext } from './export-loop-layer.js';
import { emitNodeLayer } from './export-node-layer.js';
import type { LayerOutputs } from './layer-io.js';
import { metadataEntries } from './metadata.js';
import { DataType, type GraphProto, onnx } from './proto.js';

/**
 * How a layer is written: `node` is one ONNX RNN/GRU/LSTM node; `loop` is MatMul over all steps for
 * the input projection plus a Loop with one MatMul + activations per step (standard ops only).
 */
export type OnnxLowering = 'node' | 'loop';

/** The opsets export can write. */
export const EXPORT_OPSETS: readonly number[] = Object.freeze([14, 15, 16, 17]);

/** Names of the graph inputs and outputs an export declares. */
export const GRAPH_NAMES: {
  /** The input sequence, `[seq_len, batch, I]` (`[batch, seq_len, I]` batchFirst). */
  readonly input: 'input';
  /** The initial hidden state `[L*D, batch, Hout]`, when the export takes a state. */
  readonly h0: 'h0';
  /** The initial LSTM cell state `[L*D, batch, H]`, when the export takes a state. */
  readonly c0: 'c0';
  /** Valid steps per batch row, int32 `[batch]`, when the export takes lengths. */
  readonly lengths: 'sequence_lens';
  /** The top layer's output, laid out as the input. */
  readonly output: 'output';
  /** The final hidden state `[L*D, batch, Hout]`. */
  readonly hN: 'hN';
  /** The final LSTM cell state `[L*D, batch, H]`. */
  readonly cN: 'cN';
} = Object.freeze({
  input: 'input',
  h0: 'h0',
  c0: 'c0',
  lengths: 'sequence_lens',
  output: 'output',
  hN: 'hN',
  cN: 'cN',
} as const);

/** Options of {@link exportOnnx}. */
export interface ExportOptions {
  /** ONNX opset, 14 to 17. Default 14. */
  readonly opset?: number;
  /**
   * `node`, `loop`, `auto` (default: `node`, except what the ONNX operators cannot express: LSTM
   * with projSize, a Selu activation) or a choice per mode (modes left out take `auto`).
   */
  readonly lowering?: OnnxLowering | 'auto' | Readonly<Partial<Record<RnnMode, OnnxLowering>>>;
  /** Declare `h0` (and `c0` for LSTM) graph inputs. Default true; without them states start at zero. */
  readonly initialState?: boolean;
  /** Declare an int32 `sequence_lens` [batch] graph input. Default false. */
  readonly sequenceLengths?: boolean;
}

/**
 * The lowering an export will use for `spec`.
 *
 * @throws {@link @deeprnn/core!UnsupportedError | UnsupportedError} for `node` with LSTM projSize or a Selu activation.
 */
export function chooseLowering(spec: RnnSpec, option: ExportOptions['lowering'] = 'auto'): OnnxLowering {
  const asked = typeof option === 'string' ? option : (option[spec.mode] ?? 'auto');
  const reason = nodeLoweringProblem(spec);
  if (asked === 'auto') return reason === null ? 'node' : 'loop';
  if (asked === 'node' && reason !== null) {
    throw new UnsupportedError(`export: ${reason}; use lowering 'loop' or 'auto'`);
  }
  return asked;
}

/**
 * Why the ONNX RNN/GRU/LSTM operators cannot express `spec` (LSTM projSize, a Selu activation), so
 * that only the Loop lowering can; null when they can.
 */
export function nodeLoweringProblem(spec: RnnSpec): string | null {
  if (spec.projSize > 0) return `the ONNX LSTM operator has no projection (projSize ${spec.projSize})`;
  const native: readonly string[] = RECURRENT_OPERATOR_ACTIVATIONS;
  const other = [...spec.activations, ...spec.reverseActivations].find((a) => !native.includes(a.name));
  return other === undefined ? null : `the ONNX recurrent operators have no ${other.name} activation`;
}

/**
 * Writes a stacked RNN as an ONNX model.
 *
 * The graph has inputs `input` ([seq_len, batch, I], or [batch, seq_len, I] when batchFirst),
 * optional `h0`/`c0` ([L*D, batch, Hout] / [L*D, batch, H]) and `sequence_lens` (int32 [batch]),
 * and outputs `output`, `hN` (and `cN`), with symbolic `seq_len` and `batch` axes. The spec rides
 * along as JSON in metadata_props (`deeprnn.config`), so {@link importOnnx} gives it back exactly.
 *
 * @param spec - the model's spec.
 * @param params - PyTorch-named parameters; float64 values are rounded to float32.
 * @param options - opset, lowering and which optional inputs to declare.
 * @returns the serialized ModelProto.
 * @throws {@link @deeprnn/core!ParameterError | ParameterError} when params do not match the spec.
 * @throws {@link @deeprnn/core!UnsupportedError | UnsupportedError} for an opset outside 14..17 or `node` lowering with
 *   projSize or a Selu activation.
 * @example
 * ```ts
 * const spec = defineSpec({ mode: 'gru', inputSize: 8, hiddenSize: 16, numLayers: 2 });
 * const bytes = exportOnnx(spec, initParams(spec, { seed: 1 }), { opset: 17 });
 * ```
 */
export function exportOnnx(spec: RnnSpec, params: RnnParams, options: ExportOptions = {}): Uint8Array {
  validateParams(spec, params);
  const opset = options.opset ?? 14;
  if (!EXPORT_OPSETS.includes(opset)) {
    throw new UnsupportedError(`export: opset ${opset} is not supported, choose one of ${EXPORT_OPSETS.join(', ')}`);
  }
  const lowering = chooseLowering(spec, options.lowering);
  const graph = buildGraph(spec, params, lowering, options.initialState ?? true, options.sequenceLengths ?? false);
  const model = {
    irVersion: 8,
    producerName: 'deeprnn',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: opset }],
    graph,
    metadataProps: metadataEntries(spec, lowering),
  };
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}

function buildGraph(
  spec: RnnSpec,
  params: RnnParams,
  lowering: OnnxLowering,
  withState: boolean,
  withLengths: boolean,
): GraphProto {
  const b = new GraphBuilder();
  const n = GRAPH_NAMES;
  const D = directionCount(spec);
  const Hout = outputSize(spec);
  const rows = spec.numLayers * D;
  const isLstm = spec.mode === 'lstm';
  b.reserve(...Object.values(n));
  const seqDims = (f: number): (string | number)[] =>
    spec.batchFirst ? ['batch', 'seq_len', f] : ['seq_len', 'batch', f];
  const inputs = [valueInfo(n.input, DataType.FLOAT, seqDims(spec.inputSize))];
  if (withState) {
    inputs.push(valueInfo(n.h0, DataType.FLOAT, [rows, 'batch', Hout]));
    if (isLstm) inputs.push(valueInfo(n.c0, DataType.FLOAT, [rows, 'batch', spec.hiddenSize]));
  }
  if (withLengths) inputs.push(valueInfo(n.lengths, DataType.INT32, ['batch']));
  const lens = withLengths ? n.lengths : null;

  let x = spec.batchFirst ? b.op1('Transpose', [n.input], { perm: [1, 0, 2] }) : n.input;
  const ctx = lowering === 'loop' ? loopContext(b, x, lens) : null;
  const layers: LayerOutputs[] = [];
  for (let k = 0; k < spec.numLayers; k++) {
    const slice = (state: string): string =>
      b.op1('Slice', [state, b.ints([k * D]), b.ints([(k + 1) * D]), b.ints([0])]);
    const io = {
      x,
      h0: withState ? slice(n.h0) : null,
      c0: withState && isLstm ? slice(n.c0) : null,
      lens,
    };
    const out = ctx === null ? emitNodeLayer(b, spec, params, k, io) : emitLoopLayer(b, spec, params, k, io, ctx);
    layers.push(out);
    x = out.y;
  }
  const finish = (parts: string[], name: string): void => {
    b.op1(parts.length === 1 ? 'Identity' : 'Concat', parts, parts.length === 1 ? {} : { axis: 0 }, name);
  };
  b.op1(spec.batchFirst ? 'Transpose' : 'Identity', [x], spec.batchFirst ? { perm: [1, 0, 2] } : {}, n.output);
  finish(
    layers.map((l) => l.h),
    n.hN,
  );
  const outputs = [
    valueInfo(n.output, DataType.FLOAT, seqDims(D * Hout)),
    valueInfo(n.hN, DataType.FLOAT, [rows, 'batch', Hout]),
  ];
  if (isLstm) {
    finish(
      layers.map((l) => l.c as string),
      n.cN,
    );
    outputs.push(valueInfo(n.cN, DataType.FLOAT, [rows, 'batch', spec.hiddenSize]));
  }
  return { name: 'deeprnn', node: b.nodes, initializer: b.initializers, input: inputs, output: outputs };
}
