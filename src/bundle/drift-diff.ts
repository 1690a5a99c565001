/**
 * Readable diffs for `render --check`: a minimal line diff (the `diff` package's Myers diff,
 * the algorithm of GNU diff and git) with two lines of context, so one changed line shows as
 * one `-` and one `+`. Encoded payloads (the gzip+base64 blobs cloud-config write_files and
 * shell heredocs carry) are diffed by their decoded content, MANIFEST.json is summarised by
 * entry, and every line of the report is cut below MAX_LINE characters.
 */
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { createTwoFilesPatch, structuredPatch } from 'diff';

/** No report line is this long or longer (a base64 line would otherwise be kilobytes). */
export const MAX_LINE = 300;
/** Diff lines shown per file in the text report; --format json has them all. */
const MAX_DIFF_LINES = 60;
/** A base64 run at least this long is an encoded payload, not prose. */
const BLOB = /[A-Za-z0-9+/]{200,}={0,2}/g;

/** True when bytes look like text: valid UTF-8 and no NUL. */
export function isText(data: Uint8Array): boolean {
  if (data.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
}

/** Cuts a line to fewer than MAX_LINE characters, saying how much was cut. */
export function clipLine(line: string): string {
  if (line.length < MAX_LINE) return line;
  const note = ` … (${line.length} characters)`;
  return line.slice(0, MAX_LINE - 1 - note.length) + note;
}

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

/** Hunk lines (`@@ … @@`, `-`, `+`, ` `) of a minimal line diff, with `context` lines around changes. */
export function lineDiff(before: string, after: string, context = 2): string[] {
  const patch = structuredPatch('a', 'b', before, after, '', '', { context });
  const out: string[] = [];
  for (const h of patch.hunks) {
    out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    out.push(...h.lines);
  }
  return out;
}

/** A git-style unified diff (headers and hunks, three lines of context) for machines. */
export function unifiedDiff(path: string, before: Uint8Array | undefined, after: Uint8Array | undefined): string {
  if ((before && !isText(before)) || (after && !isText(after))) return `Binary files ${before ? `a/${path}` : '/dev/null'} and ${after ? `b/${path}` : '/dev/null'} differ\n`;
  return createTwoFilesPatch(before ? `a/${path}` : '/dev/null', after ? `b/${path}` : '/dev/null', before ? text(before) : '', after ? text(after) : '', '', '', { context: 3 })
    .split('\n')
    .filter((l) => !l.startsWith('====='))
    .join('\n');
}

/** Decodes a base64 blob, gunzipping it when it is gzip; undefined when it is not text. */
function decodeBlob(b64: string): string | undefined {
  let bytes: Buffer = Buffer.from(b64, 'base64');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      return undefined;
    }
  }
  return isText(bytes) ? bytes.toString('utf8') : undefined;
}

/** Replaces each encoded blob by a short placeholder and returns the decoded blobs in order. */
function extractBlobs(content: string): { masked: string; blobs: string[] } {
  const blobs: string[] = [];
  const masked = content.replace(BLOB, (m) => {
    const decoded = decodeBlob(m);
    if (decoded === undefined) return m;
    blobs.push(decoded);
    const sha = createHash('sha256').update(m).digest('hex').slice(0, 12);
    return `<encoded payload #${blobs.length}: ${m.length} base64 characters, sha256 ${sha}, diffed decoded below>`;
  });
  return { masked, blobs };
}

/** One MANIFEST.json: path → sha256 and mode. */
type ManifestFiles = Record<string, { sha256?: string; mode?: string }>;

function manifestFiles(content: string): ManifestFiles | undefined {
  try {
    const m = JSON.parse(content) as { files?: ManifestFiles };
    return m && typeof m.files === 'object' ? m.files : undefined;
  } catch {
    return undefined;
  }
}

/** A MANIFEST.json change as the entries that changed, not as hundreds of diff lines. */
function manifestSummary(before: string, after: string): string[] | undefined {
  const a = manifestFiles(before);
  const b = manifestFiles(after);
  if (!a || !b) return undefined;
  const out: string[] = [];
  const short = (s: string | undefined): string => (s ?? '?').slice(0, 12);
  for (const p of Object.keys(b).sort()) {
    const x = a[p];
    const y = b[p]!;
    if (!x) out.push(`entry added: ${p}`);
    else if (x.sha256 !== y.sha256 || x.mode !== y.mode) {
      const what = [x.sha256 !== y.sha256 ? `sha256 ${short(x.sha256)}… → ${short(y.sha256)}…` : '', x.mode !== y.mode ? `mode ${x.mode} → ${y.mode}` : ''].filter(Boolean).join(', ');
      out.push(`entry changed: ${p} (${what})`);
    }
  }
  for (const p of Object.keys(a).sort()) if (!b[p]) out.push(`entry removed: ${p}`);
  const rest = lineDiff(JSON.stringify({ ...JSON.parse(before), files: undefined }, null, 2), JSON.stringify({ ...JSON.parse(after), files: undefined }, null, 2));
  return [`MANIFEST.json: ${out.length} ${out.length === 1 ? 'entry differs' : 'entries differ'}`, ...out, ...rest];
}

/**
 * The readable diff of one file for people: manifest entries for MANIFEST.json, a minimal line
 * diff with encoded payloads replaced by placeholders and diffed decoded, a size line for
 * binary content. Every line is under MAX_LINE characters; long diffs are cut at MAX_DIFF_LINES.
 */
export function readableDiff(path: string, before: Uint8Array, after: Uint8Array): string[] {
  if (!isText(before) || !isText(after)) return [`binary content differs (${before.length} → ${after.length} bytes)`];
  const a = text(before);
  const b = text(after);
  let lines: string[];
  const summary = path === 'MANIFEST.json' || path.endsWith('/MANIFEST.json') ? manifestSummary(a, b) : undefined;
  if (summary) lines = summary;
  else {
    const x = extractBlobs(a);
    const y = extractBlobs(b);
    lines = lineDiff(x.masked, y.masked);
    const n = Math.max(x.blobs.length, y.blobs.length);
    for (let i = 0; i < n; i++) {
      const da = x.blobs[i] ?? '';
      const db = y.blobs[i] ?? '';
      if (da === db) continue;
      lines.push(`decoded encoded payload #${i + 1}:`, ...lineDiff(da, db));
    }
  }
  const clipped = lines.map(clipLine);
  if (clipped.length <= MAX_DIFF_LINES) return clipped;
  return [...clipped.slice(0, MAX_DIFF_LINES), `… ${clipped.length - MAX_DIFF_LINES} more lines (render --check --format json prints the whole diff)`];
}
