import { ConfigError, FormatError, type RnnConfig, type RnnSpec, defineSpec, specToConfig } from '@deeprnn/core';

/** metadata_props key holding the deeprnn config as JSON. */
export const CONFIG_KEY = 'deeprnn.config';
/** metadata_props key naming the lowering ('node' or 'loop'). */
export const LOWERING_KEY = 'deeprnn.lowering';

/** The metadata_props entries an export writes. */
export function metadataEntries(spec: RnnSpec, lowering: string): { key: string; value: string }[] {
  return [
    { key: CONFIG_KEY, value: JSON.stringify(specToConfig(spec)) },
    { key: LOWERING_KEY, value: lowering },
  ];
}

/**
 * The spec stored in a model's metadata, or null when there is none.
 *
 * @throws {@link FormatError} when the entry exists but is not a valid config (cause: the
 *   {@link ConfigError} or JSON error).
 */
export function specFromMetadata(
  props: readonly { key?: string | null; value?: string | null }[] | null | undefined,
): RnnSpec | null {
  const entry = (props ?? []).find((p) => p.key === CONFIG_KEY);
  if (entry === undefined) return null;
  try {
    return defineSpec(JSON.parse(entry.value ?? '') as RnnConfig);
  } catch (e) {
    const why = e instanceof ConfigError || e instanceof SyntaxError ? e.message : 'not a config';
    throw new FormatError(`metadata_props '${CONFIG_KEY}' is not a valid deeprnn config: ${why}`, { cause: e });
  }
}

/** The lowering named in a model's metadata, or null. */
export function loweringFromMetadata(
  props: readonly { key?: string | null; value?: string | null }[] | null | undefined,
): string | null {
  return (props ?? []).find((p) => p.key === LOWERING_KEY)?.value ?? null;
}
