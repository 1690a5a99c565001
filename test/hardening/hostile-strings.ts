/**
 * Hostile strings for the property tests: every character class that has a meaning in some output
 * vmonboard writes (shell, YAML 1.1, JSON, HCL, systemd, Markdown, Mermaid, the collector's `${env:}`
 * expansion), unicode that trips readers (astral, RTL overrides, zero-width, line separators),
 * control characters, and canaries that create a file if any shell ever runs them.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll } from 'vitest';

/**
 * The directory canaries touch. One per test process: a canary that ran leaves `pwned` here.
 * Letters and digits only after the prefix, so a canary also fits into a URL path.
 */
export const CANARY_DIR = mkdtempSync(join(tmpdir(), 'vmonboard-canary-'));
// Removed after the importing test file: a canary that ran has failed its property by then.
// (vitest registers a hook called while a test file's imports load on that file.)
afterAll(() => rmSync(CANARY_DIR, { recursive: true, force: true }));

/** The file a canary creates when some shell executes it. */
export const CANARY_FILE = join(CANARY_DIR, 'pwned');

/** Returns the names of files canaries created (must stay empty). */
export function canaryHits(): string[] {
  return readdirSync(CANARY_DIR);
}

/** Canaries for free text: each runs `touch` if spliced unquoted into a shell, a here-document, or a double-quoted word. */
export const TEXT_CANARIES: readonly string[] = [
  `$(touch ${CANARY_FILE})`,
  `\`touch ${CANARY_FILE}\``,
  `';touch ${CANARY_FILE};'`,
  `";touch ${CANARY_FILE};"`,
  `\ntouch ${CANARY_FILE}\n`,
  `'$(touch ${CANARY_FILE})'`,
  `"$(touch ${CANARY_FILE})"`,
  `\\'$(touch ${CANARY_FILE})`,
  `|touch ${CANARY_FILE}`,
  `&& touch ${CANARY_FILE} #`,
];

/** Canaries made only of characters an RFC 3986 URL path or query may hold (no space, backtick or brace). */
export const URL_CANARIES: readonly string[] = [
  `$(touch$IFS${CANARY_FILE})`,
  `';touch$IFS${CANARY_FILE};'`,
  `;touch$IFS${CANARY_FILE};`,
  `&touch$IFS${CANARY_FILE}&`,
  `'$(touch$IFS${CANARY_FILE})'`,
];

/** Fragments with a meaning in at least one output context. */
export const HOSTILE_TOKENS: readonly string[] = [
  // shell
  "'", '"', '\\', '$', '`', '$(', ')', '${', '}', '$HOME', '${HOME}', '$((1+1))', '!', '!!', ';', '&', '|', '<', '>', '*', '?', '~', '#', '\\\n',
  // systemd specifiers and expansion
  '%', '%n', '%i', '%%', '%{', '$$',
  // YAML indicators and YAML 1.1 scalars
  ': ', ' #', '- ', '---', '...', '&a', '*a', '!tag', '!!python/object', '|', '>', '{', '}', '[', ']', ',', '? ', '@', '%YAML', '<<', '=',
  'yes', 'no', 'on', 'off', 'y', 'n', '~', 'null', '0640', '1_000', '0x_1F', '1e3', '.inf', '.nan', '2024-01-01', '12:30:00', '-1',
  // JSON, HCL, Go templates, the collector's expansion
  '\\"', '\\u0000', '${env:HOME}', '${file("/etc/passwd")}', '%{ if true }', '{{ .Values }}', '{{', '}}', '$${', '$$(',
  // Markdown and Mermaid
  '# ', '## ', '**', '_x_', '[a](b)', '![i](j)', '<script>', '<!--', '-->', '```', '~~~', '|---|', '#quot;', '1. ', '===', '&amp;',
  // whitespace and line breaks every reader treats differently
  '\n', '\r', '\r\n', '\t', ' ', '  ', '\u000b', '\u000c',
  // unicode: accents, CJK, astral, RTL, zero-width, BOM, private use, replacement character
  'é', 'naïve', '漢字', '😀', '𝔘', '\u{10FFFD}', '\u202e', '\u200f', '\u200b', '\u200d', '\ufeff', '\u00a0', '\ufffd', '\ufdd0',
  // C0 control characters (NUL and the refused characters are planted on purpose by the spec builder)
  '\u0001', '\u0007', '\u0008', '\u001b', '\u001f',
  // look-alikes of the slot tokens src/render/yaml.ts splices long strings through
  '\uE000vmonboard\uE000', '\uE000vmonboard\uE0000\uE000', '"\uE000vmonboard\uE0001\uE000"',
];

/**
 * Characters a spec may not hold, each refused with its diagnostic (src/spec/load.ts): NUL, and
 * what YAML readers drop or fold (DEL, C1 controls with NEL, U+2028, U+2029, U+FFFE, U+FFFF). The
 * spec builder plants one in a share of the cases; elsewhere they are kept out, so most cases render.
 */
export const REFUSED_CHARACTERS: Readonly<Record<string, string>> = {
  '\u0000': 'INPUT_NUL_CHARACTER',
  '\u007f': 'INPUT_CONTROL_CHARACTER',
  '\u0085': 'INPUT_CONTROL_CHARACTER',
  '\u009b': 'INPUT_CONTROL_CHARACTER',
  '\u2028': 'INPUT_CONTROL_CHARACTER',
  '\u2029': 'INPUT_CONTROL_CHARACTER',
  '\ufffe': 'INPUT_CONTROL_CHARACTER',
  '\uffff': 'INPUT_CONTROL_CHARACTER',
};

const REFUSED = /[\u0000\u007f-\u009f\u2028\u2029\ufffe\uffff]/g;

/** Any string of well-formed code points, refused characters removed (they are planted separately, so they can be counted). */
const anyText = fc.string({ unit: fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 })), maxLength: 6 }).map((s) => s.replace(REFUSED, ''));

const part = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...HOSTILE_TOKENS) }, { weight: 2, arbitrary: fc.constantFrom(...TEXT_CANARIES) }, { weight: 3, arbitrary: anyText });

/** A hostile string: a few tokens, canaries and random text glued together; short enough for any free-form field. */
export const hostileString: fc.Arbitrary<string> = fc.array(part, { minLength: 0, maxLength: 8 }).map((parts) => parts.join(''));

/**
 * A hostile string for fields that take long text (descriptions, label and attribute values,
 * probe paths and commands, file paths: 1024 characters and up): one in five is long, past the
 * 256 characters where the YAML serializer switches to its fast path (src/render/yaml.ts).
 */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.array(part, { minLength: 20, maxLength: 35 }).map((parts) => parts.join('').slice(0, 1000)) },
);

/** A non-empty hostile string. */
export const hostileNonEmpty: fc.Arbitrary<string> = hostileString.filter((s) => s.length > 0);

/** Characters RFC 3986 allows in a path segment or query besides letters and digits (ajv-formats' `uri`). */
const URL_CHARS = ["'", '$', '(', ')', ';', '&', '=', '+', ',', '!', '*', ':', '@', '~', '.', '-', '_', '%24', '%27', '%0A', '%00', '%25', '%7B%7D', '/'];

/** A URL path (after the first `/`) and optional query made of shell- and YAML-significant URL characters and canaries. */
export const hostileUrlTail: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.oneof(fc.constantFrom(...URL_CHARS), fc.constantFrom(...URL_CANARIES), fc.stringMatching(/^[a-z0-9]{1,6}$/)), { maxLength: 6 }),
    fc.option(fc.array(fc.oneof(fc.constantFrom(...URL_CHARS, '?'), fc.constantFrom(...URL_CANARIES), fc.stringMatching(/^[a-z0-9]{1,6}$/)), { maxLength: 5 }), { nil: undefined }),
  )
  .map(([path, query]) => `${path.join('')}${query ? `?${query.join('')}` : ''}`);
