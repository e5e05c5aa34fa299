import protoPackage from 'onnx-proto';
import type { onnx as OnnxNamespace } from 'onnx-proto';

/**
 * The ONNX protobuf classes (onnx.proto compiled by protobufjs, from the maintained `onnx-proto`
 * package). This file is the only place that touches the package, which is CommonJS.
 */
export const onnx: typeof OnnxNamespace = protoPackage.onnx;

/** A decoded ONNX model. */
export type ModelProto = OnnxNamespace.ModelProto;
/** A decoded ONNX graph. */
export type GraphProto = OnnxNamespace.IGraphProto;
/** A decoded ONNX node. */
export type NodeProto = OnnxNamespace.INodeProto;
/** A decoded ONNX attribute. */
export type AttributeProto = OnnxNamespace.IAttributeProto;
/** A decoded ONNX tensor. */
export type TensorProto = OnnxNamespace.ITensorProto;
/** A decoded ONNX value info (graph input or output). */
export type ValueInfoProto = OnnxNamespace.IValueInfoProto;

/** TensorProto.DataType values used here. */
export const DataType = {
  FLOAT: 1,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  DOUBLE: 11,
} as const;

/** AttributeProto.AttributeType values used here. */
export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

/** An int64 as protobufjs returns it: a number, or a `Long` when the `long` package is present. */
export type Int64 =
  | number
  | {
      /** The low 32 bits. */
      readonly low: number;
      /** The high 32 bits, sign included for a signed value. */
      readonly high: number;
      /** Whether the value is read as unsigned. */
      readonly unsigned: boolean;
      /** The value as a number (inexact past 2^53). */
      toNumber(): number;
    };

/** The int64 as a number, or null when it is not a safe integer (so a hostile file cannot sneak 2^63 past a check). */
export function int64ToNumber(v: Int64 | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : v.toNumber();
  return Number.isSafeInteger(n) ? n : null;
}
