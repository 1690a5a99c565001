/**
 * Small bundles for writer tests, built the way buildBundle builds them (translators' files,
 * then MANIFEST.json), and a check that a directory holds exactly one of them.
 */
import { expect } from 'vitest';
import { BundleBuilder, type Bundle } from '../../src/bundle/bundle.js';
import { addManifest, formatMode } from '../../src/bundle/manifest.js';
import { isCompleteBundle, readTree } from '../../src/bundle/read-dir.js';

/** A bundle whose every file mentions `version`, so old and new bundles differ in every file. */
export function sampleBundle(version: string, extra: Record<string, string> = {}): Bundle {
  const b = new BundleBuilder();
  b.add('README.md', `# sample bundle ${version}\n`, { source: '' });
  b.add('cluster/values/spire.yaml', `# ${version}\nglobal:\n  spire:\n    trustDomain: "example.org"\n`, { source: '/spire' });
  b.add('vms/frontend/web/aws-prod/user-data.yaml', `#cloud-config\n# ${version}\nruncmd: []\n`, { source: '/workloads/0/platforms/0' });
  b.add('vms/frontend/web/aws-prod/verify.sh', `#!/bin/bash\necho ${version}\n`, { mode: 0o755, source: '/workloads/0/platforms/0' });
  b.add('vms/frontend/web/dc1/host-key.ref', `file:///etc/pki/${version}.key\n`, { mode: 0o600, source: '/platforms/1/x509pop/privateKey' });
  for (const [p, c] of Object.entries(extra)) b.add(p, c);
  return addManifest(b.build(), 'spec.yaml');
}

/** Asserts `dir` holds exactly `bundle`: same paths, bytes and modes, and a verifying manifest. */
export function expectDirHolds(dir: string, bundle: Bundle): void {
  const tree = readTree(dir);
  expect([...tree.keys()]).toEqual([...bundle.keys()]);
  for (const [p, f] of bundle) {
    const d = tree.get(p)!;
    expect(d.content.toString('utf8'), p).toBe(typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('utf8'));
    expect(formatMode(d.mode), `${p} mode`).toBe(formatMode(f.mode));
  }
  expect(isCompleteBundle(dir)).toBe(true);
}
