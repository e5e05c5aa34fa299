import {
  GOLDEN_TOLERANCE,
  type RnnParams,
  type RnnSpec,
  type RnnState,
  SeededRandom,
  type Tensor,
  type Tolerance,
  cellStateShape,
  createReferenceBackend,
  hiddenStateShape,
  tensor,
} from '@deeprnn/core';
import { closeness } from './measure.js';
import { withModel } from './run-model.js';

/** The outputs an RNN graph can have, in deeprnn's names: the sequence output, hN and cN. */
export type OnnxOutputName = 'output' | 'hN' | 'cN';

/** What a runtime computed for an ONNX graph; each is absent when the graph does not output it. */
export interface OnnxRunOutput {
  /** The top layer's output sequence. */
  readonly output?: Tensor;
  /** The final hidden state (hN). */
  readonly h?: Tensor;
  /** The final LSTM cell state (cN). */
  readonly c?: Tensor;
}

/** Runs the original ONNX graph (e.g. onnxruntime on the file's bytes). */
export interface OnnxGraphRunner {
  /** Whether the graph takes an initial state (h0, and c0 for LSTM) as inputs. */
  readonly hasInitialState: boolean;
  /** The graph takes an unbatched [T, I] input and [L*D, H] states. */
  readonly isUnbatched?: boolean;
  /** Time steps the graph fixes (a number in its input shape); drawn in [1, 6] when absent. */
  readonly fixedSteps?: number;
  /** Batch rows the graph fixes; drawn in [1, 3] when absent. */
  readonly fixedBatch?: number;
  /**
   * The outputs the graph has (e.g. only `hN` for ONNX's `['', 'Y_h']` nodes): exactly these are
   * compared, and a run that lacks one of them fails.
   */
  readonly outputs: readonly OnnxOutputName[];
  /** Runs the graph; tensors are in deeprnn's layout (see {@link Tensor} shapes of `forward`). */
  run(input: Tensor, initial: RnnState | undefined): Promise<OnnxRunOutput>;
}

/** Options of {@link checkOnnxModel}. */
export interface OnnxModelCheckOptions {
  /** Random calls to compare (default 20). */
  readonly runs?: number;
  /** Seed of the random inputs and states (default 0), so a check replays exactly. */
  readonly seed?: number;
  /** Default {@link GOLDEN_TOLERANCE}: float32 rounding. */
  readonly tolerance?: Tolerance;
}

/** The largest disagreement between a runtime and the reference's reading of the same graph. */
export interface OnnxModelCheck {
  /** Random calls compared (0 when the graph outputs nothing to compare). */
  readonly runs: number;
  /** The outputs that were compared, in the graph's order. */
  readonly compared: readonly OnnxOutputName[];
  /** Largest relative error over output, hN and cN of every run (see {@link closeness}). */
  readonly maxError: number;
  /** True when every compared tensor of every call agreed within tolerance and none was missing. */
  readonly pass: boolean;
  /** Which tensor of which call disagreed most (or was missing, which outranks any error). */
  readonly worst: string;
}

function normal(shape: readonly number[], rng: SeededRandom): Tensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return tensor(data, shape);
}

/**
 * Checks that a runtime's output for an ONNX model matches the float64 reference's interpretation of
 * the same graph (its imported spec and parameters), on random inputs. This is what catches an exporter
 * that writes a graph that runs everywhere but computes something else. Exactly the outputs the graph
 * has ({@link OnnxGraphRunner.outputs}) are compared; a graph with none of them fails.
 *
 * @param imported - the spec and parameters `importOnnx` read from the model.
 * @param runner - runs the model's original bytes.
 * @returns the largest disagreement over all calls.
 */
export async function checkOnnxModel(
  imported: { readonly spec: RnnSpec; readonly params: RnnParams },
  runner: OnnxGraphRunner,
  options: OnnxModelCheckOptions = {},
): Promise<OnnxModelCheck> {
  const { spec, params } = imported;
  const tol = options.tolerance ?? GOLDEN_TOLERANCE;
  const rng = new SeededRandom(options.seed ?? 0);
  const runs = options.runs ?? 20;
  const oracle = createReferenceBackend({ dtype: 'float64' });
  const compared = [...new Set(runner.outputs)];
  if (compared.length === 0) {
    return {
      runs: 0,
      compared,
      maxError: 0,
      pass: false,
      worst: 'the graph has none of output, hN, cN: nothing to compare',
    };
  }
  let maxError = 0;
  let worst = '';
  let pass = true;
  let missing: string | undefined;
  await withModel(oracle, spec, params, async (model) => {
    for (let run = 0; run < runs; run++) {
      const isUnbatched = runner.isUnbatched ?? false;
      const T = runner.fixedSteps ?? 1 + Math.floor(rng.nextFloat() * 6);
      const B = isUnbatched ? 1 : (runner.fixedBatch ?? 1 + Math.floor(rng.nextFloat() * 3));
      const call = { T, B, isUnbatched };
      const I = spec.inputSize;
      const input = normal(isUnbatched ? [T, I] : spec.batchFirst ? [B, T, I] : [T, B, I], rng);
      let initial: RnnState | undefined;
      if (runner.hasInitialState) {
        const h = normal(hiddenStateShape(spec, call), rng);
        initial = spec.mode === 'lstm' ? { h, c: normal(cellStateShape(spec, call), rng) } : { h };
      }
      const want = await model.forward(input, initial);
      const got = await runner.run(input, initial);
      const pairs: Record<OnnxOutputName, [Tensor | undefined, Tensor | undefined]> = {
        output: [got.output, want.output],
        hN: [got.h, want.state.h],
        cN: [got.c, want.state.c],
      };
      for (const name of compared) {
        const [g, w] = pairs[name];
        if (!g || !w) {
          // A graph output that one side does not produce is a disagreement, not a pass.
          pass = false;
          missing ??= `${name} of call ${run} (T=${T}, B=${B}): ${g ? 'the reference' : 'the runtime'} returned none`;
          continue;
        }
        const c = closeness(g, w, tol);
        if (c.maxError >= maxError) {
          maxError = c.maxError;
          worst = `${name} of call ${run} (T=${T}, B=${B})${c.pass ? '' : `: ${c.detail}`}`;
        }
        pass &&= c.pass;
      }
    }
  });
  return { runs, compared, maxError, pass, worst: missing ?? worst };
}
