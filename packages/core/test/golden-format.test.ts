// The golden case format's extensions for peer suites (lengths, an `expected` block with any of
// output/hN/cN) and its strict validation: every refusal names the field and what arrived.
import { describe, expect, it } from 'vitest';
import {
  type RnnParams,
  type Tensor,
  FormatError,
  checkGoldenCase,
  createReferenceBackend,
  defineSpec,
  initParams,
  parseGoldenCase,
  tensor,
} from '../src/index.js';

type Json = Record<string, unknown>;
const jsonTensor = (t: Tensor): Json => ({ shape: [...t.shape], data: Array.from(t.data) });
const spec = defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 3 });
const params: RnnParams = initParams(spec, { seed: 3 });
const input = tensor(
  Float32Array.from({ length: 4 * 2 * 2 }, (_, i) => Math.sin(i + 1)),
  [4, 2, 2],
);
const lengths = [4, 2];
const reference = createReferenceBackend();

/** A valid LSTM case (T=4, B=2) whose expected values the reference computes with `lengths`. */
async function caseJson(withLengths: boolean): Promise<Json> {
  await using model = await reference.createModel(spec, params);
  const { output, state } = await model.forward(input, undefined, withLengths ? { lengths } : {});
  return {
    name: 'lstm_lengths',
    source: 'test',
    config: { mode: 'lstm', inputSize: 2, hiddenSize: 3 },
    params: Object.fromEntries(Object.entries(params).map(([k, t]) => [k, jsonTensor(t)])),
    input: jsonTensor(input),
    h0: null,
    c0: null,
    ...(withLengths ? { lengths } : {}),
    output: jsonTensor(output),
    hN: jsonTensor(state.h),
    cN: jsonTensor(state.c!),
  };
}

/** The same case with its expected values moved into an `expected` block holding only `keys`. */
function finalOnly(json: Json, keys: readonly string[]): Json {
  const { output, hN, cN, ...rest } = json;
  const all: Json = { output, hN, cN };
  return { ...rest, expected: Object.fromEntries(keys.map((k) => [k, all[k]])) };
}

function refusal(json: unknown): FormatError {
  try {
    // Through JSON, as a file would arrive (undefined fields vanish).
    parseGoldenCase(JSON.parse(JSON.stringify(json)), 'case.json');
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error('parseGoldenCase accepted the case');
}

describe('golden format: lengths', () => {
  it('passes lengths to forward, so a case computed with them passes and one without them does not', async () => {
    const withLengths = await caseJson(true);
    expect(parseGoldenCase(withLengths, 'c').runs[0]?.lengths).toEqual(lengths);
    expect((await checkGoldenCase(reference, parseGoldenCase(withLengths, 'c'))).pass).toBe(true);
    const dropped = { ...withLengths, lengths: undefined };
    const result = await checkGoldenCase(reference, parseGoldenCase(dropped, 'c'));
    expect(result.pass).toBe(false);
    expect(result.failures.some((f) => f.startsWith('runs[0].output'))).toBe(true);
  });

  it.each([
    [[4], /case\.json: lengths has 1 entries, the input has 2 batch row\(s\)/],
    [[4, 5], /case\.json: lengths\[1\] must be an integer in \[0, 4\] \(the input's T\), got 5/],
    [[4, -1], /lengths\[1\] must be an integer in \[0, 4\].*got -1/],
    [[4, 1.5], /lengths\[1\] .*got 1\.5/],
    [[4, '2'], /lengths\[1\] .*got "2"/],
    ['4,2', /case\.json: lengths must be an array of 2 integers \(one per batch row\), got "4,2"/],
  ])('refuses lengths %j', async (bad, message) => {
    expect(refusal({ ...(await caseJson(true)), lengths: bad }).message).toMatch(message);
  });

  it('accepts 0 and T, the ends of the range', async () => {
    const json = await caseJson(true);
    expect(parseGoldenCase({ ...json, lengths: [0, 4] }, 'c').runs[0]?.lengths).toEqual([0, 4]);
  });
});

describe('golden format: an expected block with some of output, hN, cN', () => {
  it('compares only what the block gives', async () => {
    const json = await caseJson(true);
    const golden = parseGoldenCase(finalOnly(json, ['hN']), 'c');
    expect(golden.runs[0]).toMatchObject({ output: null, cN: null });
    expect((await checkGoldenCase(reference, golden)).pass).toBe(true);
  });

  it('fails a wrong final state named in the block', async () => {
    const json = finalOnly(await caseJson(true), ['hN', 'cN']);
    const expected = json.expected as Json;
    const cN = expected.cN as { shape: number[]; data: number[] };
    const wrong = {
      ...json,
      expected: { ...expected, cN: { ...cN, data: cN.data.map((x, i) => (i === 4 ? x + 0.01 : x)) } },
    };
    const result = await checkGoldenCase(reference, parseGoldenCase(wrong, 'c'));
    expect(result.pass).toBe(false);
    expect(result.failures).toEqual([expect.stringMatching(/^runs\[0\]\.cN: element 4 is/)]);
  });

  it.each([
    [
      (j: Json) => ({ ...finalOnly(j, ['hN']), output: j.output }),
      /case\.json: expected and output are both given; give the expected values in one place/,
    ],
    [(j: Json) => finalOnly(j, []), /case\.json: expected gives none of output, hN, cN/],
    [
      (j: Json) => ({ ...finalOnly(j, ['hN']), expected: { hN: (j as Json).hN, h_n: 1 } }),
      /case\.json: expected\.h_n is not one of output, hN, cN/,
    ],
    [
      (j: Json) => ({ ...finalOnly(j, ['hN']), expected: [1] }),
      /case\.json: expected must be an object with any of output, hN, cN, got \[1\]/,
    ],
    [(j: Json) => ({ ...j, hN: undefined }), /case\.json: hN is missing: a case gives output and hN/],
    [
      (j: Json) => ({ ...finalOnly(j, ['hN']), expected: { hN: { shape: [1, 2, 2], data: [0, 0, 0, 0] } } }),
      /case\.json: expected\.hN has shape \[1, 2, 2\]; the config and input \[4, 2, 2\] need \[1, 2, 3\]/,
    ],
    [
      (j: Json) => ({ ...j, output: { shape: [4, 2], data: [] } }),
      /case\.json: output: shape \[4,2\] needs 8 values, data has 0/,
    ],
  ])('refuses a malformed expectation (%#)', async (mutate, message) => {
    expect(refusal(mutate(await caseJson(false))).message).toMatch(message);
  });
});

describe('golden format: strict fields', () => {
  it.each([
    [(j: Json) => ({ ...j, config: undefined }), /case\.json: not a golden case: config missing/],
    [
      (j: Json) => ({ ...j, config: { ...(j.config as Json), hiddenSize: 0 } }),
      /case\.json: invalid config: config\.hiddenSize/,
    ],
    [
      (j: Json) => ({
        ...j,
        params: { ...(j.params as Json), weight_ih_l0: undefined, extra: { shape: [1], data: [1] } },
      }),
      /case\.json: params do not fit the config/,
    ],
    [
      (j: Json) => ({ ...j, input: { shape: [4, 2, 3], data: new Array(24).fill(0) } }),
      /case\.json: input has 3 features, config\.inputSize is 2/,
    ],
    [(j: Json) => ({ ...j, c0: j.cN }), /case\.json: c0 is given without h0/],
    [
      (j: Json) => ({ ...j, h0: { shape: [2, 2, 3], data: new Array(12).fill(0) } }),
      /case\.json: h0 has shape \[2, 2, 3\]; the config and input \[4, 2, 2\] need \[1, 2, 3\]/,
    ],
    [(j: Json) => ({ ...j, name: 7 }), /case\.json: name must be a string, got 7/],
    [(j: Json) => ({ ...j, runs: {} }), /case\.json: runs must be an array of runs, got \{\}/],
    [
      (j: Json) => ({ ...j, runs: [{ input: j.input, lengths: [9, 9], output: j.output, hN: j.hN }] }),
      /case\.json: runs\[0\]\.lengths\[0\] must be an integer in \[0, 4\]/,
    ],
    [
      (j: Json) => ({ ...j, input: { shape: [4, 2, 2], data: [...new Array(15).fill(0), 'x'] } }),
      /case\.json: input: data\[15\] must be a number, got "x"/,
    ],
  ])('refuses a malformed field (%#)', async (mutate, message) => {
    expect(refusal(mutate(await caseJson(false))).message).toMatch(message);
  });

  it('refuses cN for a mode without a cell state', () => {
    const gru = defineSpec({ mode: 'gru', inputSize: 1, hiddenSize: 1 });
    const p = Object.fromEntries(Object.entries(initParams(gru)).map(([k, t]) => [k, jsonTensor(t)]));
    const t = (shape: number[]): Json => ({ shape, data: new Array(shape.reduce((a, b) => a * b, 1)).fill(0) });
    const json = {
      config: { mode: 'gru', inputSize: 1, hiddenSize: 1 },
      params: p,
      input: t([1, 1, 1]),
      expected: { cN: t([1, 1, 1]) },
    };
    expect(refusal(json).message).toMatch(/case\.json: cN is only for lstm, the config's mode is gru/);
  });
});
