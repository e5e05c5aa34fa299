import { createReferenceBackend } from '@deeprnn/core';
import { checkBackend } from '@deeprnn/conformance';
const t0 = performance.now();
const results = await checkBackend(() => createReferenceBackend(), {
  seed: Number(process.env.SEED ?? 1),
  onResult: (r) => console.log(r.property, r.runs, r.maxError.toExponential(2), r.pass ? 'pass' : 'FAIL', r.skipped ?? '', r.failure ? JSON.stringify(r.failure, null, 1) : '', ((performance.now() - t0) / 1000).toFixed(1) + 's'),
  ...(process.env.RUNS ? { runs: Number(process.env.RUNS) } : {}),
});
console.log('total', ((performance.now() - t0) / 1000).toFixed(1), 's');
