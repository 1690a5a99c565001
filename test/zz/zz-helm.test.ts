import { it, expect } from 'vitest';
import { isDeepStrictEqual as eq } from 'node:util';
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
    if (!process.env.ZZ_ALL && !vals.some((s) => s.length >= 70)) continue;
    if (process.env.ZZ_FROM && i < Number(process.env.ZZ_FROM)) continue;
    const r = renderCase(c);
    if (!r.bundle) continue;
    tried++;
    const scratch = mkdtempSync(join(tmpdir(), 'zz-chart-'));
    for (const p of bundlePaths(r.bundle, (p) => p.startsWith('cluster/charts/vmonboard-mesh/'))) { const to = join(scratch, p.slice(30)); mkdirSync(dirname(to), { recursive: true }); writeFileSync(to, bundleText(r.bundle, p)); }
    const valuesText = bundleText(r.bundle, 'cluster/mesh-registration.values.yaml');
    const { manifests } = await helmTemplate({ chartDir: scratch, valuesText, releaseName: meshReleaseName(r.model!), releaseNamespace: 'istio-system' });
    rmSync(scratch, { recursive: true, force: true });
    const docs = parseManifests(manifests).map((m) => m.doc as any);
    try {
      const wg = docs.find((d) => d.kind === 'WorkloadGroup' && d.metadata.name === 'ratings');
      expect(wg, 'WorkloadGroup ratings').toBeDefined();
      expect(wg!.spec.metadata.labels ?? {}).toEqual(v.workloadLabels);
      expect(wg!.spec.metadata.annotations ?? {}).toEqual(v.annotations);
      if (v.probe.kind === 'httpGet') expect(wg!.spec.probe.httpGet.path).toBe(v.probe.path);
      if (v.probe.kind === 'exec') expect(wg!.spec.probe.exec.command).toEqual(v.probe.command);
      if (v.probe.kind === 'grpc') expect(wg!.spec.probe.grpc.service).toBe(v.probe.service);
      const gatewayLabels = { istio: 'eastwestgateway', ...v.gatewayLabels };
      const gateways = docs.filter((d) => d.kind === 'Gateway');
      expect(gateways.length).toBeGreaterThan(0);
      for (const g of gateways) expect(g.spec.selector, `Gateway ${g.metadata.name} selector`).toEqual(gatewayLabels);
    } catch (e) {
      fails++;
      console.log('CASE', i, (e as Error).message.slice(0, 3000));
      const idx = manifests.indexOf('kind: WorkloadGroup');
      writeFileSync(`/tmp/zz-wg-${i}.yaml`, manifests.slice(idx, idx + 8000));
    }
  }
  console.log('tried', tried, 'fails', fails);
}, 3_600_000);
