import { describe, expect, it } from 'vitest';
import { type RnnConfig, checkForwardArgs, createReferenceBackend } from '../src/index.js';
import { prepareDirection } from '../src/reference/direction-weights.js';
import { runStack } from '../src/reference/run-stack.js';
import { makeCase } from './backward-helpers.js';

const configs: RnnConfig[] = [
  { mode: 'rnn_tanh', inputSize: 3, hiddenSize: 5, numLayers: 3, dropout: 0.3 },
  { mode: 'gru', inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, linearBeforeReset: false },
  { mode: 'lstm', inputSize: 3, hiddenSize: 5, numLayers: 2, projSize: 2, peepholes: true, clip: 0.8 },
];

describe('training-mode forward', () => {
  for (const config of configs) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${config.mode} ${dtype}: the recording forward gives the same numbers as the fast one, and gradients reuse it`, async () => {
        const c = makeCase(config, { T: 4, B: 3, seed: 3, options: { lengths: [4, 2, 3] } });
        const model = await createReferenceBackend({ dtype }).createModel(c.spec, c.params);
        const options = { lengths: [4, 2, 3], training: true, dropoutSeed: 9 };
        const fast = await model.forward(c.input, c.initial, { lengths: [4, 2, 3] });
        const recorded = await model.forward(c.input, c.initial, options);
        if (c.spec.dropout === 0) {
          expect(recorded.output.data).toEqual(fast.output.data);
          expect(recorded.state.h.data).toEqual(fast.state.h.data);
        }
        // The same call twice: the second gradients() has no kept recording and records afresh.
        const reused = await model.gradients!(c.input, c.initial, c.gradOutput, options);
        const fresh = await model.gradients!(c.input, c.initial, c.gradOutput, options);
        for (const [name, t] of Object.entries(fresh.params)) expect(reused.params[name]!.data, name).toEqual(t.data);
        expect(reused.input.data).toEqual(fresh.input.data);
      });
    }
  }

  it('dropout in training draws the same mask as runStack', async () => {
    const c = makeCase(configs[0]!, { T: 4, B: 3, seed: 4 });
    const model = await createReferenceBackend({ dtype: 'float64' }).createModel(c.spec, c.params);
    const options = { training: true, dropoutSeed: 5 };
    const got = await model.forward(c.input, c.initial, options);
    const weights = [0, 1, 2].map((layer) => [prepareDirection(c.spec, c.params, layer, false, 'float64')]);
    const call = checkForwardArgs(c.spec, c.input, c.initial, options);
    const want = runStack(c.spec, weights, c.input, c.initial, options, call, 'float64');
    expect(got.output.data).toEqual(want.output.data);
    expect(got.state.h.data).toEqual(want.state.h.data);
    expect(got.output.data).not.toEqual((await model.forward(c.input, c.initial)).output.data);
  });
});
