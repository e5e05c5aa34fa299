/** Value names around one exported layer. All sequences are time-major. */
export interface LayerInputs {
  /** Layer input [T, B, F]. */
  readonly x: string;
  /** This layer's rows of h0, [D, B, Hout], or null for zeros. */
  readonly h0: string | null;
  /** This layer's rows of c0 (LSTM), [D, B, H], or null for zeros. */
  readonly c0: string | null;
  /** sequence_lens (int32 [B]) or null when every sequence has T steps. */
  readonly lens: string | null;
}

/** Value names a layer produces. */
export interface LayerOutputs {
  /** Layer output [T, B, D*Hout]. */
  readonly y: string;
  /** Final hidden state [D, B, Hout]. */
  readonly h: string;
  /** Final cell state [D, B, H] (LSTM) or null. */
  readonly c: string | null;
}
