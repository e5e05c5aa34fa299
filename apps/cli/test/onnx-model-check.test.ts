import { type OnnxGraphRunner, type OnnxOutputName, checkOnnxModel } from '@deeprnn/conformance';
import { type RnnSpec, createReferenceBackend, defineSpec, initParams } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';

// checkOnnxModel (what `check --onnx` runs) compares exactly the outputs the graph declares.

const spec: RnnSpec = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4 });
const params = initParams(spec, { seed: 5 });

/** A runtime that is the float32 reference, returning the outputs in `returns` and declaring `declares`. */
function runner(declares: readonly OnnxOutputName[], returns: readonly OnnxOutputName[]): OnnxGraphRunner {
  const backend = createReferenceBackend();
  return {
    hasInitialState: false,
    outputs: declares,
    async run(input) {
      const model = await backend.createModel(spec, params);
      try {
        const r = await model.forward(input);
        return {
          ...(returns.includes('output') ? { output: r.output } : {}),
          ...(returns.includes('hN') ? { h: r.state.h } : {}),
          ...(returns.includes('cN') && r.state.c ? { c: r.state.c } : {}),
        };
      } finally {
        await model.dispose();
      }
    },
  };
}

describe('checkOnnxModel', () => {
  it('passes a graph with only Y_h and names what it compared', async () => {
    const r = await checkOnnxModel({ spec, params }, runner(['hN'], ['hN']), { runs: 3 });
    expect(r).toMatchObject({ pass: true, compared: ['hN'], runs: 3 });
    expect(r.worst).toMatch(/^hN of call/);
  });

  it('fails when the runtime lacks an output the graph declares', async () => {
    const r = await checkOnnxModel({ spec, params }, runner(['output', 'hN', 'cN'], ['output', 'hN']), { runs: 2 });
    expect(r.pass).toBe(false);
    expect(r.compared).toEqual(['output', 'hN', 'cN']);
    expect(r.worst).toMatch(/^cN of call 0 \(T=\d, B=\d\): the runtime returned none$/);
  });

  it('fails, rather than passing vacuously, when the graph declares no output to compare', async () => {
    const r = await checkOnnxModel({ spec, params }, runner([], ['output']), { runs: 2 });
    expect(r).toMatchObject({ pass: false, runs: 0, compared: [] });
    expect(r.worst).toMatch(/nothing to compare/);
  });
});
