/**
 * The bundle README's install steps follow the flavor (issue 14 §4): flavor gloo's bundle has the
 * Gloo SPIRE server and ExternalWorkloads, flavor istio's the spire chart and WorkloadGroups, and
 * each README names only what its own bundle renders, in the order of its cluster/README.md.
 */
import { describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/bundle.js';
import { README_FILE } from '../../src/bundle/readme.js';
import { vmDir } from '../../src/bundle/layout.js';
import { goldenBundle, goldenCases, goldenModel } from '../helpers/golden-cases.js';

/** Words that belong to one flavor's cluster side only, and where that flavor's bundle has them. */
const ONLY = {
  istio: [/spire-crds/, /\bspire chart\b/, /WorkloadGroup/],
  gloo: [/ExternalWorkload/, /gloo-platform/, /Gloo SPIRE server/],
} as const;

const text = (b: Bundle, p: string): string => {
  const f = b.get(p);
  return f === undefined ? '' : typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('utf8');
};

describe.each(goldenCases())('bundle README of golden case %s', (name) => {
  it('names only the cluster pieces its own bundle renders', async () => {
    const model = await goldenModel(name);
    const bundle = await goldenBundle(name);
    const readme = text(bundle, README_FILE);
    const cluster = [...bundle.keys()].filter((k) => k.startsWith('cluster/')).map((k) => text(bundle, k)).join('\n');
    const other = model.flavor === 'gloo' ? 'istio' : 'gloo';
    for (const re of ONLY[other]) expect(readme, `${name} README names ${re}`).not.toMatch(re);
    for (const re of ONLY[model.flavor]) {
      // What the README names of its own flavor is in its cluster files.
      if (re.test(readme)) expect(cluster, `${name}: README names ${re}, its cluster files do not`).toMatch(re);
    }
    expect(readme).toMatch(ONLY[model.flavor][model.flavor === 'gloo' ? 0 : 2]);
  });

  it('lists its install steps in the order of its cluster/README.md sections', async () => {
    const bundle = await goldenBundle(name);
    const sections = [...text(bundle, 'cluster/README.md').matchAll(/^## \d+\. (.+)$/gm)].map((m) => m[1]!);
    const steps = text(bundle, README_FILE).split('\n').filter((l) => l.startsWith('1. **')).map((l) => /\*\*(.+?)\*\*/.exec(l)![1]!);
    const first = (t: string): string => t.split(' ')[0]!.toLowerCase();
    const positions = steps.map((t) => sections.findIndex((h) => first(h) === first(t)));
    expect(positions.every((p) => p >= 0), `${steps.join(', ')} vs ${sections.join(', ')}`).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
});

describe.each(goldenCases())('offboarding in the bundle README of golden case %s', (name) => {
  // Issue 15 §8: uninstall.sh removes only what the payload recorded as installed by it, in both
  // flavors; flavor gloo also records meshctl and puts back an operator's own.
  it('lists each VM\'s uninstall.sh and says it removes only what the payload installed', async () => {
    const model = await goldenModel(name);
    const bundle = await goldenBundle(name);
    const readme = text(bundle, README_FILE);
    const offboard = readme.slice(readme.indexOf('## 6. Offboard a VM'));
    expect(offboard).toMatch(/removes only the packages(?: and the `meshctl`)?\s+that the payload recorded\s+as installed by it/);
    expect(offboard).toContain('sudo bash uninstall.sh');
    expect(/an operator's own `meshctl` is put back/.test(offboard), name).toBe(model.flavor === 'gloo');
    for (const w of model.workloads) for (const pl of w.placements) expect(bundle.has(`${vmDir(w, pl.platform)}/uninstall.sh`), `${w.namespace}/${w.name}/${pl.platform}`).toBe(true);
  });
});
