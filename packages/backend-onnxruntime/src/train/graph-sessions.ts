import { BackendInitError } from '@deeprnn/core';
import type { InferenceSession } from '#ort';

/** Makes an ORT session from a serialized graph (the backend's factory with its provider's options). */
export type GraphSessionFactory = (bytes: Uint8Array) => Promise<InferenceSession>;

/**
 * Sessions of training graphs, one per shape key (T, B and the optional inputs), built on first use
 * and kept: a training graph is unrolled over T, so a run whose batches change shape builds a few.
 * The least recently used beyond `limit` is released, which bounds what a run with many sequence
 * lengths holds.
 */
export class GraphSessions {
  private readonly sessions = new Map<string, Promise<InferenceSession>>();

  constructor(
    private readonly create: GraphSessionFactory,
    private readonly what: string,
    private readonly limit = 4,
  ) {}

  /** The session for `key`, building the graph with `build` the first time. */
  get(key: string, build: () => Uint8Array): Promise<InferenceSession> {
    let s = this.sessions.get(key);
    if (s !== undefined) {
      // Move to the back: Map iteration order is the eviction order.
      this.sessions.delete(key);
      this.sessions.set(key, s);
      return s;
    }
    s = this.make(build);
    this.sessions.set(key, s);
    s.catch(() => this.sessions.delete(key));
    while (this.sessions.size > this.limit) {
      const [oldest, session] = this.sessions.entries().next().value as [string, Promise<InferenceSession>];
      this.sessions.delete(oldest);
      void session.then(
        (x) => x.release(),
        () => undefined,
      );
    }
    return s;
  }

  private async make(build: () => Uint8Array): Promise<InferenceSession> {
    const bytes = build();
    try {
      return await this.create(bytes);
    } catch (e) {
      throw new BackendInitError(`onnxruntime: could not create a session for the ${this.what} graph`, { cause: e });
    }
  }

  /** Releases every session. */
  async release(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(
      all.map((s) =>
        s.then(
          (x) => x.release(),
          () => undefined,
        ),
      ),
    );
  }
}
