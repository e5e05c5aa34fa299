import { BackendInitError } from '@deeprnn/core';
import { type EngineContext, type EngineStarter, type StartedEngine, isSkip } from './engine.js';
import { startCpu, startWasm } from './engine-builtin.js';
import type { EngineName } from './engine-name.js';
import { startTfjsNode, startTfjsNodeGpu } from './engine-node.js';
import { startWebgl } from './engine-webgl.js';
import { startWebgpu } from './engine-webgpu.js';

/** One engine that was tried and skipped: a line a user can act on, and the failure behind it. */
export interface EngineNotice {
  /** The engine that was skipped. */
  readonly engine: EngineName;
  /** E.g. `tfjs-node: @tensorflow/tfjs-node is not installed (npm install @tensorflow/tfjs-node; ...)`. */
  readonly message: string;
  /** The failure behind the skip, when there was one. */
  readonly cause?: unknown;
}

/** The engine that runs, and why the ones before it in the order were skipped. */
export interface EngineSelection {
  /** The engine that runs: the first in the order that started. */
  readonly started: StartedEngine;
  /** The engines tried before it and skipped, in order. */
  readonly notices: readonly EngineNotice[];
}

/** How each engine is started. */
export const ENGINE_STARTERS: Readonly<Record<EngineName, EngineStarter>> = Object.freeze({
  'tfjs-node-gpu': startTfjsNodeGpu,
  'tfjs-node': startTfjsNode,
  webgpu: startWebgpu,
  webgl: startWebgl,
  wasm: startWasm,
  cpu: startCpu,
});

/**
 * Starts the first engine of `order` that works, recording why each earlier one was skipped.
 *
 * @param order - engines to try, best first.
 * @param ctx - module loader, tfjs control and policy.
 * @param starters - how to start each engine (tests inject fakes).
 * @returns the started engine and the notices of the skipped ones.
 * @throws {@link @deeprnn/core!BackendInitError | BackendInitError} when no engine starts; every reason is in the
 *   message and the failures are in `cause` (an AggregateError).
 */
export async function selectEngine(
  order: readonly EngineName[],
  ctx: EngineContext,
  starters: Readonly<Record<EngineName, EngineStarter>> = ENGINE_STARTERS,
): Promise<EngineSelection> {
  const notices: EngineNotice[] = [];
  for (const engine of order) {
    let result: Awaited<ReturnType<EngineStarter>>;
    try {
      result = await starters[engine](ctx);
    } catch (cause) {
      // A starter should return a skip, but a native crash in an optional engine must not stop the search.
      result = { skipped: `${engine}: failed to start`, cause };
    }
    if (!isSkip(result)) return { started: result, notices };
    const notice: EngineNotice =
      result.cause === undefined
        ? { engine, message: prefixed(engine, result.skipped) }
        : { engine, message: prefixed(engine, result.skipped), cause: result.cause };
    notices.push(notice);
  }
  const causes = notices.map((n) => n.cause ?? new Error(n.message));
  throw new BackendInitError(
    `tfjs: no engine could start (tried ${order.join(', ')}): ${notices.map((n) => n.message).join('; ')}`,
    { cause: new AggregateError(causes, 'tfjs engine failures') },
  );
}

function prefixed(engine: EngineName, message: string): string {
  return message.startsWith(`${engine}:`) || message.startsWith(`${engine} (`) ? message : `${engine}: ${message}`;
}
