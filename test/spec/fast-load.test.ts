/**
 * The fast path of validation (src/spec/fast-load.ts): wherever js-yaml's reading is taken, it is
 * the yaml library's reading (load.ts) and the yaml library reported nothing. Checked on every
 * spec and lock file the tests and examples use, on generated documents full of scalars the two
 * libraries could read differently, and on those documents mutated at random; and the fast reader
 * answers for the examples and the bench's fleet (validation uses it for specs of
 * FAST_READ_MIN_CHARS or more, like the fleet), so it does not simply refuse real specs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { FAST_READ_MIN_CHARS, fastSpecData } from '../../src/spec/fast-load.js';
import { loadYaml } from '../../src/spec/load.js';
import { validateSpec } from '../../src/spec/validate-spec.js';
import { memoryFileSource } from '../../src/spec/files.js';
import { baseSpec, FILES } from './spec-builder.js';
// @ts-expect-error -- plain .mjs bench helper without types
import { writeFleetSpec } from '../../bench/fleet-spec.mjs';

const ROOT = join(import.meta.dirname, '../..');

/** The property: fast data, when given, is the yaml library's data, read without a diagnostic. */
function agrees(text: string): { fast: boolean } {
  const fast = fastSpecData(text);
  if (fast === undefined) return { fast: false };
  const full = loadYaml(text, 'spec.yaml');
  expect(full.diagnostics, text).toEqual([]);
  expect(isDeepStrictEqual(fast, full.loaded.data), text).toBe(true);
  return { fast: true };
}

/** `text` with each edit applied in turn: at a position (modulo the length), delete some characters and insert others. */
function mutated(text: string, edits: ReadonlyArray<readonly [at: number, del: number, ins: string]>): string {
  let t = text;
  for (const [at, del, ins] of edits) {
    const i = at % (t.length + 1);
    t = t.slice(0, i) + ins + t.slice(i + del);
  }
  return t;
}

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      // Rendered bundles are outputs, not specs.
      if (e.name !== 'expected') out.push(...yamlFilesUnder(p));
    } else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('the fast reading equals the yaml library’s', () => {
  it('for every example, and the fast reader answers for each', () => {
    const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml'));
    expect(examples.length).toBeGreaterThan(4);
    for (const f of examples) expect(agrees(readFileSync(join(ROOT, 'examples', f), 'utf8')), f).toEqual({ fast: true });
  });

  it('for every YAML file of the test fixtures, invalid specs included', () => {
    const files = yamlFilesUnder(join(ROOT, 'test/fixtures'));
    expect(files.length).toBeGreaterThan(60);
    let fast = 0;
    for (const f of files) if (agrees(readFileSync(f, 'utf8')).fast) fast++;
    // Most are plain specs; the ones with YAML mistakes go to the yaml library.
    expect(fast).toBeGreaterThan(files.length / 2);
  });

  it('for the bench fleet and its lock (the case the fast path is for)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmonboard-fast-load-'));
    try {
      const spec = (await writeFleetSpec(dir, 50)) as string;
      expect(agrees(readFileSync(spec, 'utf8'))).toEqual({ fast: true });
      expect(agrees(readFileSync(join(dir, 'fleet.lock.yaml'), 'utf8'))).toEqual({ fast: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Scalars the two libraries could read differently: YAML 1.1 words, numbers in every core and
  // non-core form, things that look like dates, keys and indicators inside text.
  const SCALARS = [
    'a',
    'value',
    'x y',
    'yes',
    'no',
    'on',
    'off',
    'y',
    'n',
    'Y',
    'true',
    'True',
    'TRUE',
    'tRue',
    'false',
    'FALSE',
    'null',
    'Null',
    'NULL',
    'nUll',
    '~',
    '',
    '0',
    '-0',
    '+0',
    '00',
    '007',
    '08',
    '1',
    '-1',
    '+12',
    '1_000',
    '0b101',
    '0o17',
    '0o8',
    '0x1F',
    '0xg',
    '0X1F',
    '1.0',
    '1.',
    '.5',
    '-.5',
    '+.5',
    '1e3',
    '1E-3',
    '1.5e+2',
    '.e3',
    '1e',
    '6.02e23',
    '.inf',
    '-.inf',
    '+.Inf',
    '.INF',
    '.nan',
    '.NaN',
    '.NAN',
    '-.nan',
    'inf',
    'NaN',
    '2001-12-14',
    '2001-12-14t21:59:43.10-05:00',
    '12:30:00',
    '1:20',
    '190:20:30',
    '9007199254740993',
    '0x7FFFFFFFFFFFFFFFFF',
    'a # not a comment?',
    'a: b',
    'a:b',
    '- x',
    'http://x/y?z=1&w=2',
    'é',
    'ünïcödé',
    '"q"',
    "'q'",
    'a\\b',
    'trailing ',
    ' leading',
  ];
  const key = fc.oneof(
    fc.constantFrom('k', 'name', 'a-b', 'a b', 'x_y', 'K1', 'key.with.dots', 'labels', '1', 'true', 'null', '~', '0x1', 'Infinity', '__proto__', '.inf', '-.inf', '.nan', 'constructor', 'toString', ''),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
  );
  const scalar = fc.oneof(fc.constantFrom(...SCALARS), fc.string({ maxLength: 12 }), fc.stringMatching(/^[-+.0-9eEoxa-fA-F_]{1,8}$/));
  type Node = string | Node[] | { [k: string]: Node };
  const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
  })).node;
  const style = fc.constantFrom('plain', 'single', 'double', 'literal', 'folded', 'flow');

  /** Writes a node as YAML in one of several styles, scalars mostly unquoted so that their plain reading is what gets tested. */
  function write(n: Node, styles: string[], indent: string): string {
    const s = styles[(indent.length + (typeof n === 'string' ? n.length : 0)) % styles.length]!;
    if (typeof n === 'string') {
      if (s === 'single') return `'${n.replace(/'/g, "''")}'`;
      if (s === 'double') return JSON.stringify(n);
      if ((s === 'literal' || s === 'folded') && n !== '' && !/^\s|\s$/.test(n)) return `${s === 'literal' ? '|' : '>'}-\n${indent}  ${n.replace(/\n/g, `\n${indent}  `)}`;
      return n;
    }
    if (Array.isArray(n)) {
      if (n.length === 0) return '[]';
      if (s === 'flow') return `[${n.map((c) => write(c, styles, `${indent}  `)).join(', ')}]`;
      return `\n${n.map((c) => `${indent}- ${write(c, styles, `${indent}  `).replace(/^\n\s*/, '')}`).join('\n')}`;
    }
    const entries = Object.entries(n);
    if (entries.length === 0) return '{}';
    if (s === 'flow') return `{${entries.map(([k, v]) => `${k}: ${write(v, styles, `${indent}  `)}`).join(', ')}}`;
    return `\n${entries.map(([k, v]) => `${indent}${k}: ${write(v, styles, `${indent}  `)}`).join('\n')}`;
  }

  const document = fc
    .tuple(fc.dictionary(key, node, { minKeys: 1, maxKeys: 5 }), fc.array(style, { minLength: 1, maxLength: 5 }))
    .map(([root, styles]) => `${write(root, styles, '').replace(/^\n/, '')}\n`);

  it('for generated documents (plain, quoted, block and flow scalars and collections)', () => {
    let fast = 0;
    fc.assert(
      fc.property(document, (text) => {
        if (agrees(text).fast) fast++;
      }),
      { numRuns: 3000 },
    );
    // The property is not met by refusing everything.
    expect(fast).toBeGreaterThan(300);
  });

  it('for the same documents written by js-yaml’s own dumper', () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.dictionary(key, node, { minKeys: 1, maxKeys: 5 }), fc.constantFrom(-1, 20), (root, lineWidth) => {
        if (agrees(jsYaml.dump(root, { lineWidth })).fast) fast++;
      }),
      { numRuns: 1000 },
    );
    expect(fast).toBeGreaterThan(150);
  });

  it('for generated documents mutated at random (where one library may refuse what the other reads)', () => {
    const edit = fc.tuple(
      fc.nat(),
      fc.nat({ max: 3 }),
      fc.constantFrom(' ', '  ', '\n', '\n  ', ':', ': ', '- ', '#', ' #', '"', "'", '|', '>', '[', ']', '{', '}', ',', '\\', '-', '.', '0', 'e', '---\n', '...\n', '|2', '>+', 'a', '\u00e9'),
    );
    fc.assert(
      fc.property(document, fc.array(edit, { minLength: 1, maxLength: 3 }), (text, edits) => {
        agrees(mutated(text, edits));
      }),
      { numRuns: 8000 },
    );
  });

  it('for documents made of random lines (indentation, indicators, block scalars, markers)', () => {
    const value = fc.constantFrom(
      'a',
      'b c',
      'x: y',
      'x:y',
      'a #c',
      'a#c',
      '"q"',
      '"a\\nb"',
      '"a\\\n  b"',
      '"\\x41\\u00e9"',
      "'it''s'",
      "'a\n  b'",
      '"a\n\n  b"',
      '1',
      '-1',
      '0o7',
      '0x1F',
      '1e3',
      '.inf',
      '.nan',
      'true',
      'False',
      'null',
      '~',
      '',
      '-',
      '--',
      '- a',
      '-a',
      ':',
      '::',
      'a:',
      '[]',
      '[a, b]',
      '[a,b,]',
      '[a: b]',
      '["a", 1]',
      '{}',
      '{a: 1}',
      '{a: [b]}',
      '|',
      '|-',
      '|+',
      '|2',
      '>',
      '>-',
      '>2-',
      '@x',
      '`x',
      'a, b',
      'é',
      'a  b',
    );
    const indent = fc.constantFrom('', ' ', '  ', '   ', '    ', '      ');
    const line = fc.oneof(
      fc.tuple(indent, fc.constantFrom('k', 'a b', '"q"', "'s'", 'x-y', 'k2'), value).map(([i, k, v]) => `${i}${k}: ${v}`),
      fc.tuple(indent, fc.constantFrom('k', 'a', 'x-y')).map(([i, k]) => `${i}${k}:`),
      fc.tuple(indent, value).map(([i, v]) => `${i}- ${v}`),
      fc.tuple(indent, value).map(([i, v]) => `${i}- - ${v}`),
      fc.tuple(indent, fc.constantFrom('k', 'a'), value).map(([i, k, v]) => `${i}- ${k}: ${v}`),
      fc.tuple(indent, value).map(([i, v]) => `${i}${v}`),
      indent.map((i) => `${i}# comment`),
      fc.constantFrom('', '---'),
    );
    let fast = 0;
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
        if (agrees(`${lines.join('\n')}\n`).fast) fast++;
      }),
      { numRuns: 20000 },
    );
    expect(fast).toBeGreaterThan(500);
  });

  it('for the base spec mutated at random', () => {
    const base = jsYaml.dump(baseSpec(), { lineWidth: -1 });
    expect(agrees(base)).toEqual({ fast: true });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.constantFrom(' ', '\n', ':', '- ', '"', "'", '|', '>', '[', '{', '#', '0', '.5', 'true', '~')), { minLength: 1, maxLength: 2 }),
        (edits) => {
          agrees(mutated(base, edits));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('what the fast path leaves to the yaml library', () => {
  it.each([
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a local tag', 'a: !thing x\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a merge key', 'a: {x: 1}\nb:\n  <<: {y: 2}\n'],
    ['an explicit key', '? a\n: 1\n'],
    ['a flow collection as a key', '[a, b]: 1\n'],
    ['a tab', 'a:\t1\n'],
    ['a carriage return', 'a: 1\r\nb: 2\r\n'],
    ['a byte-order mark', '\ufeffa: 1\n'],
    ['a NUL written as an escape', 'a: "x\\0y"\n'],
    ['a C1 control written as an escape', 'a: "x\\x85y"\n'],
    ['a NEL in the text', 'a: x\u0085y\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a key the core schema reads as a number', '1: a\n'],
    ['a key the core schema reads as null', 'null: a\n'],
    ['a quoted key that looks like a boolean', '"true": a\n'],
    ['an empty key', '"": a\n'],
    ['a __proto__ key', '__proto__: a\n'],
    ['a syntax error', 'a: b: c\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['content after --- on its line (an error to the yaml library only)', '--- a: +\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['a list at the top', '- a\n'],
    ['a scalar at the top', 'a\n'],
    ['an empty document', ''],
    ['a document nested deeper than the stack allows', `a: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`],
    ['a string over the scalar limit', `a: ${'x'.repeat(64 * 1024 + 1)}\n`],
  ])('%s', (_name, text) => {
    expect(fastSpecData(text)).toBeUndefined();
  });

  it('takes text with & * ! ? inside words and URLs', () => {
    expect(fastSpecData('url: http://x/y?a=1&b=2\nwow: yes!\nglob: a*b\n')).toEqual({ url: 'http://x/y?a=1&b=2', wow: 'yes!', glob: 'a*b' });
  });
});

describe('validation through the fast path', () => {
  const run = (text: string) =>
    validateSpec({
      text,
      file: 'spec.yaml',
      lockFile: 'spec.lock.yaml',
      files: memoryFileSource(FILES),
      ignoreLock: true,
    });

  // Validation reads a spec fast only from FAST_READ_MIN_CHARS on: the base spec, padded with comments past it.
  const large = (text: string): string => {
    const padded = `${text}${'# a comment that makes the spec as long as a fleet of about sixty workloads\n'.repeat(Math.ceil(FAST_READ_MIN_CHARS / 70))}`;
    expect(padded.length).toBeGreaterThanOrEqual(FAST_READ_MIN_CHARS);
    return padded;
  };

  it('locates findings exactly as the yaml library’s path does', () => {
    // One spec with a schema error, read both ways: the fast one (as written) and the slow one (a
    // tab in a comment sends it to the yaml library without changing its data or positions).
    const text = large(jsYaml.dump(baseSpec(), { lineWidth: -1 }).replace('  clusterName: cluster1\n', '  clusterName: cluster1\n  clustrName: typo\n'));
    expect(fastSpecData(text)).toBeDefined();
    const slow = `${text}#\tend\n`;
    expect(fastSpecData(slow)).toBeUndefined();
    const a = run(text);
    const b = run(slow);
    expect(a.diagnostics.map((d) => d.code)).toEqual(['SCHEMA_UNKNOWN_KEY']);
    expect(a.diagnostics).toEqual(b.diagnostics);
    expect(a.diagnostics[0]!.line).toBe(text.split('\n').findIndex((l) => l.includes('clustrName')) + 1);
  });

  it('gives the same model as the yaml library’s path', () => {
    const text = large(jsYaml.dump(baseSpec(), { lineWidth: -1 }));
    expect(fastSpecData(text)).toBeDefined();
    const a = run(text);
    const b = run(`${text}#\tend\n`);
    expect(a.model).toBeDefined();
    expect(isDeepStrictEqual(a.model, b.model)).toBe(true);
  });
});
