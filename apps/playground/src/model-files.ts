import { FormatError, type RnnParams, type RnnSpec } from '@deeprnn/core';
import {
  type LanguageModel,
  MAX_JSON_BYTES,
  checkModelSideFiles,
  encodeModel,
  modelFromSafetensors,
  rnnParamsOf,
} from '@deeprnn/lm';
import { loadTfjsLayers } from '@deeprnn/keras';
import { exportOnnx, importOnnx } from '@deeprnn/onnx';
import { download } from './dom.js';

/** What the page holds after loading files: a whole language model, or an RNN alone (from .onnx). */
export type LoadedModel =
  | { readonly kind: 'lm'; readonly model: LanguageModel; readonly source: string }
  | { readonly kind: 'rnn'; readonly spec: RnnSpec; readonly params: RnnParams; readonly source: string };

function extension(name: string): string {
  return name.slice(name.lastIndexOf('.')).toLowerCase();
}

/** A dropped JSON file as text, refused before reading when it is larger than a config could be. */
async function sideFile(file: File): Promise<{ name: string; text: string }> {
  if (file.size > MAX_JSON_BYTES)
    throw new FormatError(`${file.name} is ${file.size} bytes, over the JSON file limit of ${MAX_JSON_BYTES} bytes`);
  return { name: file.name, text: await file.text() };
}

/**
 * Reads dropped or picked files: a `model.safetensors` (its metadata holds the config and vocabulary),
 * checked by @deeprnn/lm as the CLI checks it (vocabulary of distinct single characters after `<unk>`,
 * head shape, finite weights); a dropped `*config.json` or `*vocab.json` is optional and must agree with
 * the weights (the same check as `deeprnn generate`). Or an `.onnx` file (the RNN without the
 * language-model head, as `deeprnn export` writes it).
 *
 * @throws {@link FormatError} with one line saying what was expected when no file is usable or a file
 *   is damaged.
 */
export async function loadFiles(files: readonly File[]): Promise<LoadedModel> {
  const weights = files.find((f) => extension(f.name) === '.safetensors');
  const onnx = files.find((f) => extension(f.name) === '.onnx');
  const json = files.filter((f) => extension(f.name) === '.json');
  const vocab = json.find((f) => f.name.toLowerCase().endsWith('vocab.json'));
  const config = json.find((f) => f !== vocab);
  if (weights) {
    const model = modelFromSafetensors(new Uint8Array(await weights.arrayBuffer()), weights.name);
    checkModelSideFiles(
      model,
      { ...(config ? { config: await sideFile(config) } : {}), ...(vocab ? { vocab: await sideFile(vocab) } : {}) },
      weights.name,
    );
    return { kind: 'lm', model, source: weights.name };
  }
  if (onnx) {
    const { spec, params } = importOnnx(new Uint8Array(await onnx.arrayBuffer()));
    return { kind: 'rnn', spec, params, source: onnx.name };
  }
  // A tfjs-layers model: model.json and the weight shards it names (what tensorflowjs_converter and
  // tfjs's model.save write). Its recurrent stack runs here; what surrounds it is named in the source.
  if (files.some((f) => extension(f.name) === '.bin') || json.some((f) => f.name.toLowerCase() === 'model.json')) {
    const k = await loadTfjsLayers(files);
    const around = [k.embedding ? 'Embedding' : null, k.head.length > 0 ? `Dense x${k.head.length}` : null].filter(
      (x) => x !== null,
    );
    const layers = `${k.layerNames.join(', ')}${around.length > 0 ? `; around it: ${around.join(', ')}` : ''}`;
    return { kind: 'rnn', spec: k.spec, params: k.params, source: `model.json (tfjs-layers: ${layers})` };
  }
  const names = files.map((f) => f.name).join(', ') || 'nothing';
  throw new FormatError(
    `expected a .safetensors model (with its config.json), an .onnx file, or a tfjs-layers model.json with its .bin shards, got ${names}`,
  );
}

/** Downloads `model.safetensors` and `config.json` (and `vocab.json`), as `deeprnn train` saves them. */
export function downloadSafetensors(model: LanguageModel, stem: string): void {
  const files = encodeModel(model);
  download(`${stem}.safetensors`, files.weights);
  download(`${stem}.config.json`, files.config, 'application/json');
  download(`${stem}.vocab.json`, files.vocab, 'application/json');
}

/** Downloads the RNN of `model` as ONNX (the head stays in the .safetensors). */
export function downloadOnnx(model: LanguageModel, stem: string): void {
  download(`${stem}.onnx`, exportOnnx(model.spec, rnnParamsOf(model.params)));
}

/** One line describing a spec: `rnn_tanh, 3 layers × 256 hidden, input 28`. */
export function describeSpec(spec: RnnSpec): string {
  return `${spec.mode}, ${spec.numLayers} layer${spec.numLayers > 1 ? 's' : ''} × ${spec.hiddenSize} hidden, input ${spec.inputSize}`;
}
