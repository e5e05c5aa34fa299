import { FormatError, UnsupportedError } from '@deeprnn/core';

/** A Keras layer as its config describes it: class, name and the raw `config` object. */
export interface LayerConfig {
  /** The Keras class, e.g. `LSTM`, `Dense`, `Bidirectional`. */
  readonly className: string;
  /** The layer's name; its weights are stored under `<name>/...`. */
  readonly name: string;
  /** The layer's `config` object as the file gives it, unchecked. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** True for a plain JSON object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The error for a Keras feature deeprnn cannot represent: it names the layer and the field. */
export function refuse(layer: LayerConfig, field: string, why: string): never {
  throw new UnsupportedError(`keras: layer '${layer.name}' (${layer.className}) field '${field}': ${why}`);
}

/** The error for a file that is not what Keras writes. */
export function malformed(message: string): never {
  throw new FormatError(`keras: ${message}`);
}

/** A field that must be a boolean; absent or null gives `fallback`. */
export function boolField(layer: LayerConfig, field: string, fallback: boolean): boolean {
  const v = layer.config[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean')
    malformed(`layer '${layer.name}' field '${field}' must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

/** A field that must be a positive integer. */
export function intField(layer: LayerConfig, field: string): number {
  const v = layer.config[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    malformed(`layer '${layer.name}' field '${field}' must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** A field that must be a number; absent or null gives `fallback`. */
export function numberField(layer: LayerConfig, field: string, fallback: number): number {
  const v = layer.config[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number')
    malformed(`layer '${layer.name}' field '${field}' must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * An activation field as a name: Keras writes a string (`"tanh"`), Keras 3 may write
 * `{"class_name": "function", "config": "tanh"}`, tfjs may write camelCase (`hardSigmoid`).
 */
export function activationField(layer: LayerConfig, field: string, fallback: string): string {
  let v = layer.config[field];
  if (v === undefined || v === null) return fallback;
  if (isRecord(v) && typeof v.config === 'string') v = v.config;
  if (typeof v !== 'string')
    refuse(layer, field, `activation ${JSON.stringify(v)} is not a built-in Keras activation name`);
  return v.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Wraps a raw `{class_name, config}` object as a {@link LayerConfig}. */
export function layerConfig(raw: unknown, where: string): LayerConfig {
  if (!isRecord(raw) || typeof raw.class_name !== 'string' || !isRecord(raw.config)) {
    malformed(`${where} must be {class_name, config}, got ${JSON.stringify(raw)?.slice(0, 200)}`);
  }
  const name =
    typeof raw.config.name === 'string' ? raw.config.name : typeof raw.name === 'string' ? raw.name : raw.class_name;
  return { className: raw.class_name, name, config: raw.config };
}
