import type { RnnState } from './backend.js';
import { type RnnConfig, type RnnSpec, defineSpec } from './config.js';
import { FormatError, RnnError } from './errors.js';
import { type JsonObject, describeJson, isJsonObject, optionalJsonTensor, parseJsonTensor } from './golden-json.js';
import { type CallShape, cellStateShape, hiddenStateShape, outputShape } from './io-shapes.js';
import { type RnnParams, validateParams } from './params.js';
import { type Tensor, formatShape, sameShape } from './tensor.js';

export { type Comparison, type Tolerance, GOLDEN_TOLERANCE, compareTensors } from './golden-compare.js';
export { parseJsonTensor } from './golden-json.js';

/**
 * One evaluation of a golden case: what goes in and what must come out. An expected tensor is null
 * where the case does not give it (a source that checks only the final state, say).
 */
export interface GoldenRun {
  /** The input, `[T, B, I]` (`[B, T, I]` batchFirst, `[T, I]` unbatched). */
  readonly input: Tensor;
  /** h0 (and c0 for LSTM); undefined runs from zeros. */
  readonly initial: RnnState | undefined;
  /** Valid steps of each batch row, passed as `ForwardOptions.lengths`; undefined: every row runs T steps. */
  readonly lengths: readonly number[] | undefined;
  /** Expected output of the top layer; null where the case does not give it. */
  readonly output: Tensor | null;
  /** Expected final hidden state `[L*D, B, Hout]`; null where the case does not give it. */
  readonly hN: Tensor | null;
  /** Expected final LSTM cell state `[L*D, B, H]`; null where not given (and for other modes). */
  readonly cN: Tensor | null;
}

/**
 * A reference case in the format of shared/golden/README.md, extended for peer suites (optional
 * `lengths`, and an `expected` block holding any of output, hN, cN): a config, PyTorch-named
 * parameters and one or more evaluations (the main one plus any `runs`). Tensors are float32,
 * holding the exact values.
 */
export interface GoldenCase {
  /** The case's name, as results and messages report it. */
  readonly name: string;
  /**
   * Where the case came from: the case file's `source` string, or `repo/path (test)` for a peer
   * suite's case; 'unknown' when the file gives none.
   */
  readonly source: string;
  /** The validated config. */
  readonly spec: RnnSpec;
  /** The parameters, by PyTorch name. */
  readonly params: RnnParams;
  /** Its evaluations: the main one first, then any extra `runs`. */
  readonly runs: readonly GoldenRun[];
}

/** The tensors a run can compare, in the order they are checked and named in messages. */
const EXPECTED_KEYS = ['output', 'hN', 'cN'] as const;
type ExpectedKey = (typeof EXPECTED_KEYS)[number];
type Expected = Pick<GoldenRun, ExpectedKey>;

const isGiven = (v: unknown): boolean => v !== undefined && v !== null;

/** T and B of a case's input, checked against the config the way `forward` will read them. */
function callShape(spec: RnnSpec, input: Tensor, field: string): CallShape {
  const s = input.shape;
  if (s.length !== 2 && s.length !== 3) {
    throw new FormatError(
      `${field} must be ${spec.batchFirst ? '[B, T, I]' : '[T, B, I]'} or [T, I], got ${formatShape(s)}`,
    );
  }
  const isUnbatched = s.length === 2;
  const T = (isUnbatched || !spec.batchFirst ? s[0] : s[1]) as number;
  const B = isUnbatched ? 1 : ((spec.batchFirst ? s[0] : s[1]) as number);
  if (s[s.length - 1] !== spec.inputSize)
    throw new FormatError(`${field} has ${s[s.length - 1]} features, config.inputSize is ${spec.inputSize}`);
  if (T < 1 || B < 1)
    throw new FormatError(`${field} needs at least one step and one batch row, got ${formatShape(s)}`);
  return { T, B, isUnbatched };
}

function checkShape(t: Tensor | null, want: readonly number[], field: string, input: Tensor): void {
  if (t !== null && !sameShape(t.shape, want)) {
    throw new FormatError(
      `${field} has shape ${formatShape(t.shape)}; the config and input ${formatShape(input.shape)} need ${formatShape(want)}`,
    );
  }
}

function parseLengths(value: unknown, call: CallShape, field: string): readonly number[] | undefined {
  if (!isGiven(value)) return undefined;
  if (!Array.isArray(value))
    throw new FormatError(
      `${field} must be an array of ${call.B} integers (one per batch row), got ${describeJson(value)}`,
    );
  if (value.length !== call.B)
    throw new FormatError(`${field} has ${value.length} entries, the input has ${call.B} batch row(s)`);
  value.forEach((L: unknown, b) => {
    if (!Number.isSafeInteger(L) || (L as number) < 0 || (L as number) > call.T) {
      throw new FormatError(
        `${field}[${b}] must be an integer in [0, ${call.T}] (the input's T), got ${describeJson(L)}`,
      );
    }
  });
  return Object.freeze([...(value as number[])]);
}

/** The expected tensors: `output` and `hN` (and `cN`) beside the input, or an `expected` block with any of them. */
function parseExpected(obj: JsonObject, at: string): Expected {
  const topLevel = EXPECTED_KEYS.filter((k) => isGiven(obj[k]));
  if (!isGiven(obj.expected)) {
    for (const k of ['output', 'hN'] as const) {
      if (!isGiven(obj[k])) {
        throw new FormatError(
          `${at}${k} is missing: a case gives output and hN (and cN for lstm), or an "expected" object with any of output, hN, cN`,
        );
      }
    }
    return {
      output: parseJsonTensor(obj.output, `${at}output`),
      hN: parseJsonTensor(obj.hN, `${at}hN`),
      cN: optionalJsonTensor(obj.cN, `${at}cN`),
    };
  }
  const block = obj.expected;
  if (!isJsonObject(block))
    throw new FormatError(`${at}expected must be an object with any of output, hN, cN, got ${describeJson(block)}`);
  if (topLevel.length > 0)
    throw new FormatError(
      `${at}expected and ${topLevel.join(', ')} are both given; give the expected values in one place`,
    );
  const unknown = Object.keys(block).filter((k) => !(EXPECTED_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new FormatError(`${at}expected.${unknown[0]} is not one of output, hN, cN`);
  if (!EXPECTED_KEYS.some((k) => isGiven(block[k])))
    throw new FormatError(`${at}expected gives none of output, hN, cN`);
  const read = (k: ExpectedKey): Tensor | null => optionalJsonTensor(block[k], `${at}expected.${k}`);
  return { output: read('output'), hN: read('hN'), cN: read('cN') };
}

function parseRun(obj: JsonObject, at: string, spec: RnnSpec): GoldenRun {
  const input = parseJsonTensor(obj.input, `${at}input`);
  const call = callShape(spec, input, `${at}input`);
  const isLstm = spec.mode === 'lstm';
  const h0 = optionalJsonTensor(obj.h0, `${at}h0`);
  const c0 = optionalJsonTensor(obj.c0, `${at}c0`);
  if (c0 !== null && !isLstm) throw new FormatError(`${at}c0 is only for lstm, the config's mode is ${spec.mode}`);
  if (c0 !== null && h0 === null) throw new FormatError(`${at}c0 is given without h0 (give both or neither)`);
  const expected = parseExpected(obj, at);
  if (expected.cN !== null && !isLstm)
    throw new FormatError(`${at}cN is only for lstm, the config's mode is ${spec.mode}`);
  const hShape = hiddenStateShape(spec, call);
  const cShape = cellStateShape(spec, call);
  checkShape(h0, hShape, `${at}h0`, input);
  checkShape(c0, cShape, `${at}c0`, input);
  const exp = isGiven(obj.expected) ? `${at}expected.` : at;
  checkShape(expected.output, outputShape(spec, call), `${exp}output`, input);
  checkShape(expected.hN, hShape, `${exp}hN`, input);
  checkShape(expected.cN, cShape, `${exp}cN`, input);
  let initial: RnnState | undefined;
  if (h0 !== null) initial = c0 !== null ? { h: h0, c: c0 } : { h: h0 };
  return { input, initial, lengths: parseLengths(obj.lengths, call, `${at}lengths`), ...expected };
}

/** `source` is a string in PyTorch cases and `{repo, path, test}` in peer cases. */
function sourceText(value: unknown, where: string): string {
  if (value === undefined || value === null) return 'unknown';
  if (typeof value === 'string') return value;
  if (isJsonObject(value)) {
    const parts = [value.repo, value.path].filter((p): p is string => typeof p === 'string');
    const test = typeof value.test === 'string' ? ` (${value.test})` : '';
    if (parts.length > 0) return parts.join('/') + test;
  }
  throw new FormatError(`${where}: source must be a string or {repo, path, test}, got ${describeJson(value)}`);
}

/**
 * Parses a golden case file's JSON and checks every field against the config: tensor shapes, `lengths`
 * (one integer in [0, T] per batch row), where the expected values are, and the parameters.
 *
 * @param json - the parsed file.
 * @param where - the file name, used in messages.
 * @returns the case, with float32 tensors.
 * @throws {@link FormatError} naming the field, what it must be and what arrived; config and parameter
 *   problems keep their {@link ConfigError} / {@link ParameterError} as `cause`.
 * @example
 * ```ts
 * const golden = parseGoldenCase(JSON.parse(readFileSync('case.json', 'utf8')), 'case.json');
 * const result = await checkGoldenCase(backend, golden);
 * ```
 */
export function parseGoldenCase(json: unknown, where: string): GoldenCase {
  if (!isJsonObject(json)) throw new FormatError(`${where}: a golden case is a JSON object, got ${describeJson(json)}`);
  const missing = ['config', 'params', 'input'].filter((k) => !isGiven(json[k]));
  if (missing.length > 0)
    throw new FormatError(
      `${where}: not a golden case: ${missing.join(', ')} missing (a case has config, params, input and expected values)`,
    );
  if (!isJsonObject(json.config))
    throw new FormatError(`${where}: config must be an object, got ${describeJson(json.config)}`);
  if (!isJsonObject(json.params))
    throw new FormatError(`${where}: params must be an object of tensors, got ${describeJson(json.params)}`);
  if (json.name !== undefined && typeof json.name !== 'string')
    throw new FormatError(`${where}: name must be a string, got ${describeJson(json.name)}`);
  let spec: RnnSpec;
  try {
    spec = defineSpec(json.config as unknown as RnnConfig);
  } catch (e) {
    if (e instanceof RnnError) throw new FormatError(`${where}: invalid config: ${e.message}`, { cause: e });
    throw e;
  }
  const params: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(json.params)) params[name] = parseJsonTensor(t, `${where}: params.${name}`);
  try {
    validateParams(spec, params);
  } catch (e) {
    if (e instanceof RnnError)
      throw new FormatError(`${where}: params do not fit the config: ${e.message}`, { cause: e });
    throw e;
  }
  const runs = [parseRun(json, `${where}: `, spec)];
  if (isGiven(json.runs)) {
    if (!Array.isArray(json.runs))
      throw new FormatError(`${where}: runs must be an array of runs, got ${describeJson(json.runs)}`);
    json.runs.forEach((r: unknown, i) => {
      if (!isJsonObject(r)) throw new FormatError(`${where}: runs[${i}] must be an object, got ${describeJson(r)}`);
      runs.push(parseRun(r, `${where}: runs[${i}].`, spec));
    });
  }
  return {
    name: typeof json.name === 'string' ? json.name : where,
    source: sourceText(json.source, where),
    spec,
    params: Object.freeze(params),
    runs,
  };
}
