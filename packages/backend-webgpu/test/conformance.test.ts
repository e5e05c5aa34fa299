import { runConformance } from '@deeprnn/conformance/vitest';
import { exportOnnx, importOnnx } from '@deeprnn/onnx';
import { createBackend } from '../src/index.js';
import { describeOnAdapter, probeBackend } from './adapter.js';

// The shared property suite (packages/conformance) on the machine's adapter (lavapipe on CI). Run
// counts follow DEEPRNN_FC_RUNS, seeds FC_SEED/FC_PATH, like every other backend.
const probe = await probeBackend();
if (probe instanceof Error) {
  describeOnAdapter('webgpu conformance', probe, () => undefined);
} else {
  await probe.dispose();
  // The ONNX codec enables the round-trip property. The training properties run in
  // training-conformance.test.ts, with the longer budget their kernel compiles need.
  runConformance('webgpu', () => createBackend(), {
    onnx: { exportOnnx, importOnnx },
    exclude: ['gradients', 'trainer'],
  });
  // Float16 weight storage, where the adapter has shader-f16 (lavapipe does): the forward properties
  // on cases whose weights are drawn rounded to float16 (capabilities.weightStorage), held to the
  // float32 tolerance. The rest of the suite does not depend on how weights are stored.
  const half = await createBackend({ weightStorage: 'float16' }).catch((e: unknown) => e as Error);
  if (half instanceof Error) {
    describeOnAdapter('webgpu float16 weights conformance', half, () => undefined);
  } else {
    await half.dispose();
    runConformance('webgpu float16 weights', () => createBackend({ weightStorage: 'float16' }), {
      properties: [
        'agreement',
        'lengths',
        'bidirectional',
        'streaming',
        'device-stream',
        'device-stream-rows',
        'non-finite',
      ],
    });
  }
}
