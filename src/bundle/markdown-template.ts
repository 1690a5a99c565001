/**
 * The Handlebars environment for Markdown prose in bundles (the bundle README). Compiled with
 * `noEscape: true` (HTML escaping is wrong for Markdown), `strict: true` (a missing field is an
 * error, not an empty string) and `knownHelpersOnly`; values are interpolated only through the
 * helpers below, each escaping for the context it writes into (architecture guide §4).
 */
import Handlebars from 'handlebars';
import { readAsset } from '../assets.js';

/**
 * A CommonMark line ending: LF, CR or CR LF (spec §2.1). A lone CR ends a line too, so replacing
 * only LF would let a value open a heading, a fence or raw HTML on a line of its own.
 */
const LINE_BREAK = /\r\n?|\n/g;

/**
 * Escapes text for Markdown inline prose and table cells: no emphasis, code, links, HTML,
 * strikethrough or cell breaks. Only characters that open inline markup mid-line are escaped
 * (CommonMark §2.4 allows a backslash before any ASCII punctuation), so the raw file stays readable.
 */
export function escapeMarkdown(text: string): string {
  // Leading whitespace goes: four spaces or a tab would open an indented code block (CommonMark
  // §4.4), and a paragraph drops them anyway. All of it (\s: also VT, FF, NBSP), not just spaces
  // and tabs: renderers that are not strictly CommonMark count those as indentation too, and then
  // read a following `1. ` as a list (found by test/hardening with seed 891283449).
  const inline = text.replace(LINE_BREAK, ' ').replace(/^\s+/, '').replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
  // At the start of a line these open a heading, a list, a thematic break (`---`, `- - -`) or a
  // setext underline (CommonMark §4.1, §4.2, §4.3, §5.2). A leading + or - is always escaped: as
  // `---` shows, looking only at the next character is not enough.
  return inline
    .replace(/^(#{1,6})(?=\s|$)/, '\\$1')
    .replace(/^([+-])/, '\\$1')
    .replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2')
    .replace(/^(=+\s*)$/, '\\$1');
}

/**
 * Formats text as an inline code span: the fence is one backtick longer than the longest run
 * inside (CommonMark §6.1), so no value can close it early. In a GFM table cell (the default) `|`
 * is escaped; in prose it must not be, since a backslash is literal inside a code span. A space
 * pads the content when it starts or ends with a backtick, or starts and ends with a space (which
 * CommonMark would strip).
 */
export function codeSpan(text: string, opts: { inTable?: boolean } = {}): string {
  const oneLine = text.replace(LINE_BREAK, ' ');
  const flat = opts.inTable === false ? oneLine : oneLine.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const stripped = flat.startsWith(' ') && flat.endsWith(' ') && flat.trim() !== '';
  const pad = flat.startsWith('`') || flat.endsWith('`') || stripped ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Escapes text for a double-quoted Mermaid label (Mermaid entity codes: #quot; #lt; #gt;). */
export function escapeMermaid(text: string): string {
  return text.replace(LINE_BREAK, ' ').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

/** Quotes one shell word with single quotes when it holds anything but plainly safe characters. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const HELPERS = {
  /** Markdown-escaped prose. */
  md: (v: unknown) => escapeMarkdown(String(v)),
  /** Inline code span. */
  code: (v: unknown) => codeSpan(String(v)),
  /** Mermaid label text. */
  mmd: (v: unknown) => escapeMermaid(String(v)),
  /** A shell command line from an argv array, each word quoted as needed. */
  shcmd: (argv: unknown) => {
    if (!Array.isArray(argv)) throw new Error('shcmd needs an array of words');
    return argv.map((w) => shellWord(String(w))).join(' ');
  },
  /** A Markdown link to a relative bundle path: escaped text, percent-encoded target. */
  link: (text: unknown, href: unknown) => `[${escapeMarkdown(String(text))}](${encodeURI(String(href)).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)})`,
  /** A JSON scalar. */
  json: (v: unknown) => JSON.stringify(v),
} as const;

/** Names of the interpolation helpers templates may use. */
export const MARKDOWN_HELPERS = Object.keys(HELPERS);

const cache = new Map<string, Handlebars.TemplateDelegate>();

/** Renders templates/<relPath> with `context`; throws on a missing field or an unknown helper. */
export function renderMarkdownTemplate(relPath: string, context: object): string {
  let tpl = cache.get(relPath);
  if (!tpl) {
    const env = Handlebars.create();
    for (const [name, fn] of Object.entries(HELPERS)) env.registerHelper(name, fn);
    const knownHelpers = Object.fromEntries(Object.keys(HELPERS).map((h) => [h, true]));
    tpl = env.compile(readAsset(`templates/${relPath}`), { noEscape: true, strict: true, knownHelpers, knownHelpersOnly: true });
    cache.set(relPath, tpl);
  }
  return tpl(context);
}
