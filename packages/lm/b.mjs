import { createReferenceBackend } from '@deeprnn/core';
import { timeTrainStep } from './dist/index.js';
for (const L of [1, 3]) {
  const r = await timeTrainStep({ backend: createReferenceBackend(), numLayers: L, repeats: 5 });
  console.log(L, r);
}
