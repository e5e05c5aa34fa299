import { UnsupportedError } from '@deeprnn/core';
import { type LayerConfig, isRecord, layerConfig, malformed } from './config-fields.js';

/** A model as a chain of layers from its (first) input to its output. */
export interface LayerChain {
  /** The layers after the InputLayer, bottom first. */
  readonly layers: readonly LayerConfig[];
  /** Model inputs after the main one that feed layer `i` (initial states), by layer index. */
  readonly extraInputs: ReadonlyMap<number, readonly string[]>;
  /** Every model input name, in the model's order (one for Sequential). */
  readonly inputNames: readonly string[];
  readonly kerasVersion: string | null;
  /** The main input's `batch_input_shape` / `batch_shape` (null entries are free), when the file gives one. */
  readonly inputShape: readonly (number | null)[] | null;
}

function shapeOf(config: Readonly<Record<string, unknown>>): (number | null)[] | null {
  const s = config.batch_input_shape ?? config.batch_shape;
  return Array.isArray(s) && s.every((d) => d === null || typeof d === 'number') ? (s as (number | null)[]) : null;
}

/** The source layer names a functional node reads, in order (Keras 2 / tfjs lists and Keras 3 objects). */
function nodeSources(node: unknown, layer: string): string[] {
  if (Array.isArray(node)) {
    // Keras 2 / tfjs: [[name, nodeIndex, tensorIndex, kwargs], ...]
    return node.map((entry) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string')
        malformed(`layer '${layer}' has an inbound entry ${JSON.stringify(entry)}`);
      return entry[0] as string;
    });
  }
  if (isRecord(node)) {
    // Keras 3: {args: [tensor | [tensor...]], kwargs: {initial_state: [...], mask: ...}}
    const out: string[] = [];
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (
        isRecord(v) &&
        v.class_name === '__keras_tensor__' &&
        isRecord(v.config) &&
        Array.isArray(v.config.keras_history)
      ) {
        out.push(String(v.config.keras_history[0]));
      }
    };
    visit(node.args);
    const kwargs = isRecord(node.kwargs) ? node.kwargs : {};
    visit(kwargs.initial_state);
    return out;
  }
  return malformed(`layer '${layer}' has an inbound node ${JSON.stringify(node)}`);
}

function sequentialChain(config: unknown, version: string | null): LayerChain {
  const list = Array.isArray(config) ? config : isRecord(config) ? config.layers : undefined;
  if (!Array.isArray(list)) malformed('Sequential config has no layer list');
  const all = list.map((raw, i) => layerConfig(raw, `Sequential layer ${i}`));
  const layers = all.filter((l) => l.className !== 'InputLayer');
  const inputShape = all[0] === undefined ? null : shapeOf(all[0].config);
  return { layers, extraInputs: new Map(), inputNames: ['input'], kerasVersion: version, inputShape };
}

function functionalChain(config: Record<string, unknown>, version: string | null): LayerChain {
  const list = config.layers;
  if (!Array.isArray(list)) malformed('functional config has no layer list');
  const byName = new Map<string, { layer: LayerConfig; sources: string[] }>();
  for (const [i, raw] of list.entries()) {
    const layer = layerConfig(raw, `functional layer ${i}`);
    const name = isRecord(raw) && typeof raw.name === 'string' ? raw.name : layer.name;
    const nodes = isRecord(raw) && Array.isArray(raw.inbound_nodes) ? raw.inbound_nodes : [];
    if (nodes.length > 1) {
      throw new UnsupportedError(
        `keras: layer '${name}' (${layer.className}) field 'inbound_nodes': the layer is called ${nodes.length} times (shared layers are not a stack)`,
      );
    }
    byName.set(name, { layer: { ...layer, name }, sources: nodes.length === 0 ? [] : nodeSources(nodes[0], name) });
  }
  const outputs = config.output_layers;
  if (!Array.isArray(outputs) || outputs.length !== 1) {
    throw new UnsupportedError(
      `keras: model field 'output_layers': deeprnn imports models with one output, got ${JSON.stringify(outputs)}`,
    );
  }
  const inputsRaw = Array.isArray(config.input_layers) ? config.input_layers : [];
  const inputNames = inputsRaw.map((e) => (Array.isArray(e) ? String(e[0]) : String(e)));
  const outName = Array.isArray(outputs[0]) ? String(outputs[0][0]) : String(outputs[0]);
  const chain: LayerConfig[] = [];
  const extra: string[][] = [];
  let at = byName.get(outName);
  if (at === undefined) malformed(`output_layers names '${outName}', which is not a layer of the model`);
  const seen = new Set<string>();
  while (at !== undefined && at.layer.className !== 'InputLayer') {
    if (seen.has(at.layer.name)) malformed(`layer '${at.layer.name}' is its own input`);
    seen.add(at.layer.name);
    chain.push(at.layer);
    const [first, ...rest] = at.sources;
    extra.push(rest);
    if (first === undefined) malformed(`layer '${at.layer.name}' has no input`);
    at = byName.get(first);
    if (at === undefined) malformed(`layer '${first}' is referenced but not defined`);
  }
  chain.reverse();
  extra.reverse();
  for (const [name, { layer }] of byName) {
    if (layer.className !== 'InputLayer' && !seen.has(name)) {
      throw new UnsupportedError(
        `keras: layer '${name}' (${layer.className}) is not on the path from the input to the output (branching models are not a stack)`,
      );
    }
  }
  const extraInputs = new Map<number, readonly string[]>();
  extra.forEach((names, i) => {
    if (names.length > 0) extraInputs.set(i, names);
  });
  const mainInput = byName.get(inputNames[0] ?? '');
  const inputShape = mainInput === undefined ? null : shapeOf(mainInput.layer.config);
  return {
    layers: chain,
    extraInputs,
    inputNames: inputNames.length > 0 ? inputNames : ['input'],
    kerasVersion: version,
    inputShape,
  };
}

/**
 * Reads a Keras model config: tfjs `modelTopology` (`{class_name, config, keras_version}` or the
 * converter's `{model_config, training_config}`), a Keras 2 `model_config` attribute or a Keras 3
 * `config.json`.
 *
 * @throws {@link FormatError} when it is not a Sequential or functional model config.
 * @throws {@link UnsupportedError} for branching, multi-output or shared-layer models.
 */
export function readLayerChain(topology: unknown, kerasVersion: string | null = null): LayerChain {
  if (!isRecord(topology)) malformed('model topology must be an object');
  const model = isRecord(topology.model_config) ? topology.model_config : topology;
  const version =
    kerasVersion ??
    (typeof topology.keras_version === 'string'
      ? topology.keras_version
      : typeof model.keras_version === 'string'
        ? model.keras_version
        : null);
  const cls = model.class_name;
  if (cls === 'Sequential') return sequentialChain(model.config, version);
  if ((cls === 'Model' || cls === 'Functional') && isRecord(model.config))
    return functionalChain(model.config, version);
  return malformed(`model class ${JSON.stringify(cls)} is not Sequential, Model or Functional`);
}
