import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_MAX_BYTES,
  SizeLimitError,
  createReferenceBackend,
  defineSpec,
  forwardWorkingBytes,
  initParams,
  parameterBytes,
  parameterCount,
  zeros,
} from '../src/index.js';

describe('memory limits, checked before allocating', () => {
  it('initParams on a huge LSTM throws SizeLimitError saying the bytes and how to raise the limit (was a RangeError)', () => {
    const spec = defineSpec({ mode: 'lstm', inputSize: 20000, hiddenSize: 20000, numLayers: 3 });
    const bytes = parameterCount(spec) * 4;
    expect(bytes).toBeGreaterThan(DEFAULT_MAX_BYTES);
    expect(() => initParams(spec)).toThrow(SizeLimitError);
    expect(() => initParams(spec)).toThrow(
      new RegExp(
        `would take [0-9.]+ GiB \\(${bytes} bytes\\), over the limit of 2\\.0 GiB \\(2147483648 bytes\\); pass a larger maxBytes to initParams\\(spec, \\{ maxBytes \\}\\)`,
      ),
    );
  });

  it('counts the dtype: float64 parameters take twice the bytes', () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 4, hiddenSize: 8 });
    expect(parameterBytes(spec, 'float64')).toBe(2 * parameterBytes(spec));
    const limit = parameterBytes(spec) + 1;
    expect(() => initParams(spec, { maxBytes: limit })).not.toThrow();
    expect(() => initParams(spec, { maxBytes: limit, dtype: 'float64' })).toThrow(SizeLimitError);
  });

  it('a lower or higher maxBytes is honoured, and a bad one is refused', () => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3 });
    expect(() => initParams(spec, { maxBytes: 10 })).toThrow(/over the limit of 10 bytes/);
    expect(Object.keys(initParams(spec, { maxBytes: parameterBytes(spec) }))).toHaveLength(4);
    expect(() => initParams(spec, { maxBytes: Number.NaN })).toThrow(/maxBytes must be a positive number, got NaN/);
  });

  it('forward refuses a call whose working memory exceeds maxBytes, before any work', async () => {
    const spec = defineSpec({ mode: 'lstm', inputSize: 1, hiddenSize: 64, bidirectional: true });
    const model = await createReferenceBackend().createModel(spec, initParams(spec));
    const x = zeros([100, 4, 1]);
    const need = forwardWorkingBytes(spec, { T: 100, B: 4 }, 'float32');
    expect(need).toBeGreaterThan(100 * 4 * 2 * 4 * 64 * 4);
    await expect(model.forward(x, undefined, { maxBytes: need - 1 })).rejects.toThrow(SizeLimitError);
    await expect(model.forward(x, undefined, { maxBytes: need - 1 })).rejects.toThrow(
      /forward: a lstm call with T=100, B=4 would take .* pass a larger maxBytes to forward \(options.maxBytes\)/,
    );
    expect((await model.forward(x, undefined, { maxBytes: need })).output.shape).toEqual([100, 4, 128]);
  });

  it('MAX_SIZE refuses a hidden size whose single matrix would be gigabytes', () => {
    expect(() => defineSpec({ mode: 'rnn_tanh', inputSize: 1, hiddenSize: 65536 })).toThrow(ConfigError);
    expect(() => defineSpec({ mode: 'rnn_tanh', inputSize: 1, hiddenSize: 32768 })).not.toThrow();
  });
});
