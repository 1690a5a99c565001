/**
 * A cheap line scan for block collections too large to be a spec, run before the YAML parser
 * (issue 15 §5). The parser is linear now (load.ts), but parsing a megabyte still takes seconds on
 * a busy machine, and no spec mapping legitimately has more than a few hundred keys (the schema's
 * widest, labels and resource attributes, allow 64). So a block mapping with more than
 * LIMITS.maxMappingKeys keys, or a block sequence with more than LIMITS.maxListItems items, is
 * refused here in milliseconds, located at the first entry past the limit. The parse-time checks
 * stay authoritative; this scan only refuses what they would refuse after a long parse.
 *
 * It reads indentation only: a line `key:` or `- ...` at indent i continues the collection at i
 * unless a line less indented came in between. Block-scalar contents are more indented than their
 * key, so they count as a child collection (free-form strings are capped at 4,096 characters by
 * the schema, far below either limit). Flow collections are left to the parser.
 */
import { LIMITS } from './limits.js';

/** A collection past its limit: what, and where (1-based). */
export interface CollectionTooLarge {
  what: 'mapping' | 'list';
  limit: number;
  line: number;
  column: number;
}

/** A block mapping key at the start of `rest`: plain or quoted, then `:` and a space or the end. */
const KEY = /^(?:"[^"\n]*"|'[^'\n]*'|[^\s#'"{[\]},&*!|>%@`?:-][^\n]*?|[?:-][^\s\n][^\n]*?) *:(?: |$)/;
/** Sequence-entry indicators at the start of `rest` ("- ", "- - "). */
const DASHES = /^(?:- +)+|^-$/;

/** Scans `text`; returns the first block collection past its limit, or undefined. */
export function findOversizeCollection(text: string, limits: { keys: number; items: number } = { keys: LIMITS.maxMappingKeys, items: LIMITS.maxListItems }): CollectionTooLarge | undefined {
  // Open collections by kind, as (indent, entries) from outer to inner.
  const maps: Array<[number, number]> = [];
  const seqs: Array<[number, number]> = [];
  const closeDeeper = (stack: Array<[number, number]>, indent: number): void => {
    while (stack.length > 0 && stack[stack.length - 1]![0] > indent) stack.pop();
  };
  const bump = (stack: Array<[number, number]>, indent: number): number => {
    const top = stack[stack.length - 1];
    if (top && top[0] === indent) return ++top[1];
    stack.push([indent, 1]);
    return 1;
  };
  let lineNo = 0;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.slice(start, end);
    start = end + 1;
    let col = line.length - line.trimStart().length;
    let rest = line.slice(col);
    if (rest === '' || rest.startsWith('#')) continue;
    closeDeeper(maps, col);
    closeDeeper(seqs, col);
    const dashes = DASHES.exec(rest);
    if (dashes) {
      // Each "- " is an item of a sequence at its column; what follows starts a new node.
      for (const m of dashes[0].matchAll(/- */g)) {
        closeDeeper(maps, col);
        if (bump(seqs, col) > limits.items) return { what: 'list', limit: limits.items, line: lineNo, column: col + 1 };
        col += m[0].length;
      }
      rest = line.slice(col);
      if (!KEY.test(rest)) continue;
      maps.push([col, 0]);
    } else {
      if (!KEY.test(rest)) continue;
      // A key ends a compact sequence written at its own indentation (`key:\n- a\nnext:`).
      while (seqs.length > 0 && seqs[seqs.length - 1]![0] >= col) seqs.pop();
    }
    if (bump(maps, col) > limits.keys) return { what: 'mapping', limit: limits.keys, line: lineNo, column: col + 1 };
  }
  return undefined;
}
