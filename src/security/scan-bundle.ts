/**
 * The bundle scanner: runs on every render, after all translators, and refuses to let secret
 * material reach a bundle file (and so user data, Git or an archive). A finding is an error
 * located at the spec pointer the file came from.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Bundle } from '../bundle/bundle.js';
import { SECRET_PATTERNS } from './secret-patterns.js';

/** One secret found in one file. */
export interface SecretFinding {
  path: string;
  pattern: string;
  what: string;
  /** 1-based line in the file. */
  line: number;
}

/** Scans text for secret patterns; returns one finding per pattern and line. */
export function scanText(path: string, text: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const p of SECRET_PATTERNS) {
    const re = new RegExp(p.regex.source, p.regex.flags.includes('g') ? p.regex.flags : `${p.regex.flags}g`);
    for (const m of text.matchAll(re)) {
      const line = text.slice(0, m.index).split('\n').length;
      out.push({ path, pattern: p.id, what: p.what, line });
    }
  }
  return out;
}

/** Scans every text file of a bundle; binary content (archives, gzip) is decoded as UTF-8 best effort. */
export function scanBundle(bundle: Bundle): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const [path, f] of bundle) {
    const text = typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('utf8');
    out.push(...scanText(path, text));
  }
  return out;
}

/** Converts findings into error diagnostics pointing at the spec part each file came from. */
export function secretFindingsToDiagnostics(findings: SecretFinding[], bundle: Bundle): Array<Diagnostic & { atKey?: boolean }> {
  return findings.map((f) => ({
    severity: 'error' as const,
    code: 'BUNDLE_SECRET' as const,
    message: `refusing to write ${f.what} into ${f.path} (line ${f.line}); secrets never go into bundles or user data: reference them instead (file://, aws-ssm://, gcp-secretmanager://, azure-keyvault://)`,
    pointer: bundle.get(f.path)?.source ?? '',
  }));
}
