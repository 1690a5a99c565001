/**
 * loadYamlDetached: the same value js-yaml's load gives, holding no view of the parsed text (a
 * slice of the text would keep all of it alive as long as the value lives).
 */
import fc from 'fast-check';
import jsYaml from 'js-yaml';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { loadYamlDetached } from '../../src/render/load-detached.js';
import { dumpYaml } from '../../src/render/yaml.js';

describe('loadYamlDetached', () => {
  it('gives exactly what jsYaml.load gives, for any value dumpYaml writes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = dumpYaml(value);
        expect(loadYamlDetached(text)).toStrictEqual(jsYaml.load(text));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a __proto__ key as data, as js-yaml does, and strings with lone surrogates exact', () => {
    const text = '"__proto__": {polluted: "a value long enough to be sliced"}\nlone: "\\ud800 and more than thirteen characters"\n';
    const value = loadYamlDetached(text) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'lone']);
    expect(value).toStrictEqual(jsYaml.load(text));
    expect(value.lone).toBe('\ud800 and more than thirteen characters');
  });

  it('holds no slice of the text: the text is collected while the value lives', () => {
    // V8 has no WeakRef for strings, so this measures: a value loaded from a 16 MB text, with the
    // text dropped, keeps the whole text alive through js-yaml's slices, and none of it detached.
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const retained = (load: (text: string) => unknown): number => {
      gc();
      const before = process.memoryUsage().heapUsed;
      // Made and parsed in a function of its own, so no variable of this one holds the text.
      const parse = (): { key: string } => load(`${'# filler that makes the text large, like a fleet values file\n'.repeat(250_000)}key: ${'x'.repeat(40)}${Math.random()}\n`) as { key: string };
      const value = parse();
      gc();
      const held = process.memoryUsage().heapUsed - before;
      expect(value.key).toMatch(/^x{40}0\./);
      return held;
    };
    const plain = retained((t) => jsYaml.load(t));
    const detached = retained(loadYamlDetached);
    expect(plain).toBeGreaterThan(10_000_000);
    expect(detached).toBeLessThan(1_000_000);
  });
});
