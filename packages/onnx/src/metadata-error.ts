import { FormatError } from '@deeprnn/core';

/**
 * A model's `deeprnn.config` metadata disagrees with its graph. `field` names the config option
 * (`linearBeforeReset`, `activations`, `clip`, `batchFirst`, ...), or `graph` when the graph differs
 * from what deeprnn writes for that config in a way no single option explains.
 */
export class MetadataMismatchError extends FormatError {
  /** The config option that disagrees. */
  readonly field: string;

  constructor(field: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.field = field;
  }
}
