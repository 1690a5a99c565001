/**
 * Load: YAML text → document with positions. YAML problems (syntax, duplicate keys, several
 * documents, hostile sizes and alias bombs) become diagnostics like any other finding.
 */
import { LineCounter, parseDocument, isMap, isSeq, isScalar, visit, type Document } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { LIMITS } from './limits.js';
import { findOversizeCollection } from './prescan-collections.js';

/** A parsed YAML file, with what is needed to locate diagnostics in it. */
export interface LoadedYaml {
  /** Display name used in diagnostics (as given on the command line). */
  file: string;
  text: string;
  doc: Document;
  lineCounter: LineCounter;
  /** The plain data, or undefined when the YAML could not be read. */
  data: unknown;
}

/** DEL, the C1 controls (NEL among them), LINE and PARAGRAPH SEPARATOR, and the non-characters U+FFFE/U+FFFF. */
export const YAML_UNSAFE = /[\u007f-\u009f\u2028\u2029\ufffe\uffff]/;

function at(file: string, lc: LineCounter, offset: number): { file: string; line: number; column: number } {
  const p = lc.linePos(offset);
  return { file, line: p.line, column: p.col };
}

/**
 * Parses YAML text (YAML 1.2 core schema unless `allStrings`). Returns the document and the diagnostics of the load stage; `data` is
 * undefined whenever a load diagnostic is an error.
 */
export function loadYaml(text: string, file: string, opts: { allStrings?: boolean } = {}): { loaded: LoadedYaml; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const empty = (): { loaded: LoadedYaml; diagnostics: Diagnostic[] } => ({
    loaded: { file, text, doc: parseDocument('', { lineCounter: new LineCounter() }), lineCounter, data: undefined },
    diagnostics,
  });
  if (Buffer.byteLength(text, 'utf8') > LIMITS.maxFileBytes) {
    diagnostics.push({
      severity: 'error',
      code: 'INPUT_TOO_LARGE',
      message: `the file is larger than ${LIMITS.maxFileBytes} bytes; split the spec or remove unused parts`,
      pointer: '',
      file,
      line: 1,
      column: 1,
    });
    return empty();
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    // Count lines up to the NUL by hand: the YAML parser is never given such text.
    let line = 1;
    let col = 1;
    for (let i = 0; i < nul; i++) {
      if (text[i] === '\n') {
        line++;
        col = 1;
      } else col++;
    }
    diagnostics.push({
      severity: 'error',
      code: 'INPUT_NUL_CHARACTER',
      message: 'the file contains a NUL character, which cannot be placed safely in any output; remove it',
      pointer: '',
      file,
      line,
      column: col,
    });
    return empty();
  }
  // allStrings (the failsafe schema) is for documents whose every value is a string, like the
  // lock file: a hand-edited sha256 of digits must not turn into a number.
  const oversize = findOversizeCollection(text);
  if (oversize) {
    diagnostics.push({
      severity: 'error',
      code: 'INPUT_TOO_LARGE',
      message:
        oversize.what === 'list'
          ? `a list has more than ${oversize.limit} items; at most ${oversize.limit} are accepted`
          : `a mapping has more than ${oversize.limit} keys; no part of a spec takes that many, so remove them`,
      pointer: '',
      file,
      line: oversize.line,
      column: oversize.column,
    });
    return empty();
  }
  // uniqueKeys: false, and duplicates found by findDuplicateKeys instead: the library's own check
  // compares each new key with every earlier one of its mapping (yaml 2.x compose/util-map-includes.js,
  // `items.some(...)`), which made 60,000 keys under one mapping take 20 s (issue 15 §5).
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true, version: '1.2', ...(opts.allStrings ? { schema: 'failsafe' } : {}) });
  const errors: Array<{ code: string; message: string; pos: [number, number] }> = [...doc.errors];
  if (errors.length === 0) errors.push(...findDuplicateKeys(doc));
  if (errors.length > 0) {
    const dupes = errors.filter((e) => e.code === 'DUPLICATE_KEY');
    const multi = errors.find((e) => e.code === 'MULTIPLE_DOCS');
    const other = errors.filter((e) => e.code !== 'DUPLICATE_KEY' && e.code !== 'MULTIPLE_DOCS');
    if (other.length > 0) {
      // One syntax mistake often cascades into several parser errors; the first one is the cause.
      const e = other[0]!;
      diagnostics.push({
        severity: 'error',
        code: 'YAML_SYNTAX',
        message: `invalid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/^./, (c) => c.toLowerCase())}; fix the syntax here`,
        pointer: '',
        ...at(file, lineCounter, e.pos[0]),
      });
    } else if (multi) {
      diagnostics.push({
        severity: 'error',
        code: 'YAML_MULTIPLE_DOCUMENTS',
        message: 'the file holds more than one YAML document; a spec is exactly one document (remove the extra ---)',
        pointer: '',
        ...at(file, lineCounter, multi.pos[0]),
      });
    }
    if (other.length === 0) {
      for (const e of dupes) {
        const key = text.slice(e.pos[0], e.pos[1]).trim();
        diagnostics.push({
          severity: 'error',
          code: 'YAML_DUPLICATE_KEY',
          message: `duplicate key${key ? ` "${key}"` : ''}; YAML readers disagree on which value wins, so keep only one`,
          pointer: '',
          ...at(file, lineCounter, e.pos[0]),
        });
      }
    }
    return { loaded: { file, text, doc, lineCounter, data: undefined }, diagnostics };
  }
  // Size and character checks before converting to JS: a 100k-item list must fail fast and with a position.
  let refused: Diagnostic | undefined;
  visit(doc, (_key, node) => {
    if (isSeq(node) && node.items.length > LIMITS.maxListItems) {
      refused = {
        severity: 'error',
        code: 'INPUT_TOO_LARGE',
        message: `a list has ${node.items.length} items; at most ${LIMITS.maxListItems} are accepted`,
        pointer: '',
        ...at(file, lineCounter, node.range?.[0] ?? 0),
      };
      return visit.BREAK;
    }
    // A NUL written as an escape ("\0", "\x00", "\u0000") passes the raw-text check above but is
    // just as impossible to place: bash cannot hold it (cluster.env would be cut short) and shq
    // refuses it. Keys are scalars too, so this covers them.
    if (isScalar(node) && typeof node.value === 'string' && node.value.includes('\0')) {
      refused = {
        severity: 'error',
        code: 'INPUT_NUL_CHARACTER',
        message: 'a string contains a NUL character (written as an escape), which cannot be placed safely in any output; remove it',
        pointer: '',
        ...at(file, lineCounter, node.range?.[0] ?? 0),
      };
      return visit.BREAK;
    }
    // Characters YAML readers do not carry verbatim: Go's YAML reader (Helm values, kubectl)
    // refuses DEL, C1 controls, U+FFFE and U+FFFF, so Helm's toYaml silently renders a whole
    // labels map as nothing; and NEL, U+2028 and U+2029 are line breaks to YAML 1.1 readers, folded
    // into spaces on the way. Found by test/hardening/helm-chart.test.ts.
    const unsafe = isScalar(node) && typeof node.value === 'string' ? YAML_UNSAFE.exec(node.value) : null;
    if (unsafe) {
      const hex = unsafe[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
      refused = {
        severity: 'error',
        code: 'INPUT_CONTROL_CHARACTER',
        message: `a string contains U+${hex}, which YAML readers (Helm's among them) drop or turn into a line break; remove it`,
        pointer: '',
        ...at(file, lineCounter, (node as { range?: [number] }).range?.[0] ?? 0),
      };
      return visit.BREAK;
    }
    if (isScalar(node) && typeof node.value === 'string' && node.value.length > LIMITS.maxScalarChars) {
      refused = {
        severity: 'error',
        code: 'INPUT_TOO_LARGE',
        message: `a string has ${node.value.length} characters; at most ${LIMITS.maxScalarChars} are accepted`,
        pointer: '',
        ...at(file, lineCounter, node.range?.[0] ?? 0),
      };
      return visit.BREAK;
    }
    return undefined;
  });
  if (refused) return { loaded: { file, text, doc, lineCounter, data: undefined }, diagnostics: [refused] };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount });
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      // Point at the first alias: that is where the expansion starts.
      let first = 0;
      visit(doc, {
        Alias(_k, node) {
          first = node.range?.[0] ?? 0;
          return visit.BREAK;
        },
      });
      diagnostics.push({
        severity: 'error',
        code: 'INPUT_ALIAS_LIMIT',
        message: `the YAML expands too many aliases (more than ${LIMITS.maxAliasCount}); write the values out instead of using anchors`,
        pointer: '',
        ...at(file, lineCounter, first),
      });
      return { loaded: { file, text, doc, lineCounter, data: undefined }, diagnostics };
    }
    throw err;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const offset = (doc.contents as { range?: [number] } | null)?.range?.[0] ?? 0;
    diagnostics.push({
      severity: 'error',
      code: 'YAML_NOT_A_MAPPING',
      message: 'the document must be a mapping of keys to values (apiVersion:, kind:, ...)',
      pointer: '',
      ...at(file, lineCounter, offset),
    });
    return { loaded: { file, text, doc, lineCounter, data: undefined }, diagnostics };
  }
  return { loaded: { file, text, doc, lineCounter, data }, diagnostics };
}

/**
 * Duplicate scalar keys of every mapping, in one pass with a Set per mapping (linear where the
 * yaml library's uniqueKeys check is quadratic). Keys are equal as the library's default check has
 * them: the same scalar value (`a.value === b.value`); other keys never compare equal.
 */
function findDuplicateKeys(doc: Document): Array<{ code: 'DUPLICATE_KEY'; message: string; pos: [number, number] }> {
  const out: Array<{ code: 'DUPLICATE_KEY'; message: string; pos: [number, number] }> = [];
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map)) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const k = pair.key;
        if (!isScalar(k)) continue;
        if (seen.has(k.value)) out.push({ code: 'DUPLICATE_KEY', message: 'Map keys must be unique', pos: [k.range?.[0] ?? 0, k.range?.[1] ?? 0] });
        else seen.add(k.value);
      }
    },
  });
  return out;
}
