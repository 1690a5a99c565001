/**
 * MANIFEST.json (issue 6 §1): every other file's sha256, mode and spec pointer, computed after
 * all translators ran, so it does not depend on their order; and it is how a directory is
 * recognised as a vmonboard bundle.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BundleBuilder } from '../../src/bundle/bundle.js';
import { addManifest, formatManifest, formatManifestBytes, formatMode, MANIFEST_FILE, parseManifest, sha256Hex, type ManifestEntry } from '../../src/bundle/manifest.js';
import type { Bundle, WrittenFile } from '../../src/bundle/bundle.js';
import { buildBundle } from '../../src/build-bundle.js';
import { validateSpecFile } from '../../src/api.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';

const files: Array<[string, string, 0o755 | 0o644 | 0o600, string]> = [
  ['vms/frontend/web/aws-prod/verify.sh', '#!/bin/bash\n', 0o755, '/workloads/0/platforms/0'],
  ['cluster/values/spire.yaml', 'a: "1"\n', 0o644, '/spire'],
  ['README.md', '# x\n', 0o644, ''],
  ['vms/frontend/web/dc1/key.ref', 'file:///k\n', 0o600, '/platforms/1'],
];

function built(order: typeof files) {
  const b = new BundleBuilder();
  for (const [p, c, mode, source] of order) b.add(p, c, { mode, source });
  return addManifest(b.build(), 'spec.yaml');
}

describe('MANIFEST.json', () => {
  it('lists every other file with sha256, octal mode and source pointer', () => {
    const bundle = built(files);
    const m = parseManifest(String(bundle.get(MANIFEST_FILE)!.content))!;
    expect(m).toMatchObject({ apiVersion: 'vmonboard.bundle/v1', kind: 'BundleManifest', spec: 'spec.yaml' });
    expect(Object.keys(m.files)).toEqual(['README.md', 'cluster/values/spire.yaml', 'vms/frontend/web/aws-prod/verify.sh', 'vms/frontend/web/dc1/key.ref']);
    expect(m.files['vms/frontend/web/aws-prod/verify.sh']).toEqual({ sha256: createHash('sha256').update('#!/bin/bash\n').digest('hex'), mode: '0755', source: '/workloads/0/platforms/0' });
    expect(m.files['vms/frontend/web/dc1/key.ref']!.mode).toBe('0600');
    expect([...bundle.keys()]).toEqual(['MANIFEST.json', 'README.md', 'cluster/values/spire.yaml', 'vms/frontend/web/aws-prod/verify.sh', 'vms/frontend/web/dc1/key.ref']);
  });

  it('does not depend on the order translators added files', () => {
    const a = built(files);
    const b = built([...files].reverse());
    expect(String(b.get(MANIFEST_FILE)!.content)).toBe(String(a.get(MANIFEST_FILE)!.content));
  });

  it('reserves its path: a translator writing MANIFEST.json is a bug', () => {
    const b = new BundleBuilder();
    b.add(MANIFEST_FILE, '{}');
    expect(() => addManifest(b.build(), 'spec.yaml')).toThrow(/reserved for the manifest/);
  });

  it('recognises only vmonboard manifests', () => {
    expect(parseManifest('not json')).toBeUndefined();
    expect(parseManifest('{"apiVersion":"other/v1","kind":"BundleManifest","files":{}}')).toBeUndefined();
    expect(parseManifest('{"apiVersion":"vmonboard.bundle/v1","kind":"BundleManifest","files":{"a":{"sha256":"xyz","mode":"0644"}}}')).toBeUndefined();
    expect(parseManifest(formatManifest(new Map(), 's.yaml'))).toBeDefined();
  });

  it('covers every file buildBundle renders for a real spec', async () => {
    const v = await validateSpecFile(join(PROJECT_ROOT, 'examples/quickstart.yaml'));
    const { bundle } = buildBundle(v.model!);
    const m = parseManifest(String(bundle.get(MANIFEST_FILE)!.content))!;
    expect(Object.keys(m.files)).toEqual([...bundle.keys()].filter((p) => p !== MANIFEST_FILE));
    for (const [p, e] of Object.entries(m.files)) expect(e.sha256, p).toBe(createHash('sha256').update(bundle.get(p)!.content).digest('hex'));
  });

  it('is bytes in a streaming build (files already written), the text otherwise', () => {
    const b = new BundleBuilder();
    b.add('a/kept.txt', 'kept\n');
    const sink = { write: () => undefined };
    b.addWritten(sink, 'b/written.txt', Buffer.from('w\n'), { mode: 0o755, source: '/x', sha256: sha256Hex('w\n'), findings: [] });
    const streamed = addManifest(b.build(), 'spec.yaml', undefined, b.written()).get(MANIFEST_FILE)!.content;
    expect(streamed).toBeInstanceOf(Uint8Array);
    const m = parseManifest(Buffer.from(streamed as Uint8Array).toString('utf8'))!;
    expect(Object.keys(m.files)).toEqual(['a/kept.txt', 'b/written.txt']);
    expect(m.files['b/written.txt']).toEqual({ sha256: sha256Hex('w\n'), mode: '0755', source: '/x' });
    expect(typeof addManifest(b.build(), 'spec.yaml').get(MANIFEST_FILE)!.content).toBe('string');
  });

  it('is written out entry by entry with exactly the bytes JSON.stringify gives the whole object', () => {
    // The reference: the manifest object, stringified at once (what formatManifest did before it
    // wrote entries one by one for fleets of hundreds of thousands of files).
    const reference = (bundle: Bundle, spec: string, written: Map<string, WrittenFile>): string => {
      const entries: Array<[string, ManifestEntry]> = [];
      for (const [path, f] of bundle) if (path !== MANIFEST_FILE) entries.push([path, { sha256: sha256Hex(f.content), mode: formatMode(f.mode), source: f.source }]);
      if (written.size > 0) {
        for (const [path, f] of written) entries.push([path, { sha256: f.sha256, mode: formatMode(f.mode), source: f.source }]);
        entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      }
      const files: Record<string, ManifestEntry> = {};
      for (const [path, e] of entries) files[path] = e;
      return `${JSON.stringify({ apiVersion: 'vmonboard.bundle/v1', kind: 'BundleManifest', spec, files }, null, 2)}\n`;
    };
    const segment = fc.oneof(fc.constantFrom('vms', 'a', 'b.sh', '0', '17', 'é', 'x"y', 'back\\slash', 'tab\t'), fc.string({ minLength: 1, maxLength: 6 }));
    const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((p) => p.join('/'));
    const file = fc.record({ content: fc.string({ unit: 'binary', maxLength: 20 }), mode: fc.constantFrom(0o644, 0o755, 0o600), source: fc.string({ maxLength: 12 }) });
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(path, file, fc.boolean()), { selector: ([p]) => p, maxLength: 12 }), fc.string({ maxLength: 10 }), (items, spec) => {
        const bundle = new Map(items.filter(([, , w]) => !w).map(([p, f]) => [p, f] as const)) as unknown as Bundle;
        const written = new Map(items.filter(([, , w]) => w).map(([p, f]) => [p, { sha256: sha256Hex(f.content), mode: f.mode, source: f.source, findings: [] }] as const)) as Map<string, WrittenFile>;
        const text = reference(bundle, spec, written);
        expect(formatManifest(bundle, spec, undefined, written)).toBe(text);
        // The bytes a streaming build writes are that text's UTF-8, lone surrogates included (as U+FFFD, like every written text).
        expect(Buffer.from(formatManifestBytes(bundle, spec, undefined, written)).equals(Buffer.from(text, 'utf8'))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
