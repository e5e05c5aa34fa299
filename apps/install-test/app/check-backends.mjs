// Runs inside the fresh app, whose node_modules hold only what `npm install` put there from the packed
// tarballs: each backend is imported the way a user imports it and runs one small forward, compared
// with the float64 reference. One JSON line per backend on stdout; the test decides what passes.
//
//   node check-backends.mjs onnxruntime tfjs webgpu
import { createReferenceBackend, defineSpec, fromArray, initParams, toDType } from '@deeprnn/core';

const PACKAGES = {
  onnxruntime: '@deeprnn/backend-onnxruntime',
  tfjs: '@deeprnn/backend-tfjs',
  webgpu: '@deeprnn/backend-webgpu',
};

// Small on purpose (software Vulkan is slow); two layers, so state flows between layers, and LSTM, so
// the cell state and the gate order are exercised.
const spec = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2 });
const params = initParams(spec, { seed: 7 });
const [T, B] = [3, 2];
const input = fromArray(
  Array.from({ length: T * B * spec.inputSize }, (_, i) => Math.sin(i + 1)),
  [T, B, spec.inputSize],
);

/** Largest |got - want| / (atol + rtol |want|): at most 1 means within tolerance; NaN counts as out. */
function worstRatio(got, want, { atol, rtol }) {
  if (got.data.length !== want.data.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) {
    const ratio = Math.abs(got.data[i] - want.data[i]) / (atol + rtol * Math.abs(want.data[i]));
    if (!(ratio <= worst)) worst = Number.isNaN(ratio) ? Infinity : ratio;
  }
  return worst;
}

async function forward(backend, p, x) {
  const model = await backend.createModel(spec, p);
  try {
    return await model.forward(x);
  } finally {
    await model.dispose();
  }
}

const reference = createReferenceBackend({ dtype: 'float64' });
const params64 = Object.fromEntries(Object.entries(params).map(([k, t]) => [k, toDType(t, 'float64')]));
const want = await forward(reference, params64, toDType(input, 'float64'));

for (const name of process.argv.slice(2)) {
  const pkg = PACKAGES[name];
  const line = { name, package: pkg, resolved: import.meta.resolve(pkg) };
  try {
    const { createBackend } = await import(pkg);
    const backend = await createBackend();
    try {
      const got = await forward(backend, params, input);
      const tolerance = backend.capabilities.tolerance;
      Object.assign(line, {
        status: 'ran',
        device: backend.device,
        tolerance,
        outputRatio: worstRatio(got.output, want.output, tolerance),
        stateRatio: Math.max(
          worstRatio(got.state.h, want.state.h, tolerance),
          worstRatio(got.state.c, want.state.c, tolerance),
        ),
      });
    } finally {
      await backend.dispose();
    }
  } catch (e) {
    // A backend that cannot start says so with BackendInitError (code E_BACKEND_INIT); anything else is a bug.
    Object.assign(line, {
      status: e?.code === 'E_BACKEND_INIT' ? 'unavailable' : 'error',
      code: e?.code ?? null,
      error: String(e?.stack ?? e),
    });
  }
  console.log(JSON.stringify(line));
}
