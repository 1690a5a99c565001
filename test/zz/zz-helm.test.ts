import { it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { meshReleaseName } from '../../src/cluster/names.js';
import { helmTemplate, parseManifests } from '../harness/go-harness.js';
import { hostileCases } from '../hardening/corpus.js';
import { renderCase, bundlePaths, bundleText } from '../hardening/render-case.js';
it('repro', async () => {
  const cases = hostileCases(10000, 168943484);
  let fails = 0, tried = 0;
  for (let i = 0; i < cases.length && fails < 3; i++) {
    const c = cases[i]!;
    const v = c.values;
    const vals = [...Object.values(v.workloadLabels), ...Object.values(v.annotations), ...Object.values(v.gatewayLabels), ...(v.probe.kind === 'exec' ? v.probe.command : v.probe.kind === 'httpGet' ? [v.probe.path] : [v.probe.service])];
    if (!vals.some((s) => s.length >= 70)) continue;
    const r = renderCase(c);
    if (!r.bundle) continue;
    tried++;
    const scratch = mkdtempSync(join(tmpdir(), 'zz-chart-'));
    for (const p of bundlePaths(r.bundle, (p) => p.startsWith('cluster/charts/vmonboard-mesh/'))) { const to = join(scratch, p.slice(30)); mkdirSync(dirname(to), { recursive: true }); writeFileSync(to, bundleText(r.bundle, p)); }
    const valuesText = bundleText(r.bundle, 'cluster/mesh-registration.values.yaml');
    const { manifests } = await helmTemplate({ chartDir: scratch, valuesText, releaseName: meshReleaseName(r.model!), releaseNamespace: 'istio-system' });
    rmSync(scratch, { recursive: true, force: true });
    const docs = parseManifests(manifests).map((m) => m.doc as any);
    const wg = docs.find((d) => d.kind === 'WorkloadGroup');
    const okL = JSON.stringify(wg.spec.metadata.labels ?? {}) === JSON.stringify(v.workloadLabels);
    const okA = JSON.stringify(wg.spec.metadata.annotations ?? {}) === JSON.stringify(v.annotations);
    const gws = docs.filter((d) => d.kind === 'Gateway');
    const okG = gws.every((g) => JSON.stringify(g.spec.selector) === JSON.stringify({ istio: 'eastwestgateway', ...v.gatewayLabels }));
    if (!okL || !okA || !okG) {
      fails++;
      console.log('CASE', i, okL, okA, okG);
      console.log('WANT', JSON.stringify(v.workloadLabels), JSON.stringify(v.annotations), JSON.stringify(v.gatewayLabels));
      console.log('GOT ', JSON.stringify(wg.spec.metadata.labels), JSON.stringify(wg.spec.metadata.annotations));
      const idx = manifests.indexOf('kind: WorkloadGroup');
      writeFileSync(`/tmp/zz-wg-${i}.yaml`, manifests.slice(idx, idx + 6000));
    }
  }
  console.log('tried', tried, 'fails', fails);
}, 3_600_000);
