import { type Backend, SeededRandom, tensor } from '@deeprnn/core';
import { rowLogits } from './head.js';
import { HEAD_BIAS, HEAD_WEIGHT, headInputSize, rnnParamsOf } from './lm-model.js';
import { oneHotTimeMajor } from './one-hot.js';
import { pickToken } from './sampling.js';
import type { LanguageModel } from './saved-model.js';

/** Tokens per `decodeGreedy` call of greedy generation: a GPU backend submits once per block. */
const GREEDY_BLOCK = 16;

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** Characters to add after the prefix (d2l: 50). */
  readonly chars: number;
  /** 0 or absent: greedy (argmax, as d2l's `predict_ch8`); > 0: sample from softmax(logits / T). */
  readonly temperature?: number;
  /** Seed of the sampler. Default 0. */
  readonly seed?: number;
  /**
   * Called with each generated character as soon as it is chosen (for printing as it streams). A
   * returned promise is awaited before the next step: a page can yield to the browser there so the
   * text paints as it grows.
   */
  readonly onChar?: (char: string) => unknown;
}

/**
 * Continues `prefix` by `chars` characters, d2l's `predict_ch8`, on a {@link @deeprnn/core!RnnStream | RnnStream}:
 * the prefix warms up the state in one chunk, then each step feeds the last character and appends the most likely
 * next one (or a sample at `temperature`). The state stays on the backend between characters. Greedy
 * generation runs on the stream's `decodeGreedy` (16 characters per call): on backend-webgpu the head,
 * the argmax and the feedback of the chosen character run on the GPU, one submit and a readback of the
 * token ids per block; elsewhere the stream computes the head on the host. Sampling runs the head and
 * the choice on the host in float64 by {@link pickToken}'s rule. Either way a seed gives the same text
 * on every backend (as far as their outputs agree: logits closer than the backends' float32
 * differences could still tie-break differently). Inference only, so it runs on every backend.
 *
 * @returns the prefix followed by the generated characters.
 * @example
 * ```ts
 * const text = await generate(createReferenceBackend(), model, 'time traveller', { chars: 50 });
 * ```
 */
export async function generate(
  backend: Backend,
  lm: LanguageModel,
  prefix: string,
  options: GenerateOptions,
): Promise<string> {
  const V = lm.vocab.size;
  const ids = Array.from(lm.vocab.encode(prefix.length > 0 ? [...prefix] : [' ']));
  const W = lm.params[HEAD_WEIGHT]!;
  const b = lm.params[HEAD_BIAS]!;
  const F = headInputSize(lm.spec);
  const rng = new SeededRandom(options.seed ?? 0);
  await using model = await backend.createModel(lm.spec, rnnParamsOf(lm.params));
  await using stream = await model.stream({ batchSize: 1 });
  if (ids.length > 1) {
    const warm = Int32Array.from(ids.slice(0, -1));
    await stream.step(oneHotTimeMajor(warm, 1, warm.length, V));
  }
  const temperature = options.temperature ?? 0;
  if (!(temperature > 0)) {
    // Greedy: the stream's own decoding (on a GPU backend the head and the feedback stay on the
    // device), in blocks so that onChar still sees the text as it grows.
    const head = { weight: tensor(W.data, [V, F]), bias: tensor(b.data, [V]) };
    for (let done = 0; done < options.chars;) {
      const block = Math.min(GREEDY_BLOCK, options.chars - done);
      const tokens = await stream.decodeGreedy(head, [ids[ids.length - 1]!], block);
      for (const next of tokens) {
        ids.push(next);
        await options.onChar?.(lm.vocab.decode([next]));
      }
      done += block;
    }
    return lm.vocab.decode(ids);
  }
  const logits = new Float64Array(V);
  const x = new Float32Array(V);
  for (let i = 0; i < options.chars; i++) {
    x.fill(0);
    x[ids[ids.length - 1]!] = 1;
    const y = await stream.step(tensor(x, [1, V]));
    rowLogits(y.data, 0, W.data, b.data, F, logits);
    const next = pickToken(logits, temperature, rng);
    ids.push(next);
    await options.onChar?.(lm.vocab.decode([next]));
  }
  return lm.vocab.decode(ids);
}
