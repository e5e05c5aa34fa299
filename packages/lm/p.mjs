import { createReferenceBackend, initParams, defineSpec, tensor } from '@deeprnn/core';
import { headForwardBackward, initLmParams, lmSpec, oneHotTimeMajor, HEAD_WEIGHT, HEAD_BIAS } from './dist/index.js';
const spec = lmSpec({ mode: 'rnn_tanh', vocabSize: 28, hiddenSize: 256, numLayers: 1 });
const be = createReferenceBackend();
const m = await be.createModel(spec, initParams(spec, { seed: 1 }));
const X = Int32Array.from({ length: 1120 }, (_, i) => i % 28);
const input = oneHotTimeMajor(X, 32, 35, 28);
const lp = initLmParams(spec, 28, 0);
for (let k = 0; k < 3; k++) {
  let t = performance.now(); const f = await m.forward(input); const tf = performance.now() - t;
  t = performance.now(); const h = headForwardBackward(f.output, lp[HEAD_WEIGHT], lp[HEAD_BIAS], X); const th = performance.now() - t;
  t = performance.now(); const g = await m.gradients(input, undefined, { output: tensor(h.dY, f.output.shape) }); const tg = performance.now() - t;
  console.log({ tf, th, tg });
}
