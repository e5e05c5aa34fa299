import { type Backend, SeededRandom, type Tensor, createReferenceBackend, tensor } from '@deeprnn/core';
import type { KerasImport } from '@deeprnn/keras';
import { EXIT_CODES } from '../cli-errors.js';
import { BACKEND_NAMES, type BackendChoice } from '../backends.js';
import { readInputBytes } from '../file-checks.js';
import { printNotices } from '../notices.js';
import { formatTable, sci } from '../table.js';
import { type CheckCommandOptions, type CheckIo, DEFAULT_IO, hasFunctions } from './check-io.js';
import { readKerasForCli } from './import-keras.js';

// `check --keras`: the file on tfjs-layers itself (model.json) or the float64 reference (.keras/.h5,
// which tfjs-layers cannot read), against every deeprnn backend through @deeprnn/keras' predictKeras.

const B = 2;

/** A random batch for the model: features or token ids, the second row right-padded when it masks. */
function sampleInputs(k: KerasImport, seed: number): Tensor[] {
  // A file that fixes the number of steps (batch_input_shape [null, T, F]) gets exactly that many.
  const T = typeof k.inputShape?.[1] === 'number' ? k.inputShape[1] : 5;
  const rng = new SeededRandom(seed);
  const masked = k.maskValue !== null || k.embedding?.maskZero === true;
  const emb = k.embedding;
  const F = emb === null ? k.spec.inputSize : 1;
  const data = new Float32Array(B * T * F);
  for (let i = 0; i < data.length; i++) {
    const t = Math.floor(i / F) % T;
    const padded = masked && i >= T * F && t >= 2;
    data[i] = padded
      ? emb === null
        ? (k.maskValue as number)
        : 0
      : emb === null
        ? rng.uniform(-1, 1)
        : 1 + Math.floor(rng.uniform(0, emb.inputDim - 1 - 1e-9));
  }
  const states = k.initialStates.map(() =>
    tensor(
      Float32Array.from({ length: B * k.spec.hiddenSize }, () => rng.uniform(-1, 1)),
      [B, k.spec.hiddenSize],
    ),
  );
  return [tensor(data, emb === null ? [B, T, F] : [B, T]), ...states];
}

interface TfjsModule {
  setBackend(name: string): Promise<boolean>;
  tensor(values: number[], shape: number[]): unknown;
  loadLayersModel(
    handler: unknown,
  ): Promise<{ predict(x: unknown): { data(): Promise<ArrayLike<number>>; dispose(): void }; dispose(): void }>;
  io: { fromMemory(artifacts: unknown): unknown };
}

async function tfjsPredict(tf: TfjsModule, file: string, inputs: readonly Tensor[]): Promise<Float32Array> {
  const json = JSON.parse(new TextDecoder().decode(await readInputBytes(file, '--keras', 'json'))) as {
    modelTopology: unknown;
    weightsManifest: { paths: string[]; weights: unknown[] }[];
  };
  const { dirname, join } = await import('node:path');
  const parts: Uint8Array[] = [];
  for (const g of json.weightsManifest)
    for (const p of g.paths) parts.push(await readInputBytes(join(dirname(file), p), '--keras shard', 'model'));
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  await tf.setBackend('cpu');
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: data.buffer,
    }),
  );
  const xs = inputs.map((t) => tf.tensor(Array.from(t.data), [...t.shape]));
  const y = model.predict(xs.length === 1 ? xs[0] : xs);
  const out = Float32Array.from(await y.data());
  y.dispose();
  model.dispose();
  return out;
}

/**
 * `check --keras FILE`: runs the model on tfjs-layers itself (for a model.json; the float64 reference
 * for .keras and .h5) and on every deeprnn backend, prints the largest difference per backend and
 * returns the exit code: 0 all within the backend's tolerance, 1 any outside, 2 a needed package missing.
 */
export async function runKerasModelCheck(
  file: string,
  opts: CheckCommandOptions,
  io: CheckIo = DEFAULT_IO,
): Promise<number> {
  const keras = await io.importOptional('@deeprnn/keras');
  if (!hasFunctions(keras, ['predictKeras'])) {
    io.err(
      'deeprnn: check --keras needs @deeprnn/keras, which could not be imported; install and build it and try again\n',
    );
    return EXIT_CODES.usage;
  }
  const predictKeras = keras.predictKeras as (m: unknown, k: KerasImport, x: readonly Tensor[]) => Promise<Tensor>;
  const k = await readKerasForCli(file, '--keras');
  const inputs = sampleInputs(k, opts.seed ?? 1);
  let want: ArrayLike<number>;
  let oracle: string;
  const tf = /\.json$/i.test(file) ? await io.importOptional('@tensorflow/tfjs') : null;
  if (hasFunctions(tf, ['loadLayersModel', 'setBackend', 'tensor'])) {
    want = await tfjsPredict(tf as unknown as TfjsModule, file, inputs);
    oracle = 'tfjs-layers predict';
  } else {
    await using model = await createReferenceBackend({ dtype: 'float64' }).createModel(k.spec, k.params);
    want = (await predictKeras(model, k, inputs)).data;
    oracle = /\.json$/i.test(file)
      ? 'the float64 reference (@tensorflow/tfjs is not installed)'
      : 'the float64 reference (tfjs-layers reads model.json only)';
  }
  io.out(
    `${file}: ${k.spec.mode} x ${k.spec.numLayers}${k.spec.bidirectional ? ' bidirectional' : ''}, H=${k.spec.hiddenSize}; input [${inputs[0]!.shape.join(', ')}]; compared with ${oracle}\n`,
  );
  const names = opts.backends !== undefined && opts.backends.length > 0 ? opts.backends : BACKEND_NAMES;
  const rows: string[][] = [];
  let failed = 0;
  for (const name of names) {
    const choice: BackendChoice = {
      name,
      ...(opts.dtype ? { dtype: opts.dtype } : {}),
      ...(opts.engine ? { engine: opts.engine } : {}),
      ...(opts.provider ? { provider: opts.provider } : {}),
    } as BackendChoice;
    let backend: Backend;
    try {
      const loaded = await io.load(choice);
      printNotices(loaded, io.err);
      backend = loaded.backend;
    } catch (e) {
      io.err(`note: skipping ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
      continue;
    }
    const why = backend.unsupported(k.spec);
    if (why !== null) {
      rows.push([name, backend.device, '-', '-', `unsupported (${why})`]);
      await backend.dispose();
      continue;
    }
    const { rtol, atol } = backend.capabilities.tolerance;
    // tfjs-layers computes in float32: no backend is held closer than that.
    const tol = { rtol: Math.max(rtol, 2e-4), atol: Math.max(atol, 2e-5) };
    await using model = await backend.createModel(k.spec, k.params);
    const got = await predictKeras(model, k, inputs);
    let maxDiff = 0;
    let ok = got.data.length === want.length;
    for (let i = 0; i < want.length; i++) {
      const d = Math.abs((got.data[i] as number) - (want[i] as number));
      maxDiff = Math.max(maxDiff, d);
      if (!(d <= tol.atol + tol.rtol * Math.abs(want[i] as number))) ok = false;
    }
    if (!ok) failed++;
    rows.push([name, backend.device, sci(maxDiff), `${tol.atol} + ${tol.rtol}|want|`, ok ? 'pass' : 'FAIL']);
    await backend.dispose();
  }
  io.out(`${formatTable(['backend', 'device', 'max |diff|', 'tolerance', 'result'], rows)}\n`);
  io.out(`${rows.length - failed} agree, ${failed} disagree\n`);
  return failed > 0 ? 1 : 0;
}
