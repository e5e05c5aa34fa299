import { FormatError } from '@deeprnn/core';
import type { NodeProto } from './proto.js';

/**
 * The nodes in an order where every value is produced before it is read (Kahn's algorithm), so a
 * file that is not sorted still imports and a cyclic one is rejected instead of looping.
 *
 * @param known - names available before any node runs (graph inputs, initializers, '').
 * @throws {@link FormatError} naming a node on a cycle, a value produced twice, or one never produced.
 */
export function topologicalOrder(nodes: readonly NodeProto[], known: ReadonlySet<string>): NodeProto[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.output ?? []) {
      if (o === '') continue;
      if (producer.has(o) || known.has(o))
        throw new FormatError(`import: value '${o}' is produced twice (node ${nodeLabel(n, i)})`);
      producer.set(o, i);
    }
  });
  const waiting = nodes.map(() => 0);
  const readers = new Map<number, number[]>();
  nodes.forEach((n, i) => {
    for (const input of n.input ?? []) {
      if (input === '' || known.has(input)) continue;
      const p = producer.get(input);
      if (p === undefined)
        throw new FormatError(
          `import: node ${nodeLabel(n, i)} reads '${input}', which no node, input or initializer provides`,
        );
      waiting[i] = (waiting[i] as number) + 1;
      const list = readers.get(p) ?? [];
      list.push(i);
      readers.set(p, list);
    }
  });
  // A queue read by index: `shift()` on an array moves every element, which made 800k nodes take 37 s.
  const ready = nodes.map((_, i) => i).filter((i) => waiting[i] === 0);
  const order: NodeProto[] = [];
  for (let head = 0; head < ready.length; head++) {
    const i = ready[head] as number;
    order.push(nodes[i] as NodeProto);
    for (const r of readers.get(i) ?? []) {
      waiting[r] = (waiting[r] as number) - 1;
      if (waiting[r] === 0) ready.push(r);
    }
  }
  if (order.length !== nodes.length) {
    const stuck = waiting.findIndex((w) => w > 0);
    throw new FormatError(`import: the graph has a cycle through node ${nodeLabel(nodes[stuck] as NodeProto, stuck)}`);
  }
  return order;
}

/** `'name' (OpType)` or `#index (OpType)` for messages. */
export function nodeLabel(n: NodeProto, index?: number): string {
  const name = n.name ? `'${n.name}'` : index === undefined ? '(unnamed)' : `#${index}`;
  return `${name} (${String(n.opType ?? '?')})`;
}
