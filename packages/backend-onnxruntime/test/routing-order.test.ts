// The order in which the backend decides a model's lowering: what the node cannot run takes the Loop
// whatever was asked; then the caller's `lowering`; then the runtime's own measurement
// (`measuredLowering`, which the browser entry passes for onnxruntime-web's wasm); then the table.
import { type RnnSpec, defineSpec, initParams } from '@deeprnn/core';
import { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { type OnnxruntimeBackendOptions, type SessionFactory, createBackend } from '../src/index.js';

/** True when the serialized model has a node of `op`: NodeProto.op_type is field 4, a length-prefixed string. */
function hasOp(model: Uint8Array, op: string): boolean {
  const needle = [0x22, op.length, ...new TextEncoder().encode(op)];
  return model.some((_, i) => needle.every((b, j) => model[i + j] === b));
}

/** The op types ('RNN' or 'Loop') of the forward graph the backend builds for `spec`. */
async function loweredAs(spec: RnnSpec, options: Partial<OnnxruntimeBackendOptions>): Promise<string> {
  const models: Uint8Array[] = [];
  const create: SessionFactory = (model, sessionOptions) => {
    models.push(model);
    return InferenceSession.create(model, sessionOptions);
  };
  await using backend = await createBackend({ executionProviders: ['cpu'], createSession: create, ...options });
  const before = models.length;
  await using model = await backend.createModel(spec, initParams(spec, { seed: 1 }));
  expect(model).toBeDefined();
  const built = models.slice(before);
  expect(built).toHaveLength(1);
  const ops = ['RNN', 'GRU', 'LSTM', 'Loop'].filter((op) => hasOp(built[0]!, op));
  return ops.join('+');
}

const rnn = defineSpec({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3 });
const gru = defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 3 });
const selu = defineSpec({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3, activations: [{ name: 'Selu' }] });
const node = (): 'node' => 'node';

describe('lowering decision order', () => {
  it("the table: rnn_tanh as a Loop on ORT's CPU provider, GRU as its node", async () => {
    expect(await loweredAs(rnn, {})).toBe('Loop');
    expect(await loweredAs(gru, {})).toBe('GRU');
  });

  it("a runtime's measurement replaces the table (onnxruntime-web's wasm: the RNN node)", async () => {
    expect(await loweredAs(rnn, { measuredLowering: node })).toBe('RNN');
    expect(await loweredAs(rnn, { measuredLowering: () => null })).toBe('Loop');
  });

  it("the caller's lowering wins over the measurement", async () => {
    expect(await loweredAs(rnn, { measuredLowering: node, lowering: 'loop' })).toBe('Loop');
    expect(await loweredAs(rnn, { measuredLowering: node, lowering: { gru: 'loop' } })).toBe('RNN');
  });

  it('what the node cannot run takes the Loop whatever the measurement says', async () => {
    expect(await loweredAs(selu, { measuredLowering: node })).toBe('Loop');
  });
});
