/**
 * Maps a JSON pointer back to a line and column in the YAML the user wrote. Like butane's
 * report correlation: when the exact node does not exist (a missing key), the deepest existing
 * ancestor is used; for an unknown key, the key itself.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import { parsePointer } from './diagnostic.js';

/** A resolved source position (1-based). */
export interface SourcePosition {
  line: number;
  column: number;
}

interface Found {
  node: Node | null;
  pair: Pair | null;
  /** True when every token of the pointer was found. */
  exact: boolean;
}

function keyOf(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k)) return String(k.value);
  return k == null ? undefined : String(k);
}

function walk(doc: Document, tokens: string[]): Found {
  let node = doc.contents as Node | null;
  let pair: Pair | null = null;
  for (const token of tokens) {
    if (isMap(node)) {
      const hit = node.items.find((p) => isPair(p) && keyOf(p) === token) as Pair | undefined;
      if (!hit) return { node, pair, exact: false };
      pair = hit;
      node = (hit.value as Node | null) ?? null;
      if (node === null) return { node: null, pair, exact: token === tokens[tokens.length - 1] };
    } else if (isSeq(node)) {
      const item = node.items[Number(token)] as Node | undefined;
      if (!/^\d+$/.test(token) || item === undefined) return { node, pair, exact: false };
      pair = null;
      node = item;
    } else {
      return { node, pair, exact: false };
    }
  }
  return { node, pair, exact: true };
}

/**
 * Returns the position of the node at `pointer`: the key when `atKey` is set (unknown keys),
 * the value otherwise, or the nearest existing parent when the node is missing.
 */
export function locatePointer(
  doc: Document,
  lineCounter: LineCounter,
  pointer: string,
  atKey = false,
): SourcePosition | undefined {
  const found = walk(doc, parsePointer(pointer));
  let offset: number | undefined;
  const keyNode = found.pair?.key as Node | undefined;
  // A block (mapping or list) value is shown at its key, where people look for it; a missing
  // key's finding lands on the deepest existing parent, which is also shown at its key.
  const atBlock = (isMap(found.node) || isSeq(found.node)) && keyNode?.range !== undefined;
  if ((atKey || atBlock || !found.exact) && keyNode?.range) offset = keyNode.range[0];
  else if (found.node?.range) offset = found.node.range[0];
  else if (keyNode?.range) offset = keyNode.range[0];
  if (offset === undefined) {
    const root = doc.contents as Node | null;
    offset = root?.range?.[0];
  }
  if (offset === undefined) return undefined;
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}
