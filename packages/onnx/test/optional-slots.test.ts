import protoPackage from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';

const { onnx } = protoPackage;

const T = 1;
const valueInfo = (name: string, elemType = T): { name: string; type: { tensorType: { elemType: number } } } => ({
  name,
  type: { tensorType: { elemType } },
});
const floats = (
  name: string,
  dims: number[],
): { name: string; dims: number[]; dataType: number; floatData: number[] } => ({
  name,
  dims,
  dataType: T,
  floatData: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => ((i % 7) - 3) / 10),
});

/** One recurrent node with W and R as initializers; `inputs`/`outputs` are the node's own lists. */
function singleNode(
  op: 'RNN' | 'GRU' | 'LSTM',
  inputs: string[],
  outputs: string[],
  graphInputs: string[],
): Uint8Array {
  const G = { RNN: 1, GRU: 3, LSTM: 4 }[op];
  const H = 2;
  const I = 3;
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 14 }],
    graph: {
      name: 'g',
      node: [
        {
          name: 'rec',
          opType: op,
          input: inputs,
          output: outputs,
          attribute: [{ name: 'hidden_size', type: 2, i: H }],
        },
      ],
      initializer: [floats('W', [1, G * H, I]), floats('R', [1, G * H, H])],
      input: graphInputs.map((n) => valueInfo(n, n === 'sequence_lens' ? 6 : T)),
      output: outputs.filter((o) => o !== '').map((o) => valueInfo(o)),
    },
  }).finish();
}

const roles = (bytes: Uint8Array): [string, string][] => importOnnx(bytes).outputs.map((o) => [o.name, o.role]);

describe('optional node outputs and inputs are bound by position', () => {
  it("outputs ['', 'Y_h']: Y_h is the final hidden state, not the sequence", () => {
    expect(roles(singleNode('RNN', ['X', 'W', 'R'], ['', 'Y_h'], ['X']))).toEqual([['Y_h', 'hN']]);
    expect(roles(singleNode('GRU', ['X', 'W', 'R'], ['', 'Y_h'], ['X']))).toEqual([['Y_h', 'hN']]);
  });

  it("LSTM outputs ['Y', '', 'Y_c']: Y_c is the cell state", () => {
    expect(roles(singleNode('LSTM', ['X', 'W', 'R'], ['Y', '', 'Y_c'], ['X']))).toEqual([
      ['Y', 'output'],
      ['Y_c', 'cN'],
    ]);
  });

  it("LSTM outputs ['', '', 'Y_c'] and ['', 'Y_h', 'Y_c']", () => {
    expect(roles(singleNode('LSTM', ['X', 'W', 'R'], ['', '', 'Y_c'], ['X']))).toEqual([['Y_c', 'cN']]);
    expect(roles(singleNode('LSTM', ['X', 'W', 'R'], ['', 'Y_h', 'Y_c'], ['X']))).toEqual([
      ['Y_h', 'hN'],
      ['Y_c', 'cN'],
    ]);
  });

  it("inputs ['X', 'W', 'R', '', 'sequence_lens']: no B, and sequence_lens is still the lengths", () => {
    const imported = importOnnx(
      singleNode('GRU', ['X', 'W', 'R', '', 'sequence_lens'], ['Y', 'Y_h'], ['X', 'sequence_lens']),
    );
    expect(imported.spec.bias).toBe(false);
    expect(imported.inputs).toContainEqual({ name: 'sequence_lens', role: 'lengths', layout: 'deeprnn' });
  });

  it("inputs ['X', 'W', 'R', '', '', 'h0']: initial_h by position after two blanks", () => {
    const imported = importOnnx(singleNode('RNN', ['X', 'W', 'R', '', '', 'h0'], ['Y', 'Y_h'], ['X', 'h0']));
    expect(imported.inputs).toContainEqual({ name: 'h0', role: 'h0', layout: 'deeprnn' });
    expect(imported.inputs.find((i) => i.role === 'lengths')).toBeUndefined();
  });
});
