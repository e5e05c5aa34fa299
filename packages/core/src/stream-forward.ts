import type { RnnModel } from './backend.js';
import { BackendDisposedError } from './errors.js';
import { swapLeadingAxes } from './layout.js';
import type { RnnStream, StreamOptions } from './stream.js';
import { openStream } from './stream-base.js';
import { checkStreamOptions, checkStreamSpec } from './stream-checks.js';
import { HostStreamState } from './stream-host-state.js';
import { type Tensor, tensor } from './tensor.js';

/**
 * A stream for any model, built on its `forward`: each chunk is one forward call from the carried
 * state, and the state is kept on the host between calls (float64, so any backend's state is kept
 * exactly). Correct everywhere; a backend that can keep the state on its device implements its own
 * engine instead, since here every chunk uploads the state and reads it back.
 *
 * @param model - the model to stream; its `forward` must accept the carried state.
 * @param options - batch, start state, memory limit.
 * @param isModelDisposed - says when the model is gone, so host-only calls (readState, reset) refuse
 *   too; without it the stream learns it from the first forward that throws BackendDisposedError.
 * @returns the stream.
 * @throws {@link UnsupportedError} for a bidirectional spec.
 * @throws {@link ShapeError} on a bad batch size or initial state.
 * @example
 * ```ts
 * stream(options?: StreamOptions): Promise<RnnStream> {
 *   return forwardStream(this, options, () => this.weights === null);
 * }
 * ```
 */
export function forwardStream(
  model: RnnModel,
  options: StreamOptions = {},
  isModelDisposed?: () => boolean,
): Promise<RnnStream> {
  try {
    const spec = model.spec;
    checkStreamSpec(spec);
    const B = checkStreamOptions(spec, options);
    const state = new HostStreamState(spec, B, 'float64', options.initial ?? null);
    let isGone = false;
    const owner = { spec, isModelDisposed: () => isGone || (isModelDisposed?.() ?? false) };
    const stream = openStream(owner, B, options.maxBytes, {
      async step(x, call): Promise<Tensor> {
        if (call.reset) state.resetRows(call.reset);
        const { k } = call;
        const I = spec.inputSize;
        // forward reads the spec's layout; the stream speaks time-major.
        const input = spec.batchFirst ? tensor(swapLeadingAxes(x.data, k, B, I), [B, k, I]) : x;
        let r;
        try {
          r = await model.forward(input, state.view(), call.lengths ? { lengths: call.lengths } : {});
        } catch (e) {
          if (!(e instanceof BackendDisposedError)) throw e;
          isGone = true;
          throw new BackendDisposedError("stream.step: the stream's model was disposed", { cause: e });
        }
        state.store(r.state);
        const F = r.output.shape[2] as number;
        return spec.batchFirst ? tensor(swapLeadingAxes(r.output.data, B, k, F), [k, B, F]) : r.output;
      },
      readState: () => Promise.resolve(state.snapshot()),
      reset(initial): Promise<void> {
        state.load(initial);
        return Promise.resolve();
      },
      dispose: () => Promise.resolve(),
    });
    return Promise.resolve(stream);
  } catch (e) {
    return Promise.reject(e as Error);
  }
}
