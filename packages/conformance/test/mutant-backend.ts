import {
  type Backend,
  type Capabilities,
  type ForwardOptions,
  type ForwardResult,
  type GradOutput,
  type ParamGrads,
  type RnnModel,
  type RnnParams,
  type RnnSpec,
  type RnnState,
  type RnnStream,
  type StreamOptions,
  type Tensor,
  createReferenceBackend,
  forwardStream,
} from '@deeprnn/core';

/** How a test double bends the float32 reference backend. Every hook is optional. */
export interface MutantHooks {
  readonly capabilities?: Partial<Capabilities>;
  readonly unsupported?: (spec: RnnSpec) => string | null;
  /** Replaces spec and params before the inner model is created. */
  readonly prepare?: (spec: RnnSpec, params: RnnParams) => { spec: RnnSpec; params: RnnParams };
  /** Replaces createModel's check, e.g. to throw for some specs. */
  readonly beforeCreate?: (spec: RnnSpec) => void;
  /** Replaces a forward call; `inner` is the honest one. */
  readonly forward?: (
    inner: (input: Tensor, initial?: RnnState, options?: ForwardOptions) => Promise<ForwardResult>,
    input: Tensor,
    initial: RnnState | undefined,
    options: ForwardOptions,
    spec: RnnSpec,
  ) => Promise<ForwardResult>;
  readonly gradients?: (grads: ParamGrads) => ParamGrads;
  /** Replaces model.dispose; `inner` is the honest one. */
  readonly dispose?: (inner: () => Promise<void>, calls: number) => Promise<void>;
  /** Replaces `model.stream`; `inner` is the honest model. */
  readonly stream?: (inner: RnnModel, options: StreamOptions | undefined) => Promise<RnnStream>;
  /** When true, gradients is removed from models. */
  readonly dropGradients?: boolean;
  /** Gives the mutant the reference's trainer: whole, or without the `unsupportedTraining` it requires. */
  readonly trainer?: 'honest' | 'without-unsupportedTraining';
  /** Replaces the (empty) notices. */
  readonly notices?: readonly string[];
}

/** The float32 reference backend with one deliberate bug, for tests that the suite catches it. */
export function mutantBackend(name: string, hooks: MutantHooks): Backend {
  const inner = createReferenceBackend({ dtype: 'float32' });
  const capabilities: Capabilities = { ...inner.capabilities, ...hooks.capabilities };
  const backend: Backend = {
    name,
    device: inner.device,
    capabilities,
    notices: hooks.notices ?? [],
    unsupported: (spec) => (hooks.unsupported ? hooks.unsupported(spec) : inner.unsupported(spec)),
    async createModel(spec, params) {
      hooks.beforeCreate?.(spec);
      const prepared = hooks.prepare ? hooks.prepare(spec, params) : { spec, params };
      const model = await inner.createModel(prepared.spec, prepared.params);
      return wrapModel(spec, model, hooks);
    },
    dispose: () => inner.dispose(),
    [Symbol.asyncDispose]: () => inner.dispose(),
  };
  if (hooks.trainer === undefined) return backend;
  const createTrainer = inner.createTrainer.bind(inner);
  return hooks.trainer === 'honest'
    ? Object.assign(backend, { createTrainer, unsupportedTraining: inner.unsupportedTraining.bind(inner) })
    : Object.assign(backend, { createTrainer });
}

function wrapModel(spec: RnnSpec, model: RnnModel, hooks: MutantHooks): RnnModel {
  let disposeCalls = 0;
  const honestForward = (input: Tensor, initial?: RnnState, options?: ForwardOptions): Promise<ForwardResult> =>
    model.forward(input, initial, options);
  const wrapped: RnnModel = {
    spec,
    forward: (input, initial, options = {}) =>
      hooks.forward
        ? hooks.forward(honestForward, input, initial, options, spec)
        : honestForward(input, initial, options),
    dispose: () => {
      disposeCalls++;
      return hooks.dispose ? hooks.dispose(() => model.dispose(), disposeCalls) : model.dispose();
    },
    // Through forward, so a mutant forward is what the stream runs too.
    stream: (options) => (hooks.stream ? hooks.stream(wrapped, options) : forwardStream(wrapped, options)),
    [Symbol.asyncDispose]: () => wrapped.dispose(),
  };
  const gradients = model.gradients?.bind(model);
  if (gradients && !hooks.dropGradients) {
    return Object.assign(wrapped, {
      gradients: async (
        input: Tensor,
        initial: RnnState | undefined,
        grad: GradOutput,
        options?: ForwardOptions,
      ): Promise<ParamGrads> => {
        const g = await gradients(input, initial, grad, options);
        return hooks.gradients ? hooks.gradients(g) : g;
      },
    });
  }
  return wrapped;
}
