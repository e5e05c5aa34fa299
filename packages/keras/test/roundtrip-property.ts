import * as tf from '@tensorflow/tfjs';
import { type Backend, SeededRandom, type Tensor, tensor } from '@deeprnn/core';
import { readSettings } from '@deeprnn/conformance';
import fc from 'fast-check';
import { expect } from 'vitest';
import { exportTfjsLayers, importTfjsArtifacts, predictKeras, tfjsLayersUnsupported } from '../src/index.js';
import { type ModelRecipe, VOCAB, buildModel, quantizeArtifacts, saveArtifacts, tfjsPredict } from './tfjs-oracle.js';

const recipe: fc.Arbitrary<ModelRecipe> = fc
  .record({
    cell: fc.constantFrom('SimpleRNN', 'GRU', 'LSTM'),
    units: fc.integer({ min: 1, max: 4 }),
    depth: fc.integer({ min: 1, max: 3 }),
    inputSize: fc.integer({ min: 1, max: 4 }),
    bidirectional: fc.boolean(),
    mergeMode: fc.constantFrom('concat', 'sum', 'ave', 'mul'),
    goBackwards: fc.boolean(),
    front: fc.constantFrom('none', 'masking', 'embedding'),
    returnSequences: fc.boolean(),
    activation: fc.constantFrom('tanh', 'relu', 'sigmoid', 'linear', 'selu'),
    recurrentActivation: fc.constantFrom('sigmoid', 'hardSigmoid', 'tanh'),
    useBias: fc.boolean(),
    dense: fc.boolean(),
    quantize: fc.constantFrom(null, null, 'uint8', 'uint16', 'float16'),
    seed: fc.integer({ min: 1, max: 1 << 30 }),
  })
  .map((r) => ({
    ...r,
    goBackwards: r.goBackwards && !r.bidirectional,
    // Keras masks the wrong steps above a go_backwards layer (the importer refuses it; tested apart).
    depth: r.goBackwards && !r.bidirectional && r.front !== 'none' ? 1 : r.depth,
  }));

/** A batch for the recipe: features (or token ids) with right padding when the model masks. */
function inputFor(r: ModelRecipe, B: number, T: number, lengths: readonly number[], seed: number): Tensor {
  const rng = new SeededRandom(seed);
  const F = r.front === 'embedding' ? 1 : r.inputSize;
  const data = new Float32Array(B * T * F);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let f = 0; f < F; f++) {
        const padded = r.front !== 'none' && t >= (lengths[b] as number);
        data[(b * T + t) * F + f] = padded
          ? 0
          : r.front === 'embedding'
            ? 1 + Math.floor(rng.uniform(0, VOCAB - 1 - 1e-9))
            : rng.uniform(-1, 1) || 0.5;
      }
    }
  }
  return tensor(data, r.front === 'embedding' ? [B, T] : [B, T, F]);
}

function expectClose(got: Tensor, want: Tensor, tol: { rtol: number; atol: number }, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  for (let i = 0; i < want.data.length; i++) {
    const g = got.data[i] as number;
    const w = want.data[i] as number;
    if (!(Math.abs(g - w) <= tol.atol + tol.rtol * Math.abs(w))) {
      expect.fail(`${what}: element ${i} is ${g}, tfjs-layers predicts ${w} (atol ${tol.atol}, rtol ${tol.rtol})`);
    }
  }
}

// tfjs-layers computes in float32 (and its sigmoid/tanh differ in the last bits): the floor of every comparison.
const ORACLE_TOLERANCE = { rtol: 2e-4, atol: 2e-5 };

/** Counts of what one property run checked. */
export interface RoundTripCounts {
  readonly ran: Map<string, number>;
  exported: number;
}

/**
 * The property: random tfjs-layers models, saved with model.save, imported, run with predictKeras on
 * every backend and compared with tfjs-layers' predict; each exported back and loaded by tfjs again.
 *
 * @param baseRuns - runs at DEEPRNN_FC_RUNS=1.
 */
export async function checkRoundTrip(backends: readonly Backend[], baseRuns: number): Promise<RoundTripCounts> {
  const settings = readSettings();
  const counts: RoundTripCounts = { ran: new Map(), exported: 0 };
  await tf.setBackend('cpu');
  await fc.assert(
    fc.asyncProperty(
      recipe,
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 0, max: 1 << 30 }),
      async (r, B, T, seed) => {
        const rng = new SeededRandom(seed);
        const lengths = Array.from({ length: B }, (_, b) => (b === 0 ? T : Math.floor(rng.uniform(0, T + 1 - 1e-9))));
        const model = buildModel(r);
        let artifacts = await saveArtifacts(model);
        let oracle: tf.LayersModel = model;
        if (r.quantize !== null) {
          artifacts = quantizeArtifacts(artifacts, r.quantize);
          // tfjs' own loader dequantizes: the oracle for our decoder.
          oracle = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
        }
        const x = inputFor(r, B, T, lengths, seed + 1);
        const want = await tfjsPredict(oracle, x);
        const imported = importTfjsArtifacts(artifacts as Parameters<typeof importTfjsArtifacts>[0]);
        for (const backend of backends) {
          if (backend.unsupported(imported.spec) !== null) continue;
          await using m = await backend.createModel(imported.spec, imported.params);
          const got = await predictKeras(m, imported, x);
          const t = backend.capabilities.tolerance;
          expectClose(
            got,
            want,
            { rtol: Math.max(t.rtol, ORACLE_TOLERANCE.rtol), atol: Math.max(t.atol, ORACLE_TOLERANCE.atol) },
            `${backend.name} ${JSON.stringify(r)} B=${B} T=${T} lengths=${lengths.join(',')}`,
          );
          counts.ran.set(backend.name, (counts.ran.get(backend.name) ?? 0) + 1);
        }
        // Exporting back gives a tfjs-layers model that predicts the same (float32 weights: the same numbers).
        if (tfjsLayersUnsupported(imported.spec) === null) {
          const { modelJson, weights } = exportTfjsLayers(imported);
          const back = await tf.loadLayersModel(
            tf.io.fromMemory({
              modelTopology: modelJson.modelTopology as tf.io.ModelJSON['modelTopology'],
              weightSpecs: modelJson.weightsManifest[0]!.weights as tf.io.WeightsManifestEntry[],
              weightData: weights.slice().buffer,
            }),
          );
          expectClose(await tfjsPredict(back, x), want, { rtol: 1e-6, atol: 1e-6 }, `export of ${JSON.stringify(r)}`);
          counts.exported++;
          back.dispose();
        }
        model.dispose();
        if (oracle !== model) oracle.dispose();
      },
    ),
    {
      numRuns: Math.max(1, Math.round(baseRuns * settings.scale)),
      ...(settings.seed === undefined ? {} : { seed: settings.seed }),
      ...(settings.path === undefined ? {} : { path: settings.path }),
    },
  );
  return counts;
}
