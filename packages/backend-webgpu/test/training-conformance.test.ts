import { runConformance } from '@deeprnn/conformance/vitest';
import { createBackend } from '../src/index.js';
import { probeBackend } from './gpu-probe.js';

// The conformance properties about training (trainer steps and the gradients primitive, against
// the float64 reference) and the capabilities declaration, on the training modes the backend
// declares (capabilities.trainingModes). On lavapipe each new spec compiles its kernels, so the
// properties run until their time budget (DEEPRNN_FC_TIME_LIMIT_S) rather than their full count.
const { backend } = await probeBackend();
if (backend) {
  await backend.dispose();
  runConformance('webgpu training', () => createBackend(), { properties: ['capabilities', 'gradients', 'trainer'] });
}
