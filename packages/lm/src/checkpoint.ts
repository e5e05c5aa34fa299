import {
  DEFAULT_MAX_BYTES,
  FormatError,
  type RnnState,
  type Tensor,
  readSafetensors,
  tensor,
  writeSafetensors,
} from '@deeprnn/core';
import { writeFileAtomic } from './atomic-write.js';
import { readFileWithin } from './bounded-read.js';
import { checkTrainingState } from './checkpoint-checks.js';
import type { LmParams } from './lm-model.js';
import type { TrainConfig, TrainingState } from './training-state.js';

/** Metadata key under which checkpoints keep their JSON (inside the safetensors header). */
export const CHECKPOINT_KEY = 'deeprnn.lm.checkpoint';

const MOMENT = 'optim.';
const STATE_H = 'state.h';
const STATE_C = 'state.c';

function f32(t: Tensor): Tensor<'float32'> {
  return (t.dtype === 'float32' ? t : tensor(Float32Array.from(t.data), t.shape)) as Tensor<'float32'>;
}

/** The JSON half of a checkpoint: config, vocabulary, optimizer step, progress and history. */
function checkpointJson(st: TrainingState): string {
  return JSON.stringify({
    format: 'deeprnn-lm-checkpoint',
    version: 1,
    config: st.config,
    vocab: st.vocab,
    optimizerStep: st.optimizerState.step,
    progress: st.progress,
    history: st.history,
  });
}

/**
 * Writes a checkpoint atomically: `<path>` is a safetensors file holding the weights, the optimizer
 * moments and the carried state, with the JSON metadata in its header (one file, so it can never be
 * half old, half new); `<path>.json` is a readable copy of the metadata.
 */
export async function saveCheckpoint(path: string, st: TrainingState): Promise<void> {
  const tensors: Record<string, Tensor> = { ...st.params };
  for (const [name, t] of Object.entries(st.optimizerState.moments)) tensors[MOMENT + name] = t;
  if (st.carried) {
    tensors[STATE_H] = st.carried.h;
    if (st.carried.c) tensors[STATE_C] = st.carried.c;
  }
  const json = checkpointJson(st);
  await writeFileAtomic(path, writeSafetensors(tensors, { [CHECKPOINT_KEY]: json }));
  await writeFileAtomic(`${path}.json`, `${JSON.stringify(JSON.parse(json), null, 2)}\n`);
}

/** Options of the functions that read a model or checkpoint file. */
export interface ReadModelOptions {
  /** Most bytes to read from the weights file; default `DEFAULT_MAX_BYTES` of @deeprnn/core (2 GiB). */
  readonly maxBytes?: number;
  /** How the caller raises the limit, for the error; default `pass a larger maxBytes to <function>`. */
  readonly raise?: string;
}

/**
 * Reads a checkpoint written by {@link saveCheckpoint}, within a size limit.
 *
 * @throws {@link FormatError} when the file is not a deeprnn LM checkpoint; {@link SizeLimitError} when
 *   it is over `maxBytes` or not a regular file.
 */
export async function loadCheckpoint(path: string, options: ReadModelOptions = {}): Promise<TrainingState> {
  const raise = options.raise ?? 'pass a larger maxBytes to loadCheckpoint to read it';
  const bytes = await readFileWithin(path, {
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    name: 'model file limit',
    raise,
  });
  return checkpointFromBytes(bytes, path);
}

/**
 * A config as stored: checkpoints written before the rename to `gradClipNorm` hold the same value as
 * `clipTheta`; they are read as if written today, so old runs still resume bit-identically.
 */
function currentConfig(config: unknown): TrainConfig {
  if (typeof config !== 'object' || config === null || !('clipTheta' in config) || 'gradClipNorm' in config)
    return config as TrainConfig;
  const { clipTheta, ...rest } = config as Record<string, unknown>;
  return { ...rest, gradClipNorm: clipTheta } as unknown as TrainConfig;
}

/**
 * Decodes the bytes of a checkpoint file and checks every field; `path` names it in errors.
 *
 * @throws {@link FormatError} when the file is not a checkpoint or a field is wrong (the field is named).
 */
export function checkpointFromBytes(bytes: Uint8Array, path: string): TrainingState {
  const { tensors, metadata } = readSafetensors(bytes);
  const raw = metadata[CHECKPOINT_KEY];
  if (raw === undefined) throw new FormatError(`${path}: not a deeprnn LM checkpoint (no ${CHECKPOINT_KEY} metadata)`);
  let meta: Pick<TrainingState, 'config' | 'vocab' | 'progress' | 'history'> & { optimizerStep: number };
  try {
    meta = JSON.parse(raw) as typeof meta;
  } catch (e) {
    throw new FormatError(`${path}: checkpoint metadata is not JSON`, { cause: e });
  }
  if (typeof meta !== 'object' || meta === null)
    throw new FormatError(`${path}: checkpoint metadata is not a JSON object`);
  const params: Record<string, Tensor<'float32'>> = {};
  const moments: Record<string, Tensor<'float32'>> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith(MOMENT)) moments[name.slice(MOMENT.length)] = f32(t);
    else if (name !== STATE_H && name !== STATE_C) params[name] = f32(t);
  }
  const h = tensors[STATE_H];
  const c = tensors[STATE_C];
  const carried: RnnState | undefined = h ? (c ? { h, c } : { h }) : undefined;
  const state: TrainingState = {
    config: currentConfig(meta.config),
    vocab: meta.vocab,
    params: Object.freeze(params) as LmParams,
    optimizerState: { step: meta.optimizerStep, moments: Object.freeze(moments) },
    carried,
    progress: meta.progress,
    history: meta.history,
  };
  checkTrainingState(state, `checkpoint ${path}`);
  return state;
}
