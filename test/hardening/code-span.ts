/**
 * Reads a Markdown inline code span the way CommonMark does (spec §6.1), independently of the
 * renderer's own helper: a run of N backticks opens it, the next run of exactly N closes it, line
 * endings become spaces, and one space is stripped from each side when both are there (unless
 * the content is all spaces). Tests use it to see what a reader gets from a span holding a value.
 */

/** The code span starting at `from` in `text` (which must be at a backtick): its content and where it ends. */
export function readCodeSpan(text: string, from: number): { content: string; end: number } | undefined {
  const open = /^`+/.exec(text.slice(from));
  if (!open) return undefined;
  const n = open[0].length;
  const runs = /`+/g;
  runs.lastIndex = from + n;
  for (let m = runs.exec(text); m; m = runs.exec(text)) {
    if (m[0].length !== n) continue;
    let content = text.slice(from + n, m.index).replace(/\r\n|\r|\n/g, ' ');
    if (content.length >= 2 && content.startsWith(' ') && content.endsWith(' ') && content.trim() !== '') content = content.slice(1, -1);
    return { content, end: m.index + n };
  }
  return undefined;
}
