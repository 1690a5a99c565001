/** The shape of a cross-field rule: it reads the normalized spec and reports findings. */
import type { Diagnostic } from '../../../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../../../diagnostics/codes.js';
import { diagnosticCatalog } from '../../../diagnostics/codes.js';
import { FailedInputRead, guardView } from '../../guarded-view.js';
import type { SchemaFailures } from '../../schema-failures.js';
import type { WrittenSpec } from '../types.gen.js';

/** What a rule gets: the spec with defaults applied, and a reporter. */
export interface RuleContext {
  spec: WrittenSpec;
  report(code: DiagnosticCode, pointer: string, message: string, opts?: { hint?: string; atKey?: boolean }): void;
}

/**
 * A named cross-field rule. Contract when the schema failed elsewhere (issue 16): the rule still
 * runs, on a view of the spec where reading any value that failed the schema throws; the runner
 * then drops that rule's findings and lists it as skipped. So a rule must only read the spec
 * through `ctx.spec` (never a copy taken before), must not catch exceptions around its reads, and
 * must report only what it read: it gets no declaration to maintain.
 */
export interface Rule {
  name: string;
  check(ctx: RuleContext): void;
}

/** Findings of a rule run, and the rules that had to be skipped because their inputs failed the schema. */
export interface RuleRun {
  diagnostics: Array<Diagnostic & { atKey?: boolean }>;
  skipped: string[];
}

/**
 * Runs rules and collects their (unlocated) diagnostics, with severities from the catalog. With
 * `failures` (the schema failed), each rule reads a guarded view and is skipped, with all its
 * findings, when it reads a failed value.
 */
export function runRules(rules: readonly Rule[], spec: WrittenSpec, failures?: SchemaFailures): RuleRun {
  const out: Array<Diagnostic & { atKey?: boolean }> = [];
  const skipped: string[] = [];
  let view: WrittenSpec;
  try {
    view = failures ? guardView(spec, failures) : spec;
  } catch (e) {
    if (e instanceof FailedInputRead) return { diagnostics: [], skipped: rules.map((r) => r.name) };
    throw e;
  }
  for (const r of rules) {
    const mine: Array<Diagnostic & { atKey?: boolean }> = [];
    const ctx: RuleContext = {
      spec: view,
      report(code, pointer, message, opts) {
        mine.push({
          severity: diagnosticCatalog[code].severity,
          code,
          message,
          pointer,
          ...(opts?.hint ? { hint: opts.hint } : {}),
          ...(opts?.atKey ? { atKey: true } : {}),
        });
      },
    };
    try {
      r.check(ctx);
    } catch (e) {
      if (!(failures && e instanceof FailedInputRead)) throw e;
      skipped.push(r.name);
      continue;
    }
    out.push(...mine);
  }
  return { diagnostics: out, skipped };
}
