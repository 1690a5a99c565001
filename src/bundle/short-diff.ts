/**
 * A short, human-sized diff for `render --check`: enough to see what drifted, not a patch.
 * The changed region is everything between the longest common prefix and suffix of lines, which
 * is exact for the usual case (one edit) and still names the right lines for several edits.
 */

/** How many unchanged lines to show around the change. */
const CONTEXT = 2;

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

/**
 * Returns a unified-style excerpt ("- old", "+ new", "  context" lines under an "@@ line N @@"
 * header) of how `before` became `after`, cut to `maxLines` lines; for binary content, a one-line
 * size summary.
 */
export function shortDiff(before: Uint8Array, after: Uint8Array, maxLines = 16): string[] {
  if (!isText(before) || !isText(after)) return [`binary content differs (${before.length} → ${after.length} bytes)`];
  const a = splitLines(Buffer.from(before).toString('utf8'));
  const b = splitLines(Buffer.from(after).toString('utf8'));
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const from = Math.max(0, pre - CONTEXT);
  const lines = [`@@ line ${pre + 1} @@`];
  for (const l of a.slice(from, pre)) lines.push(`  ${l}`);
  for (const l of a.slice(pre, a.length - suf)) lines.push(`- ${l}`);
  for (const l of b.slice(pre, b.length - suf)) lines.push(`+ ${l}`);
  for (const l of a.slice(a.length - suf, a.length - suf + CONTEXT)) lines.push(`  ${l}`);
  if (lines.length <= maxLines + 1) return lines;
  return [...lines.slice(0, maxLines + 1), `  … ${lines.length - 1 - maxLines} more diff lines`];
}

/** Splits on LF, keeping a visible marker for a missing final newline and for CRs. */
function splitLines(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? `${l.slice(0, -1)}⏎(CR)` : l));
  if (lines.at(-1) === '') lines.pop();
  else if (lines.length > 0) lines[lines.length - 1] += ' (no newline at end of file)';
  return lines;
}
