/** The shape of a cross-field rule: it reads the normalized spec and reports findings. */
import type { Diagnostic } from '../../../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../../../diagnostics/codes.js';
import { diagnosticCatalog } from '../../../diagnostics/codes.js';
import type { WrittenSpec } from '../types.gen.js';

/** What a rule gets: the spec with defaults applied, and a reporter. */
export interface RuleContext {
  spec: WrittenSpec;
  report(code: DiagnosticCode, pointer: string, message: string, opts?: { hint?: string; atKey?: boolean }): void;
}

/** A named cross-field rule. */
export interface Rule {
  name: string;
  check(ctx: RuleContext): void;
}

/** Runs rules and collects their (unlocated) diagnostics, with severities from the catalog. */
export function runRules(rules: readonly Rule[], spec: WrittenSpec): Array<Diagnostic & { atKey?: boolean }> {
  const out: Array<Diagnostic & { atKey?: boolean }> = [];
  const ctx: RuleContext = {
    spec,
    report(code, pointer, message, opts) {
      out.push({
        severity: diagnosticCatalog[code].severity,
        code,
        message,
        pointer,
        ...(opts?.hint ? { hint: opts.hint } : {}),
        ...(opts?.atKey ? { atKey: true } : {}),
      });
    },
  };
  for (const r of rules) r.check(ctx);
  return out;
}
