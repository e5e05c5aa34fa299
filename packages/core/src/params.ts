import { type RnnSpec, directionCount, gateCount, layerInputSize, outputSize, storedLayerCount } from './config.js';
import { ParameterError } from './errors.js';
import { SeededRandom } from './rng.js';
import { bytesPerElement, checkBytes } from './size-limit.js';
import { type DType, type Tensor, firstNonFinite, formatShape, sameShape, sizeOf, tensor } from './tensor.js';

/** Parameters by PyTorch `state_dict` name (`weight_ih_l0`, `bias_hh_l1_reverse`, ...). */
export type RnnParams = Readonly<Record<string, Tensor>>;

/** What a parameter is: `weight` or `bias`. */
export type ParamKind = 'weight' | 'bias';

/**
 * Which product a parameter feeds: `ih` input-to-hidden, `hh` hidden-to-hidden, `hr` LSTM projection,
 * `ph` LSTM peepholes (deeprnn's name, PyTorch has none).
 */
export type ParamSource = 'ih' | 'hh' | 'hr' | 'ph';

/** One entry of a spec's parameter layout. */
export interface ParamSlot {
  /** The PyTorch `state_dict` key, e.g. `weight_ih_l0` (see {@link paramKey}). */
  readonly name: string;
  /** Weight or bias. */
  readonly kind: ParamKind;
  /** Which product it feeds. */
  readonly source: ParamSource;
  /** Stored layer index (tied stacks store layers 0 and 1 only). */
  readonly layer: number;
  /** True for the reverse direction (`_reverse` suffix). */
  readonly reverse: boolean;
  /** Its tensor shape, e.g. `[G*H, I_l]` for `weight_ih` (G gates, I_l the layer's input features). */
  readonly shape: readonly number[];
}

/**
 * The state_dict key of one parameter, the only place that spells it.
 *
 * @example
 * ```ts
 * paramKey('bias', 'hh', 2, true); // 'bias_hh_l2_reverse'
 * ```
 */
export function paramKey(kind: ParamKind, source: ParamSource, layer: number, reverse: boolean): string {
  return `${kind}_${source}_l${layer}${reverse ? '_reverse' : ''}`;
}

/**
 * Every parameter a spec has, in PyTorch's `state_dict` order: per layer, forward then reverse;
 * `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`, `weight_hr`, then deeprnn's `weight_ph`.
 *
 * Shapes: `weight_ih` [G*H, I_l], `weight_hh` [G*H, Hout], biases [G*H], `weight_hr` [Hout, H],
 * `weight_ph` [3*H] (rows P_i, P_f, P_o, applied to c_{t-1}, c_{t-1} and c_t).
 */
export function paramLayout(spec: RnnSpec): readonly ParamSlot[] {
  const G = gateCount(spec.mode);
  const H = spec.hiddenSize;
  const Hout = outputSize(spec);
  const slots: ParamSlot[] = [];
  for (let layer = 0; layer < storedLayerCount(spec); layer++) {
    for (let d = 0; d < directionCount(spec); d++) {
      const reverse = d === 1;
      const add = (kind: ParamKind, source: ParamSource, shape: number[]): void => {
        slots.push({ name: paramKey(kind, source, layer, reverse), kind, source, layer, reverse, shape });
      };
      add('weight', 'ih', [G * H, layerInputSize(spec, layer)]);
      add('weight', 'hh', [G * H, Hout]);
      if (spec.bias) {
        add('bias', 'ih', [G * H]);
        add('bias', 'hh', [G * H]);
      }
      if (spec.projSize > 0) add('weight', 'hr', [Hout, H]);
      if (spec.peepholes) add('weight', 'ph', [3 * H]);
    }
  }
  return slots;
}

/** Total number of scalar parameters of a spec. */
export function parameterCount(spec: RnnSpec): number {
  return paramLayout(spec).reduce((n, s) => n + sizeOf(s.shape), 0);
}

/** Options for {@link validateParams}. */
export interface ValidateParamsOptions {
  /** Also reject NaN and infinities (costs one pass over the weights). Default true. */
  readonly checkFinite?: boolean;
}

/**
 * Checks a parameter map against a spec's layout.
 *
 * @throws {@link ParameterError} listing every missing, extra and mis-shaped tensor, or the first
 *   non-finite value.
 */
export function validateParams(spec: RnnSpec, params: RnnParams, options: ValidateParamsOptions = {}): void {
  if (typeof params !== 'object' || params === null) {
    throw new ParameterError(`params must be an object of tensors by name, got ${String(params)}`);
  }
  const layout = paramLayout(spec);
  const problems: string[] = [];
  const expected = new Set(layout.map((s) => s.name));
  for (const slot of layout) {
    const t = params[slot.name];
    if (t === undefined) {
      problems.push(`missing ${slot.name} ${formatShape(slot.shape)}`);
    } else if (!isTensorLike(t)) {
      problems.push(`${slot.name} is not a tensor`);
    } else if (!sameShape(t.shape, slot.shape)) {
      problems.push(`${slot.name} has shape ${formatShape(t.shape)}, expected ${formatShape(slot.shape)}`);
    } else if (t.data.length !== sizeOf(slot.shape)) {
      problems.push(`${slot.name} holds ${t.data.length} values for shape ${formatShape(t.shape)}`);
    }
  }
  for (const name of Object.keys(params)) {
    if (!expected.has(name)) problems.push(`unexpected ${name}`);
  }
  if (problems.length > 0) {
    throw new ParameterError(`params do not match the ${spec.mode} spec: ${problems.join('; ')}`);
  }
  if (options.checkFinite ?? true) {
    for (const slot of layout) {
      const t = params[slot.name] as Tensor;
      const i = firstNonFinite(t.data);
      if (i >= 0) throw new ParameterError(`${slot.name}[${i}] is ${t.data[i]}, parameters must be finite`);
    }
  }
}

function isTensorLike(t: unknown): t is Tensor {
  if (typeof t !== 'object' || t === null) return false;
  const { shape, data } = t as { shape?: unknown; data?: unknown };
  return Array.isArray(shape) && (data instanceof Float32Array || data instanceof Float64Array);
}

/** Options for {@link initParams}. */
export interface InitParamsOptions {
  /** Seed of the generator; the same seed gives the same weights everywhere. Default 0. */
  readonly seed?: number;
  /** Element type of the parameters. Default float32. */
  readonly dtype?: DType;
  /** Refuse (SizeLimitError) when the parameters would take more bytes than this. Default 2 GiB. */
  readonly maxBytes?: number;
}

/** Bytes a spec's parameters take in a dtype. */
export function parameterBytes(spec: RnnSpec, dtype: DType = 'float32'): number {
  return parameterCount(spec) * bytesPerElement(dtype);
}

/**
 * PyTorch's default initialisation: every parameter uniform(-1/sqrt(H), 1/sqrt(H)), drawn in layout
 * order from a seeded generator. The total size is checked before anything is allocated.
 *
 * @throws {@link SizeLimitError} when the parameters would take more than `maxBytes` (default 2 GiB).
 *
 * @example
 * ```ts
 * const params = initParams(spec, { seed: 42 });
 * ```
 */
export function initParams(spec: RnnSpec, options: InitParamsOptions = {}): RnnParams {
  const dtype = options.dtype ?? 'float32';
  checkBytes(
    `initParams: the ${spec.mode} parameters (${parameterCount(spec)} ${dtype} values)`,
    parameterBytes(spec, dtype),
    options.maxBytes,
    'initParams(spec, { maxBytes })',
  );
  const rng = new SeededRandom(options.seed ?? 0);
  const k = 1 / Math.sqrt(spec.hiddenSize);
  const out: Record<string, Tensor> = {};
  for (const slot of paramLayout(spec)) {
    const n = sizeOf(slot.shape);
    const data = options.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = rng.uniform(-k, k);
    out[slot.name] = tensor(data, slot.shape);
  }
  return Object.freeze(out);
}

/** The parameters converted to one dtype (shared when already in it). */
export function paramsToDType(params: RnnParams, dtype: DType): RnnParams {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(params)) {
    out[name] =
      t.dtype === dtype
        ? t
        : tensor(dtype === 'float64' ? Float64Array.from(t.data) : Float32Array.from(t.data), t.shape);
  }
  return Object.freeze(out);
}
