/**
 * Diagnostics: every finding vmonboard reports about a spec, a lock file or a render.
 * Modelled on butane's report entries, plus a stable code and a JSON pointer (see docs/diagnostics.md).
 */
import type { DiagnosticCode } from './codes.js';
import type { Severity } from './severity.js';

/** How bad a finding is (severity.ts); re-exported so callers keep one import for a finding. */
export type { Severity };

/** One finding, located in the file it is about. */
export interface Diagnostic {
  severity: Severity;
  /** Stable code from the catalog in codes.ts; never reused for another meaning. */
  code: DiagnosticCode;
  /** Lowercase, actionable sentence: what is wrong and what to do. */
  message: string;
  /** RFC 6901 JSON pointer into the document ('' is the whole document). */
  pointer: string;
  /** The file the pointer refers to (the spec, its lock file, or a referenced file). */
  file?: string;
  /** 1-based line of the node (for a missing key: the nearest existing parent). */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** Optional suggestion, printed after the message. */
  hint?: string;
}

/** Returns true when the findings contain an error, or (strict) any warning. */
export function isFatal(diagnostics: readonly Diagnostic[], strict = false): boolean {
  return diagnostics.some((d) => d.severity === 'error' || (strict && d.severity === 'warning'));
}

/** Orders findings by file, line, column and code, so output is deterministic. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.pointer.localeCompare(b.pointer) ||
      a.code.localeCompare(b.code),
  );
}

/** Escapes one JSON pointer reference token (RFC 6901: ~ → ~0, / → ~1). */
export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Joins reference tokens into a JSON pointer. */
export function toPointer(...tokens: Array<string | number>): string {
  return tokens.map((t) => '/' + escapePointerToken(t)).join('');
}

/** Splits a JSON pointer into its unescaped reference tokens. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}
