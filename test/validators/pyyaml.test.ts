import fs from 'node:fs';
import path from 'node:path';
import jsYaml from 'js-yaml';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { readManyWithPyYAML, readWithPyYAML } from './pyyaml.js';
import { PROJECT_ROOT } from './upstream.js';

const DIR = path.join(PROJECT_ROOT, 'test/fixtures/validators/pyyaml');
const corpus = fs.readFileSync(path.join(DIR, 'yaml11-corpus.yaml'), 'utf8');
const expected = JSON.parse(fs.readFileSync(path.join(DIR, 'yaml11-corpus.expected.json'), 'utf8'));

describe('readWithPyYAML is a YAML 1.1 reader (cloud-init.md §3.6)', () => {
  it('reads the corpus exactly as PyYAML does: plain yes/on/0640/1_000/0x_1F/~/null are bool/int/null, quoted ones strings', async () => {
    expect(await readWithPyYAML(corpus)).toEqual(expected);
  });

  it('differs from a YAML 1.2 reader on the same text (why our own parser cannot be the judge)', () => {
    // In YAML 1.2 `on` and "on" are the same string key; in 1.1 the plain one is the boolean True.
    expect(() => YAML.parse(corpus)).toThrow(/Map keys must be unique/);
    const v12 = YAML.parse(corpus, { uniqueKeys: false }) as { plain: Record<string, unknown> };
    expect(v12.plain.yes_word).toBe('yes');
    expect(v12.plain.mode).toBe(640);
    expect(v12.plain.hex_underscored).toBe('0x_1F');
  });

  it('rejects an unquoted "=" value, accepts a quoted one (architecture.md §4)', async () => {
    await expect(readWithPyYAML('a: =\n')).rejects.toThrow(/tag:yaml.org,2002:value/);
    expect(await readWithPyYAML("a: '='\n")).toEqual({ a: '=' });
  });

  it('reports syntax errors with PyYAML\'s message', async () => {
    await expect(readWithPyYAML('a: [1, 2\n')).rejects.toThrow(/PyYAML rejected the document: ParserError/);
  });

  it('reads multi-document streams with { all: true } and refuses them otherwise', async () => {
    expect(await readWithPyYAML('a: 1\n---\nb: on\n', { all: true })).toEqual([{ a: 1 }, { b: true }]);
    await expect(readWithPyYAML('a: 1\n---\nb: 2\n')).rejects.toThrow(/expected a single document/);
  });

  it('tags !!binary and !!set values', async () => {
    expect(await readWithPyYAML('b: !!binary aGk=\ns: !!set {x: null}\n')).toEqual({
      b: { __pyyaml_type: 'bytes', value: 'aGk=' },
      s: { __pyyaml_type: 'set', value: ['x'] },
    });
  });
});

describe('readManyWithPyYAML', () => {
  it('reads hundreds of documents in one Python process', async () => {
    const texts = Array.from({ length: 500 }, (_, i) => `n: ${i}\nmode: 0640\ns: 'on'\n`);
    const started = performance.now();
    const values = await readManyWithPyYAML(texts);
    const ms = performance.now() - started;
    expect(values).toHaveLength(500);
    expect(values[499]).toEqual({ n: 499, mode: 416, s: 'on' });
    // One process start (~40 ms) plus parsing; a process per document would take ~20 s.
    expect(ms).toBeLessThan(5000);
  });

  it('rejects naming every document PyYAML refused', async () => {
    await expect(readManyWithPyYAML(['a: 1\n', 'b: =\n', 'c: [\n'])).rejects.toThrow(/rejected 2 of 3 documents:\n#1: ConstructorError[\s\S]*\n#2: ParserError/);
  });
});

describe('the dumper convention of architecture.md §4, checked by the reader', () => {
  const tricky = { a: '=', b: 'yes', c: 'on', d: '0640', e: '1_000', f: '0x_1F', g: '~', h: 'null', i: '2001-01-01', j: 'a: b' };

  it('js-yaml with forceQuotes round-trips every string through PyYAML', async () => {
    expect(await readWithPyYAML(jsYaml.dump(tricky, { forceQuotes: true }))).toEqual(tricky);
  });

  it("js-yaml's default dump leaves 1_000 and 0x_1F plain, which PyYAML reads as numbers", async () => {
    const back = (await readWithPyYAML(jsYaml.dump(tricky))) as Record<string, unknown>;
    expect(back.e).toBe(1000);
    expect(back.f).toBe(31);
  });

  it("yaml's 1.1 mode leaves '=' plain, which PyYAML rejects", async () => {
    await expect(readWithPyYAML(YAML.stringify(tricky, { version: '1.1' }))).rejects.toThrow(/tag:yaml.org,2002:value/);
  });
});
