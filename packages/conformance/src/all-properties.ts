import { agreement } from './properties/agreement.js';
import { badInput } from './properties/bad-input.js';
import { batchIndependence } from './properties/batch-independence.js';
import { bidirectional } from './properties/bidirectional.js';
import { capabilities } from './properties/capabilities.js';
import { determinism } from './properties/determinism.js';
import { deviceStream } from './properties/device-stream.js';
import { deviceStreamRows } from './properties/device-stream-rows.js';
import { dispose } from './properties/dispose.js';
import { gradients } from './properties/gradients.js';
import { lengths } from './properties/lengths.js';
import { nonFinite } from './properties/non-finite.js';
import { onnxRoundTrip } from './properties/onnx-round-trip.js';
import { streaming } from './properties/streaming.js';
import { tiedLayers } from './properties/tied-layers.js';
import { trainer } from './properties/trainer.js';
import type { ConformanceProperty } from './property.js';

/** Every conformance property, in the order of {@link PROPERTY_NAMES}. */
export const PROPERTIES: readonly ConformanceProperty[] = Object.freeze([
  agreement,
  nonFinite,
  streaming,
  deviceStream,
  deviceStreamRows,
  batchIndependence,
  bidirectional,
  lengths,
  tiedLayers,
  onnxRoundTrip,
  determinism,
  badInput,
  dispose,
  capabilities,
  gradients,
  trainer,
]);
