/** What one forward call cost in GPU commands and host-device traffic. */
export interface RunStats {
  /** Compute dispatches recorded (input projections plus recurrent kernels). */
  readonly dispatches: number;
  /** Command buffers submitted to the queue (1 per forward). */
  readonly submits: number;
  /** Bytes copied back to the host (output and final states, one mapAsync). */
  readonly bytesRead: number;
  /** Bytes uploaded with `queue.writeBuffer` (input, initial state, lengths, call sizes). */
  readonly bytesWritten: number;
}
