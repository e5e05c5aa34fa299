// stream.decodeGreedy: greedy decoding with a linear head, the definition every backend's own decoding
// must agree with. Here on the reference, whose stream decodes on the host through `step`.
import { describe, expect, it } from 'vitest';
import {
  MAX_DECODE_STEPS,
  type RnnStream,
  ShapeError,
  createReferenceBackend,
  defineSpec,
  greedyToken,
  initParams,
  tensor,
} from '../src/index.js';
import { randomTensor } from './helpers.js';

const V = 7;
const spec = defineSpec({ mode: 'gru', inputSize: V, hiddenSize: 5, numLayers: 2 });
const params = initParams(spec, { seed: 11, dtype: 'float64' });
const head = { weight: randomTensor([V, 5], 2, 3), bias: randomTensor([V], 3, 1) };

async function open(B: number): Promise<{ stream: RnnStream; dispose(): Promise<void> }> {
  const model = await createReferenceBackend({ dtype: 'float64' }).createModel(spec, params);
  const stream = await model.stream({ batchSize: B });
  return { stream, dispose: () => stream.dispose().then(() => model.dispose()) };
}

describe('greedyToken', () => {
  it('takes the lowest index among equal maxima and never a NaN', () => {
    expect(greedyToken([1, 3, 3, 2])).toBe(1);
    expect(greedyToken([NaN, 5, 1])).toBe(0);
    expect(greedyToken([0, NaN, 2, 2])).toBe(2);
    expect(greedyToken([-Infinity, -Infinity])).toBe(0);
  });
});

describe('stream.decodeGreedy', () => {
  it('feeds back the argmax of the head, row by row, and moves the state as steps would', async () => {
    const B = 2;
    const a = await open(B);
    const b = await open(B);
    const tokens = await a.stream.decodeGreedy(head, [3, 0], 12);
    expect(tokens).toHaveLength(12 * B);
    // The same loop written out with step: one-hot in, logits = W y + b, argmax out.
    let prev = [3, 0];
    for (let s = 0; s < 12; s++) {
      const x = new Float64Array(B * V);
      prev.forEach((t, r) => (x[r * V + t] = 1));
      const y = await b.stream.step(tensor(x, [B, V]));
      prev = prev.map((_, r) => {
        const logits = Array.from({ length: V }, (_, v) => {
          let sum = head.bias.data[v]!;
          for (let f = 0; f < 5; f++) sum += head.weight.data[v * 5 + f]! * y.data[r * 5 + f]!;
          return sum;
        });
        return greedyToken(logits);
      });
      expect([tokens[s * B]!, tokens[s * B + 1]!]).toEqual(prev);
    }
    expect((await a.stream.readState()).h.data).toEqual((await b.stream.readState()).h.data);
    await a.dispose();
    await b.dispose();
  });

  it('refuses a wrong head, first tokens or steps with ShapeError, at and beyond each bound, changing nothing', async () => {
    const { stream, dispose } = await open(1);
    const before = await stream.readState();
    const bad: [string, () => Promise<unknown>, RegExp][] = [
      ['steps 0', () => stream.decodeGreedy(head, [0], 0), /steps must be an integer in \[1, 4096\], got 0/],
      [
        'steps above the maximum',
        () => stream.decodeGreedy(head, [0], MAX_DECODE_STEPS + 1),
        /steps must be an integer in \[1, 4096\], got 4097/,
      ],
      ['fractional steps', () => stream.decodeGreedy(head, [0], 1.5), /steps must be an integer/],
      ['token V', () => stream.decodeGreedy(head, [V], 1), /first\[0\] must be a token in \[0, 7\), got 7/],
      ['token -1', () => stream.decodeGreedy(head, [-1], 1), /first\[0\] must be a token in \[0, 7\), got -1/],
      ['two rows for one', () => stream.decodeGreedy(head, [0, 1], 1), /one token per row \(1\), got 2 entries/],
      [
        'weight [V, F+1]',
        () => stream.decodeGreedy({ ...head, weight: randomTensor([V, 6], 1) }, [0], 1),
        /head.weight must be \[7, 5\]/,
      ],
      [
        'bias [V-1]',
        () => stream.decodeGreedy({ ...head, bias: randomTensor([V - 1], 1) }, [0], 1),
        /head.bias must be \[7\]/,
      ],
    ];
    for (const [what, call] of bad) await expect(call(), what).rejects.toThrow(ShapeError);
    for (const [what, call, message] of bad) await expect(call(), what).rejects.toThrow(message);
    expect((await stream.readState()).h.data).toEqual(before.h.data);
    // At the bounds: token V - 1 and 1 step run.
    await expect(stream.decodeGreedy(head, [V - 1], 1)).resolves.toHaveLength(1);
    await dispose();
  });
});
