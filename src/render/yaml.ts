/**
 * The one YAML serializer for everything vmonboard emits. js-yaml with forceQuotes quotes every
 * string scalar, so PyYAML (YAML 1.1, what cloud-init uses) can never read `yes`, `0640`, `1_000`
 * or `0x_1F` as anything but a string, and `=` is never left bare (architecture guide §4).
 *
 * js-yaml escapes a double-quoted scalar one character at a time, concatenating as it goes; for
 * long values (a whole gzipped bootstrap in base64, a certificate) that dominated fleet renders.
 * So long string values whose characters need at most the four simple escapes are written by
 * escapeDoubleQuoted below instead: js-yaml still lays out the document, around a short slot
 * token that is then replaced. The result is byte for byte what js-yaml writes
 * (test/render/yaml-fast-path.test.ts compares both on generated strings).
 */
import jsYaml from 'js-yaml';

/** Options of every dump: forced double quotes, no line folding, no anchors, insertion order. */
const DUMP_OPTIONS: jsYaml.DumpOptions = {
  forceQuotes: true,
  quotingType: '"',
  lineWidth: -1,
  noRefs: true,
  noCompatMode: false,
  sortKeys: false,
};

/** Strings shorter than this go through js-yaml as they are: the slot bookkeeping would cost more. */
const SLOT_MIN_LENGTH = 256;

/**
 * Characters js-yaml writes in a double-quoted scalar as themselves, plus tab, line feed, `"` and
 * `\`, which it writes as `\t`, `\n`, `\"` and `\\`: js-yaml's isPrintable() over the Basic
 * Multilingual Plane without U+2028, U+2029, U+FEFF and the ESCAPE_SEQUENCES entries 0x85 and
 * 0xA0 (lib/dumper.js). Anything else (other control characters, surrogate pairs) takes the
 * js-yaml path.
 */
const SIMPLE = /^[\t\n\x20-\x7E\xA1-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]*$/;
const SIMPLE_ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '"': '\\"', '\\': '\\\\' };

/** The body of js-yaml's double-quoted scalar for a string that matches SIMPLE. */
function escapeDoubleQuoted(s: string): string {
  return s.replace(/[\t\n"\\]/g, (c) => SIMPLE_ESCAPES[c]!);
}

/**
 * Slot tokens: printable private-use characters around a number, so js-yaml writes a token
 * verbatim as `"<token>"`. A document whose own text contains the token prefix is dumped the
 * plain way (the count check below).
 */
const SLOT_MARK = '\uE000vmonboard\uE000';
const SLOT_RE = /"\uE000vmonboard\uE000(\d+)\uE000"/g;

/** Serializes a value as YAML (no header). Keys keep insertion order: callers build objects in the order they want. */
export function dumpYaml(value: unknown): string {
  const slots: string[] = [];
  const text = jsYaml.dump(value, {
    ...DUMP_OPTIONS,
    replacer: (_key, v) => (typeof v === 'string' && v.length >= SLOT_MIN_LENGTH && SIMPLE.test(v) ? `${SLOT_MARK}${slots.push(v) - 1}\uE000` : v),
  });
  if (slots.length === 0) return text;
  const found = text.split(SLOT_MARK).length - 1;
  if (found !== slots.length) return jsYaml.dump(value, DUMP_OPTIONS);
  return text.replace(SLOT_RE, (_m, n: string) => `"${escapeDoubleQuoted(slots[Number(n)]!)}"`);
}
