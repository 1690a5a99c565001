/** Prints a validation report in the chosen format and decides the exit code. */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { isFatal } from '../diagnostics/diagnostic.js';
import { formatReportJson, formatReportText } from '../diagnostics/printer.js';
import type { CliIO } from './io.js';

/** Output format of reports. */
export type ReportFormat = 'text' | 'json';

/**
 * Prints diagnostics (JSON to stdout as data, text to stderr for people) and returns true
 * when they are fatal under the strictness given.
 */
export function printReport(io: CliIO, diagnostics: Diagnostic[], sources: Map<string, string>, opts: { format: ReportFormat; strict: boolean; quietOk?: boolean; color?: boolean | undefined; skippedRules?: readonly string[] }): boolean {
  const fatal = isFatal(diagnostics, opts.strict);
  if (opts.format === 'json') {
    io.stdout.write(formatReportJson(diagnostics, !fatal, opts.skippedRules));
  } else if (diagnostics.length > 0 || !opts.quietOk) {
    io.stderr.write(formatReportText(diagnostics, sources, { color: opts.color ?? io.color ?? false, skippedRules: opts.skippedRules ?? [] }));
  }
  return fatal;
}
