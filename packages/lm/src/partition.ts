import { SeededRandom } from '@deeprnn/core';

/** How minibatches are cut from the corpus (d2l's two iterators). */
export type Partition = 'sequential' | 'random';

/** One minibatch: inputs and next-token targets, both [B, T] row-major. */
export interface Minibatch {
  /** Input token indices, [B, T] row-major. */
  readonly X: Int32Array;
  /** Target token indices, [B, T] row-major: each the token after the matching one in `X`. */
  readonly Y: Int32Array;
  /** Rows B. */
  readonly batch: number;
  /** Time steps T per row. */
  readonly steps: number;
}

/** The generator of one epoch: derived from the run's seed and the epoch, so any epoch can be replayed. */
export function epochRandom(seed: number, epoch: number): SeededRandom {
  return new SeededRandom((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0);
}

function randInt(rng: SeededRandom, lo: number, hi: number): number {
  return lo + Math.floor(rng.nextFloat() * (hi - lo + 1));
}

/**
 * d2l's `seq_data_iter_sequential`: a random offset in [0, T], the rest cut into B equal rows, and
 * minibatch i holds columns [iT, (i+1)T) of every row, so row b of minibatch i+1 continues row b of
 * minibatch i (the hidden state can be carried across).
 */
export function sequentialBatches(ids: Int32Array, batch: number, steps: number, rng: SeededRandom): Minibatch[] {
  const offset = randInt(rng, 0, steps);
  const numTokens = Math.floor((ids.length - offset - 1) / batch) * batch;
  if (numTokens <= 0) return [];
  const cols = numTokens / batch;
  const numBatches = Math.floor(cols / steps);
  const out: Minibatch[] = [];
  for (let i = 0; i < numBatches; i++) {
    const X = new Int32Array(batch * steps);
    const Y = new Int32Array(batch * steps);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < steps; t++) {
        const at = offset + b * cols + i * steps + t;
        X[b * steps + t] = ids[at]!;
        Y[b * steps + t] = ids[at + 1]!;
      }
    }
    out.push({ X, Y, batch, steps });
  }
  return out;
}

/**
 * d2l's `seq_data_iter_random`: a random offset in [0, T-1], subsequences of T tokens shuffled, B per
 * minibatch; neighbouring minibatches are unrelated (the state starts fresh each time).
 */
export function randomBatches(ids: Int32Array, batch: number, steps: number, rng: SeededRandom): Minibatch[] {
  const offset = randInt(rng, 0, steps - 1);
  const numSubseqs = Math.floor((ids.length - offset - 1) / steps);
  const starts = Array.from({ length: Math.max(0, numSubseqs) }, (_, i) => offset + i * steps);
  for (let i = starts.length - 1; i > 0; i--) {
    const j = Math.floor(rng.nextFloat() * (i + 1));
    [starts[i], starts[j]] = [starts[j]!, starts[i]!];
  }
  const numBatches = Math.floor(numSubseqs / batch);
  const out: Minibatch[] = [];
  for (let i = 0; i < numBatches; i++) {
    const X = new Int32Array(batch * steps);
    const Y = new Int32Array(batch * steps);
    for (let b = 0; b < batch; b++) {
      const s = starts[i * batch + b]!;
      for (let t = 0; t < steps; t++) {
        X[b * steps + t] = ids[s + t]!;
        Y[b * steps + t] = ids[s + t + 1]!;
      }
    }
    out.push({ X, Y, batch, steps });
  }
  return out;
}

/** The minibatches of one epoch. */
export function epochBatches(
  partition: Partition,
  ids: Int32Array,
  batch: number,
  steps: number,
  seed: number,
  epoch: number,
): Minibatch[] {
  const rng = epochRandom(seed, epoch);
  return partition === 'sequential' ? sequentialBatches(ids, batch, steps, rng) : randomBatches(ids, batch, steps, rng);
}
