import { runConformance } from '@deeprnn/conformance/vitest';
import { createBackend } from '../src/index.js';
import { probeBackend } from './gpu-probe.js';

// The conformance properties about training (trainer steps and the gradients primitive, against
// the float64 reference) and the capabilities declaration, over every spec the backend trains
// (backend.unsupportedTraining). On lavapipe each new spec compiles its kernels (a GRU or LSTM
// step's first compile takes tens of seconds on a cold shader cache), so each property runs for
// 90 s rather than its full count, and at least one case must finish in that time.
const { backend } = await probeBackend();
if (backend) {
  await backend.dispose();
  runConformance('webgpu training', () => createBackend(), { properties: ['capabilities', 'gradients', 'trainer'], timeLimitS: 90 });
}
