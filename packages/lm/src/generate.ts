import { type Backend, type RnnState, SeededRandom } from '@deeprnn/core';
import { rowLogits } from './head.js';
import { HEAD_BIAS, HEAD_WEIGHT, headInputSize, rnnParamsOf } from './lm-model.js';
import { oneHotTimeMajor } from './one-hot.js';
import type { LanguageModel } from './saved-model.js';

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** Characters to add after the prefix (d2l: 50). */
  readonly chars: number;
  /** 0 or absent: greedy (argmax, as d2l's `predict_ch8`); > 0: sample from softmax(logits / T). */
  readonly temperature?: number;
  /** Seed of the sampler. Default 0. */
  readonly seed?: number;
}

function pick(logits: Float64Array, temperature: number, rng: SeededRandom): number {
  let best = 0;
  for (let v = 1; v < logits.length; v++) if (logits[v]! > logits[best]!) best = v;
  if (!(temperature > 0)) return best;
  let sum = 0;
  const p = new Float64Array(logits.length);
  for (let v = 0; v < logits.length; v++) {
    p[v] = Math.exp((logits[v]! - logits[best]!) / temperature);
    sum += p[v]!;
  }
  let u = rng.nextFloat() * sum;
  for (let v = 0; v < p.length; v++) {
    u -= p[v]!;
    if (u < 0) return v;
  }
  return best;
}

/**
 * Continues `prefix` by `chars` characters, d2l's `predict_ch8`: the prefix warms up the state, then
 * each step feeds the last character and appends the most likely next one (or a sample at
 * `temperature`). Inference only, so it runs on every backend.
 *
 * @returns the prefix followed by the generated characters.
 * @example
 * ```ts
 * const text = await generate(createReferenceBackend(), model, 'time traveller', { chars: 50 });
 * ```
 */
export async function generate(backend: Backend, lm: LanguageModel, prefix: string, options: GenerateOptions): Promise<string> {
  const V = lm.vocab.size;
  const ids = Array.from(lm.vocab.encode(prefix.length > 0 ? [...prefix] : [' ']));
  const W = lm.params[HEAD_WEIGHT]!;
  const b = lm.params[HEAD_BIAS]!;
  const F = headInputSize(lm.spec);
  const rng = new SeededRandom(options.seed ?? 0);
  const model = await backend.createModel(lm.spec, rnnParamsOf(lm.params));
  try {
    let state: RnnState | undefined;
    if (ids.length > 1) {
      const warm = Int32Array.from(ids.slice(0, -1));
      state = (await model.forward(oneHotTimeMajor(warm, 1, warm.length, V), undefined)).state;
    }
    const logits = new Float64Array(V);
    for (let i = 0; i < options.chars; i++) {
      const last = Int32Array.of(ids[ids.length - 1]!);
      const r = await model.forward(oneHotTimeMajor(last, 1, 1, V), state);
      state = r.state;
      rowLogits(r.output.data, 0, W.data, b.data, F, logits);
      ids.push(pick(logits, options.temperature ?? 0, rng));
    }
  } finally {
    await model.dispose();
  }
  return lm.vocab.decode(ids);
}
