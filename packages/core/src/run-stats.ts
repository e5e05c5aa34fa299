/**
 * What one call cost on a device: the last forward (`RnnModel.lastRunStats`) or the last trainer step
 * (`RnnTrainer.lastStepStats`), on backends that count it (the WebGPU backend does). One type for both
 * so that a bench prints them the same way.
 */
export interface RunStats {
  /** Compute dispatches recorded. */
  readonly dispatches: number;
  /** Command buffers submitted. */
  readonly submits: number;
  /** Bytes copied back to the host. */
  readonly bytesRead: number;
  /** Bytes written from the host (inputs, state, targets, uniforms). */
  readonly bytesWritten: number;
}
