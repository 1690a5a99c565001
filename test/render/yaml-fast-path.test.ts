/**
 * dumpYaml writes long, simply-escaped strings itself (src/render/yaml.ts): its output must be
 * exactly what js-yaml writes with the same options, for any value, or the one-serializer rule
 * (architecture guide §4) would only hold by luck.
 */
import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { dumpYaml } from '../../src/render/yaml.js';

/** js-yaml on its own, with dumpYaml's options. */
const reference = (v: unknown): string => jsYaml.dump(v, { forceQuotes: true, quotingType: '"', lineWidth: -1, noRefs: true, noCompatMode: false, sortKeys: false });

/** Characters around every boundary of the fast path: escapes, controls, non-ASCII, U+2028, BOM, surrogates, the slot mark. */
const EDGE_CHARS = ['\t', '\n', '\r', '"', '\\', '\0', '\x7F', '\x85', '\xA0', '\xA1', '—', '\u2028', '\u2029', '\uD7FF', '\uE000', '\uFEFF', '\uFFFD', '\uD83D\uDE00', '\uD83D', ':', '#', ' ', 'a', 'Z', '0', '=', '/', '+'];
const edgyString = fc.array(fc.oneof(fc.constantFrom(...EDGE_CHARS), fc.string({ minLength: 1, maxLength: 40 })), { maxLength: 120 }).map((parts) => parts.join(''));
const longString = fc.tuple(edgyString, fc.integer({ min: 256, max: 2000 }), fc.constantFrom('A', 'x\n', 'ab"\\\t', '—')).map(([s, n, fill]) => s + fill.repeat(Math.ceil(n / fill.length)));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, edgyString, longString, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 12 }), tie('node'), { maxKeys: 4 })),
})).node;

describe('dumpYaml', () => {
  it('writes what js-yaml writes, for any value', () => {
    fc.assert(fc.property(value, (v) => dumpYaml(v) === reference(v)), { numRuns: 2000 });
  });

  it('writes what js-yaml writes for a gzipped bootstrap in base64 and for a certificate', () => {
    const b64 = Buffer.from(Array.from({ length: 9000 }, (_, i) => (i * 7919) % 256)).toString('base64');
    const pem = `-----BEGIN CERTIFICATE-----\n${b64.slice(0, 64 * 10).replace(/(.{64})/g, '$1\n')}-----END CERTIFICATE-----\n`;
    const doc = { write_files: [{ path: '/p', content: b64 }, { path: '/q', content: pem }], runcmd: [['/bin/bash', '/p']] };
    expect(dumpYaml(doc)).toBe(reference(doc));
    expect(dumpYaml(doc)).toContain(`content: "${b64}"`);
  });

  it('falls back to js-yaml alone when the document itself contains the slot mark', () => {
    const mark = '\uE000vmonboard\uE000';
    const doc = { a: 'x'.repeat(300), b: `${mark}0\uE000`, [`${mark}1\uE000`]: 'y'.repeat(300) };
    expect(dumpYaml(doc)).toBe(reference(doc));
  });
});
