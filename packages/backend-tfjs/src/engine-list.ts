import { ConfigError } from '@deeprnn/core';
import { ENGINE_NAMES, type EngineName, isEngineName } from './engine-name.js';

/**
 * Checks an engine list from a caller or the command line.
 *
 * @throws {@link @deeprnn/core!ConfigError | ConfigError} when it is empty or names an unknown engine.
 */
export function validateEngineList(engines: readonly unknown[]): asserts engines is readonly EngineName[] {
  if (!Array.isArray(engines) || engines.length === 0) {
    throw new ConfigError(`tfjs: engines must list at least one of ${ENGINE_NAMES.join(', ')}`);
  }
  for (const e of engines) {
    if (!isEngineName(e))
      throw new ConfigError(`tfjs: unknown engine '${String(e)}' (known: ${ENGINE_NAMES.join(', ')})`);
  }
}
