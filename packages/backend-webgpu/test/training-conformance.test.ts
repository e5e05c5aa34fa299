import { runConformance } from '@deeprnn/conformance/vitest';
import { createBackend } from '../src/index.js';
import { describeOnAdapter, probeBackend } from './adapter.js';

// The conformance properties about training (trainer steps and the gradients primitive, against
// the float64 reference) and the capabilities declaration, over every spec the backend trains
// (backend.unsupportedTraining). On lavapipe each new spec compiles its kernels (a GRU or LSTM
// step's first compile takes tens of seconds on a cold shader cache), so each property runs for
// 90 s rather than its full count, and at least one case must finish in that time.
const probe = await probeBackend();
if (probe instanceof Error) {
  // Without an adapter: a skipped suite naming why (failing under CI), never an empty file.
  describeOnAdapter('webgpu training conformance', probe, () => undefined);
} else {
  await probe.dispose();
  runConformance('webgpu training', () => createBackend(), {
    properties: ['capabilities', 'gradients', 'trainer'],
    timeLimitS: 90,
  });
}
