/**
 * The bundle scanner: runs on every render, after all translators, and refuses to let secret
 * material reach a bundle file (and so user data, Git or an archive). A finding is an error
 * located at the spec pointer the file came from.
 */
import { gunzipSync } from 'node:zlib';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Bundle } from '../bundle/bundle.js';
import { SECRET_PATTERNS } from './secret-patterns.js';
import { TextMemo } from '../text-memo.js';
import { isGzip } from '../bundle/gzip.js';
import { decodeGzipBase64 } from '../bundle/gzip-base64.js';

/** One secret found in one file. */
export interface SecretFinding {
  path: string;
  pattern: string;
  what: string;
  /** 1-based line in the file. */
  line: number;
}

/**
 * Each pattern compiled once: a non-global copy answers "anywhere in this text?" (a fast literal
 * search; almost no bundle file holds a secret) and only then the global one lists the matches.
 */
const COMPILED = SECRET_PATTERNS.map((p) => {
  const flags = p.regex.flags.replace(/[gy]/g, '');
  return { p, any: new RegExp(p.regex.source, flags), all: new RegExp(p.regex.source, `${flags}g`) };
});

/**
 * The texts inside a `#cloud-config` that cloud-init decodes (the write_files items our
 * cloud-config.ts gzips), each with the line of its `content:` key: the scanner judges what
 * cloud-init will write, not only the base64 around it.
 */
export function encodedTexts(text: string): Array<{ line: number; text: string }> {
  if (!text.startsWith('#cloud-config\n') || !text.includes('encoding: "gz+b64"')) return [];
  const out: Array<{ line: number; text: string }> = [];
  for (const m of text.matchAll(/encoding: "gz\+b64"\n *content: "([A-Za-z0-9+/=]*)"/g)) {
    let decoded: string;
    try {
      decoded = decodeGzipBase64(m[1]!);
    } catch {
      continue; // not gzip: cloud-init would fail on it too, and there is no text to judge
    }
    out.push({ line: lineAt(text, m.index) + 1, text: decoded });
  }
  return out;
}

/** The 1-based line of offset `index` in `text` (counted in place: no copy of the text before it). */
function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** A finding without its path: what scanning one text says, whatever file holds it. */
export type TextFinding = Omit<SecretFinding, 'path'>;

/**
 * Scans texts, each distinct text once (TextMemo): a fleet repeats the same texts (units,
 * certificates) thousands of times, and a cloud-config's gzipped bootstrap decodes to the
 * bootstrap.sh beside it.
 */
export class TextScanner {
  private readonly memo = new TextMemo<TextFinding[]>();

  /** Findings of `text`; inside a `#cloud-config`, gzipped write_files content is scanned too, reported at its `content:` line. */
  scan(text: string): TextFinding[] {
    const hidden = encodedTexts(text).flatMap((e) => this.plain(e.text).map((f) => ({ ...f, line: e.line })));
    const own = this.plain(text);
    return hidden.length === 0 ? own : [...own, ...hidden];
  }

  /**
   * Records what scanPlain gives for `text`, found another way (a family's template, which judged
   * the text by its parts and slots: template-scan.ts), so scanning it does not read it again.
   */
  prime(text: string, findings: TextFinding[]): void {
    this.memo.get(text, () => findings);
  }

  /** Findings of the text itself (no decoding), memoized. */
  private plain(text: string): TextFinding[] {
    return this.memo.get(text, (t) => scanPlain(t));
  }
}

/**
 * Scans text for secret patterns; returns one finding per pattern and line. Inside a
 * `#cloud-config`, gzipped write_files content is scanned too, reported at its `content:` line.
 */
export function scanText(path: string, text: string): SecretFinding[] {
  return new TextScanner().scan(text).map((f) => ({ path, pattern: f.pattern, what: f.what, line: f.line }));
}

/**
 * Every pattern over a text (no decoding); with `may`, only the patterns it marks (parallel to
 * SECRET_PATTERNS): the others are known not to match (template-scan.ts).
 */
export function scanPlain(text: string, may?: readonly boolean[]): TextFinding[] {
  const out: TextFinding[] = [];
  for (let i = 0; i < COMPILED.length; i++) {
    const { p, any, all } = COMPILED[i]!;
    if ((may && !may[i]) || !any.test(text)) continue;
    for (const m of text.matchAll(all)) {
      const line = lineAt(text, m.index);
      out.push({ pattern: p.id, what: p.what, line });
    }
  }
  return out;
}

/**
 * Scans every text file of a bundle, in path order; binary content (archives, gzip) is decoded as
 * UTF-8 best effort, gzip by its decompressed text. `known` holds findings already made for some byte contents (a parallel build
 * scans in its workers); those are not scanned again.
 */
export function scanBundle(bundle: Bundle, known?: ReadonlyMap<Uint8Array, readonly TextFinding[]>): SecretFinding[] {
  const out: SecretFinding[] = [];
  const scanner = new TextScanner();
  for (const [path, f] of bundle) {
    const found = (typeof f.content === 'string' ? undefined : known?.get(f.content)) ?? scanner.scan(scannableText(f.content));
    for (const x of found) out.push({ path, pattern: x.pattern, what: x.what, line: x.line });
  }
  return out;
}

/**
 * The text the scanner judges for one file's content: a gzip member (a payload stored compressed
 * to fit its platform, fit-payload.ts) is judged by what cloud-init will decompress, other bytes
 * as UTF-8 best effort.
 */
export function scannableText(content: string | Uint8Array): string {
  if (typeof content === 'string') return content;
  if (isGzip(content)) {
    try {
      return gunzipSync(content).toString('utf8');
    } catch {
      // not a whole gzip member: judged as the bytes it is
    }
  }
  return Buffer.from(content).toString('utf8');
}

/** Where each bundle file came from in the spec: a Bundle, or a lookup over kept and written files. */
export interface SourceLookup {
  get(path: string): { source: string } | undefined;
}

/** Converts findings into error diagnostics pointing at the spec part each file came from. */
export function secretFindingsToDiagnostics(findings: SecretFinding[], bundle: SourceLookup): Array<Diagnostic & { atKey?: boolean }> {
  return findings.map((f) => ({
    severity: 'error' as const,
    code: 'BUNDLE_SECRET' as const,
    message: `refusing to write ${f.what} into ${f.path} (line ${f.line}); secrets never go into bundles or user data: reference them instead (file://, aws-ssm://, gcp-secretmanager://, azure-keyvault://)`,
    pointer: bundle.get(f.path)?.source ?? '',
  }));
}
