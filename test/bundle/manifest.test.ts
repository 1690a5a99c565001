/**
 * MANIFEST.json (issue 6 §1): every other file's sha256, mode and spec pointer, computed after
 * all translators ran, so it does not depend on their order; and it is how a directory is
 * recognised as a vmonboard bundle.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BundleBuilder } from '../../src/bundle/bundle.js';
import { addManifest, formatManifest, MANIFEST_FILE, parseManifest } from '../../src/bundle/manifest.js';
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
});
