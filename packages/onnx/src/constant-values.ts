import { FormatError, UnsupportedError } from '@deeprnn/core';
import { AttributeType, type AttributeProto, type NodeProto } from './proto.js';
import { type ProtoTensor, readTensorProto } from './tensor-proto.js';

/** The value of a Constant node, read from whichever `value*` attribute it has. */
export function constantNodeValue(node: NodeProto, where: string): ProtoTensor {
  const attrs = node.attribute ?? [];
  if (attrs.length !== 1)
    throw new FormatError(`${where}: a Constant needs exactly one value attribute, it has ${attrs.length}`);
  const a = attrs[0] as AttributeProto;
  switch (a.name) {
    case 'value':
      if (!a.t) throw new FormatError(`${where}: Constant 'value' holds no tensor`);
      return readTensorProto(a.t, where);
    case 'value_float':
      return { kind: 'float', dims: [], data: Float32Array.of(a.f ?? 0) };
    case 'value_floats':
      return { kind: 'float', dims: [a.floats?.length ?? 0], data: Float32Array.from(a.floats ?? []) };
    case 'value_int':
      return { kind: 'int', dims: [], data: [attrInt(a, where)] };
    case 'value_ints':
      return { kind: 'int', dims: [a.ints?.length ?? 0], data: attrInts(a, where) };
    default:
      throw new UnsupportedError(`${where}: Constant attribute '${String(a.name)}' is not supported`);
  }
}

/** An INT attribute as a safe integer. */
export function attrInt(a: AttributeProto, where: string): number {
  const v = a.i;
  const n = v === null || v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber();
  if (!Number.isSafeInteger(n)) throw new FormatError(`${where}: attribute ${String(a.name)} is not a safe integer`);
  return n;
}

/** An INTS attribute as safe integers. */
export function attrInts(a: AttributeProto, where: string): number[] {
  return (a.ints ?? []).map((v) => {
    const n = typeof v === 'number' ? v : v.toNumber();
    if (!Number.isSafeInteger(n))
      throw new FormatError(`${where}: attribute ${String(a.name)} holds an integer out of range`);
    return n;
  });
}

/** Attribute lookup by name. */
export function findAttr(node: NodeProto, name: string): AttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

/** Reads an INT attribute or its default. */
export function intAttr(node: NodeProto, name: string, fallback: number, where: string): number {
  const a = findAttr(node, name);
  if (a === undefined) return fallback;
  if (a.type !== AttributeType.INT && a.type !== undefined && a.type !== 0)
    throw new FormatError(`${where}: attribute ${name} must be an int`);
  return attrInt(a, where);
}

/** Reads an INTS attribute, or null when absent. */
export function intsAttr(node: NodeProto, name: string, where: string): number[] | null {
  const a = findAttr(node, name);
  return a === undefined ? null : attrInts(a, where);
}

/** Reads a STRING attribute or its default. */
export function stringAttr(node: NodeProto, name: string, fallback: string): string {
  const a = findAttr(node, name);
  return a?.s ? new TextDecoder().decode(a.s) : fallback;
}

/** Reads a STRINGS attribute, or null when absent. */
export function stringsAttr(node: NodeProto, name: string): string[] | null {
  const a = findAttr(node, name);
  return a === undefined ? null : (a.strings ?? []).map((s) => new TextDecoder().decode(s));
}

/** Reads a FLOAT attribute, or null when absent. */
export function floatAttr(node: NodeProto, name: string): number | null {
  const a = findAttr(node, name);
  return a === undefined ? null : (a.f ?? 0);
}

/** Reads a FLOATS attribute, or null when absent. */
export function floatsAttr(node: NodeProto, name: string): number[] | null {
  const a = findAttr(node, name);
  return a === undefined ? null : [...(a.floats ?? [])];
}
