/**
 * The spec's data read by js-yaml, when that is certain to be the data the yaml library gives
 * (load.ts), and undefined whenever it is not (issue 19).
 *
 * Why: the yaml library builds a document with every node's position, which a spec needs only to
 * locate a finding. For the bench's 1,000-workload spec (700 KB) that parse took 650–830 ms of a
 * cold render's 920 ms of validation, on the main thread before any VM renders; js-yaml reads the
 * same text in 25–100 ms. A large spec (FAST_READ_MIN_CHARS) with nothing to report is never
 * parsed by the yaml library now; one with findings is parsed by it once, to locate them
 * (validate-spec.ts), and gets the positions it always got.
 *
 * Why the data is the same. YAML 1.2's core schema is what load.ts asks of the yaml library
 * (version 1.2). js-yaml is given a schema that resolves plain scalars with that schema's own tags,
 * taken from the yaml library (plainTagOf), so a plain scalar becomes the same null, boolean,
 * number or string; quoted and block scalars are strings in both.
 * What the two libraries may read differently is refused, and the spec goes to the yaml library:
 * - text with tags, anchors or aliases, directives, merge keys, explicit keys, collections as
 *   keys, tabs, carriage returns, a byte-order mark, NUL or the characters load.ts refuses
 *   (YAML_UNSAFE), and the few constructs the two read differently (REFUSED_TEXT);
 * - a mapping key that is not a string in the core schema (`1:`, `null:`, `true:`, quoted or not):
 *   the two libraries turn such keys into property names differently; and `__proto__`;
 * - anything js-yaml reports (an error or a warning), a document that is not a mapping, and every
 *   limit load.ts checks (size, collection sizes, scalar lengths, escaped NULs and unsafe
 *   characters), so that its diagnostics, with their positions, still come from load.ts.
 * test/spec/fast-load.test.ts compares the two on every spec the tests use and on generated and
 * mutated documents: wherever this returns data, it is the yaml library's data, and the yaml
 * library reported nothing.
 *
 * Written here rather than taken from a library: it is the contract between two YAML readers we
 * already use, and no package states it.
 */
import { createRequire } from 'node:module';
import { Document, isScalar, type ScalarTag } from 'yaml';
import { LIMITS } from './limits.js';
import { findOversizeCollection } from './prescan-collections.js';
import { YAML_UNSAFE } from './load.js';

/**
 * What sends the text to the yaml library, found anywhere in it (in a quoted string or a comment
 * too: refusing more than needed only costs time):
 * - a tag, anchor or alias indicator at the start of a word (`a=1&b=2` in a URL is not one), an
 *   explicit key's `?` followed by a space or the end of a line (a URL's `?x=1` is not one), a
 *   directive (`%` starting a line), a merge key (`<<`);
 * - a flow collection as a key: before a colon (`[a]: b`), or as an entry of a flow mapping,
 *   where it needs none (`{a, [b]}`: any `[` or `{` right after a `{` or `,`);
 * - tabs, carriage returns, NUL and byte-order marks.
 * And what the test's mutated documents found js-yaml (4.3.2) to read where the yaml library
 * reads otherwise or refuses:
 * - a sequence entry with nothing but a comment after its `-` (js-yaml reads `- - ` followed by
 *   `- x` one level off);
 * - a `#` right after a quote, bracket, brace, comma or colon (a comment to js-yaml only);
 * - a line of nothing but spaces (a block scalar's leading empty line indented more than its
 *   text is an error to the yaml library only);
 * - anything after `---` on its line (`--- a: b` is an error to the yaml library only), and `...`.
 */
const REFUSED_TEXT = /(?:^|[\s[{,])[!&*]|\?(?:[ \n]|$)|^%|<<|[\]}] *:|(?:^|\s)- *(?:#.*)?$|[{,](?:\s|#[^\n]*)*[[{]|[\]}"',[{:]#|^ +$|^---(?!\n|$)|^\.\.\.|[\t\r\0\ufeff]/m;

/**
 * The tags the yaml library tries on a plain scalar, in its order: those of its YAML 1.2 schema
 * (the core schema, made here as load.ts's parseDocument makes it) marked default that have a
 * test: null, bool, the three ints and the three floats. Taken from the library rather than
 * copied, so that both readers resolve a plain scalar with the same code at whatever version is
 * installed (yaml 2.9.1 dist/compose/compose-scalar.js findScalarTagByTest; no core tag is marked
 * for keys only).
 */
let plainTags: ScalarTag[] | undefined;

/** The core tag a plain scalar resolves to, or undefined for a string. */
function plainTagOf(s: string): ScalarTag | undefined {
  plainTags ??= new Document(null, { version: '1.2' }).schema.tags.filter((t): t is ScalarTag => t.default === true && 'test' in t && t.test instanceof RegExp);
  return plainTags.find((t) => t.test!.test(s));
}

/** The value the yaml library gives a plain scalar of that tag (compose-scalar.js composeScalar, then toJS). */
function resolvePlain(s: string): unknown {
  const res = plainTagOf(s)!.resolve(
    s,
    (message) => {
      // No core tag reports one; a report would be an error to load.ts, so the yaml library must read the spec.
      throw new Error(message);
    },
    { intAsBigInt: false },
  );
  return isScalar(res) ? res.value : res;
}

/**
 * js-yaml, and the schema it reads a spec with, made the first time a spec is large enough to
 * need them (FAST_READ_MIN_CHARS): loading js-yaml costs 15 ms, which a small spec's `validate` has
 * no reason to pay. Required rather than imported, since validation is synchronous.
 */
let reader: { load: (text: string) => unknown } | undefined;

function jsYamlReader(): { load: (text: string) => unknown } {
  if (reader) return reader;
  const jsYaml = createRequire(import.meta.url)('js-yaml') as typeof import('js-yaml');
  // js-yaml keeps one implicit type per tag name; one type stands for every core tag.
  const schema = new jsYaml.Schema({
    implicit: [new jsYaml.Type('tag:vmonboard,2026:yaml-core-plain', { kind: 'scalar', resolve: (s: string) => plainTagOf(s) !== undefined, construct: resolvePlain })],
    explicit: [
      // The failsafe tags js-yaml needs for its collections and strings; a tag in the text is refused before parsing.
      new jsYaml.Type('tag:yaml.org,2002:str', { kind: 'scalar', construct: (s: string | null) => s ?? '' }),
      new jsYaml.Type('tag:yaml.org,2002:seq', { kind: 'sequence', construct: (s: unknown[] | null) => s ?? [] }),
      new jsYaml.Type('tag:yaml.org,2002:map', { kind: 'mapping', construct: (m: Record<string, unknown> | null) => m ?? {} }),
    ],
  });
  const onWarning = (): never => {
    throw new Error('warning');
  };
  return (reader = { load: (text) => jsYaml.load(text, { schema, onWarning }) });
}

/** Whether every key and string under `value` is one load.ts accepts and both libraries read alike. */
function acceptable(value: unknown): boolean {
  if (typeof value === 'string') return value.length <= LIMITS.maxScalarChars && !value.includes('\0') && !YAML_UNSAFE.test(value);
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.length <= LIMITS.maxListItems && value.every(acceptable);
  for (const key of Object.keys(value)) {
    if (key === '__proto__' || plainTagOf(key) !== undefined || !acceptable(key)) return false;
    if (!acceptable((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * The smallest spec validation reads with js-yaml (validate-spec.ts), in characters: about 60
 * workloads. Below it the yaml library's parse takes a few milliseconds, less than loading
 * js-yaml, and a spec with findings (the quickstart has two warnings) would be parsed by both:
 * `validate` of the quickstart took 381 ms instead of 349 ms with every spec read fast.
 */
export const FAST_READ_MIN_CHARS = 64 * 1024;

/**
 * The spec's data as load.ts (the yaml library, YAML 1.2 core) would give it with no diagnostic,
 * or undefined when that is not certain: then load.ts must read it.
 */
export function fastSpecData(text: string): Record<string, unknown> | undefined {
  if (Buffer.byteLength(text, 'utf8') > LIMITS.maxFileBytes) return undefined;
  if (REFUSED_TEXT.test(text) || YAML_UNSAFE.test(text) || findOversizeCollection(text)) return undefined;
  try {
    const data = jsYamlReader().load(text);
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
    return acceptable(data) ? (data as Record<string, unknown>) : undefined;
  } catch {
    // Whatever js-yaml refuses, and a document nested deeper than the stack allows: the yaml
    // library reads it and reports what it finds.
    return undefined;
  }
}
