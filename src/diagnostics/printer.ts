/**
 * Renders diagnostics for people (a caret snippet, rustc/butane style) or for machines (JSON).
 * The JSON shape is documented in docs/diagnostics.md and is a stable interface.
 */
import { styleText } from 'node:util';
import type { Diagnostic } from './diagnostic.js';

/** Printer settings. */
export interface TextReportOptions {
  /** ANSI colours (the CLI decides: a terminal, NO_COLOR and FORCE_COLOR; src/cli/color.ts). */
  color?: boolean;
  /** Rules skipped because their input failed the schema (issue 16): named in the summary. */
  skippedRules?: readonly string[];
}

type Style = Parameters<typeof styleText>[0];

/** Styles text when colour is on; validateStream off because the caller already decided. */
function paint(on: boolean, style: Style, text: string): string {
  // Node 20 takes no options argument and always styles; Node >= 22.13 would otherwise check stdout.
  return on ? (styleText as (s: Style, t: string, o?: { validateStream: boolean }) => string)(style, text, { validateStream: false }) : text;
}

const SEVERITY_STYLE: Record<Diagnostic['severity'], Style> = { error: ['bold', 'red'], warning: ['bold', 'yellow'], info: ['bold', 'cyan'] };

/** The sources the printer may quote, keyed by the `file` field of a diagnostic. */
export type SourceTexts = ReadonlyMap<string, string>;

/** Formats one diagnostic as text with a snippet of the offending line and a caret under it. */
export function formatDiagnostic(d: Diagnostic, sources: SourceTexts, opts: TextReportOptions = {}): string {
  const c = opts.color ?? false;
  const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}` : '<input>';
  const lines = [`${paint(c, SEVERITY_STYLE[d.severity], `${d.severity}[${d.code}]`)}: ${d.message}`, `  ${paint(c, 'blue', '-->')} ${where}${d.pointer ? ` (${d.pointer})` : ''}`];
  const text = d.file ? sources.get(d.file) : undefined;
  if (text !== undefined && d.line) {
    const line = text.split(/\r?\n/)[d.line - 1];
    if (line !== undefined) {
      const gutter = String(d.line).length;
      const { src, col } = clipLine(line, Math.max(1, d.column ?? 1));
      // Tabs are kept so the caret stays under the right character in a terminal.
      const pad = src.slice(0, col - 1).replace(/[^\t]/g, ' ');
      const bar = paint(c, 'blue', '|');
      lines.push(`${' '.repeat(gutter)} ${bar}`);
      lines.push(`${paint(c, 'blue', String(d.line))} ${bar} ${src}`);
      lines.push(`${' '.repeat(gutter)} ${bar} ${pad}${paint(c, SEVERITY_STYLE[d.severity], '^')}`);
    }
  }
  if (d.hint) lines.push(`  ${paint(c, 'cyan', '= hint:')} ${d.hint}`);
  return lines.join('\n');
}

/** The most characters of a source line the snippet shows. */
const SNIPPET_CHARS = 120;

/**
 * The part of a long line the snippet shows: SNIPPET_CHARS characters around `col`, with `…`
 * where it was cut, and the column within that part. A minified or generated file can hold a
 * line of megabytes, which would otherwise be printed whole for each finding on it.
 */
function clipLine(line: string, col: number): { src: string; col: number } {
  if (line.length <= SNIPPET_CHARS) return { src: line, col };
  const start = Math.min(Math.max(0, col - 1 - SNIPPET_CHARS / 2), line.length - SNIPPET_CHARS);
  const end = start + SNIPPET_CHARS;
  const before = start > 0 ? '…' : '';
  return { src: `${before}${line.slice(start, end)}${end < line.length ? '…' : ''}`, col: col - start + before.length };
}

/**
 * The summary's note on rules skipped because what they read failed the schema: the report is
 * then incomplete, and the user should know that fixing the errors may reveal more.
 */
export function describeSkippedRules(skipped: readonly string[]): string {
  if (skipped.length === 0) return '';
  const n = skipped.length;
  return `; ${n} check${n === 1 ? '' : 's'} skipped because ${n === 1 ? 'its' : 'their'} input failed the schema (${skipped.join(', ')}): fix the errors and run again for ${n === 1 ? 'its' : 'their'} findings`;
}

/** Formats all diagnostics for a terminal, followed by a one-line summary. */
export function formatReportText(diagnostics: readonly Diagnostic[], sources: SourceTexts, opts: TextReportOptions = {}): string {
  const body = diagnostics.map((d) => formatDiagnostic(d, sources, opts)).join('\n\n');
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const summary = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${describeSkippedRules(opts.skippedRules ?? [])}`;
  return body ? `${body}\n\n${summary}\n` : `${summary}\n`;
}

/**
 * Formats the report as JSON (`--format json`): `{ valid, diagnostics: [...] }`, plus
 * `skippedRules` (names of the checks that could not run) only when some were skipped.
 */
export function formatReportJson(diagnostics: readonly Diagnostic[], valid: boolean, skippedRules: readonly string[] = []): string {
  const out = diagnostics.map((d) => ({
    severity: d.severity,
    code: d.code,
    message: d.message,
    pointer: d.pointer,
    file: d.file ?? null,
    line: d.line ?? null,
    column: d.column ?? null,
    hint: d.hint ?? null,
  }));
  return JSON.stringify({ valid, diagnostics: out, ...(skippedRules.length > 0 ? { skippedRules } : {}) }, null, 2) + '\n';
}
