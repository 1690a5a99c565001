/**
 * Property: the cluster side carries hostile values through Helm intact. The bundle's
 * mesh-registration values are rendered with the bundle's own copy of charts/vmonboard-mesh by
 * Helm's template engine (Go text/template + sprig, test/harness/go), the manifests are read back
 * with Kubernetes' reader (sigs.k8s.io/yaml), and the WorkloadGroup that reaches the cluster has
 * exactly the spec's labels, annotations and probe, while the east-west
 * Service and Gateways select exactly the gateway's labels. The chart writes values through
 * `toYaml` and `quote` only, never `tpl`, so a `{{` in a label stays text.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { meshReleaseName } from '../../src/cluster/names.js';
import { helmTemplate, parseManyK8sYaml } from '../harness/go-harness.js';
import { count, Failures, forEachRenderedChunk, type IndexedCase } from './corpus.js';
import { timeoutFor } from './fuzz-settings.js';
import { bundlePaths, bundleText } from './render-case.js';

type Obj = Record<string, any>;

const CHART_DIR = 'cluster/charts/vmonboard-mesh';

describe('hostile values through the registration chart', () => {
  it(
    'reach the rendered WorkloadGroup and gateway selectors exactly',
    async () => {
      const failures = new Failures();
      await forEachRenderedChunk('helm-chart', 50, async (chunk, stats) => {
        // Render every case of the chunk, then read all the manifests in one harness call.
        const rendered: Array<{ c: IndexedCase; docs: string[] }> = [];
        for (const c of chunk) {
          const bundle = c.rendered.bundle!;
          const scratch = mkdtempSync(join(tmpdir(), 'vmonboard-chart-'));
          try {
            // The chart exactly as the bundle ships it, not the repository's copy.
            for (const p of bundlePaths(bundle, (p) => p.startsWith(`${CHART_DIR}/`))) {
              const to = join(scratch, p.slice(CHART_DIR.length + 1));
              mkdirSync(dirname(to), { recursive: true });
              writeFileSync(to, bundleText(bundle, p));
            }
            // The values file itself, read by Helm's YAML reader (sigs.k8s.io/yaml), as `helm -f` would.
            const valuesText = bundleText(bundle, 'cluster/mesh-registration.values.yaml');
            const { manifests } = await helmTemplate({ chartDir: scratch, valuesText, releaseName: meshReleaseName(c.rendered.model!), releaseNamespace: 'istio-system' });
            rendered.push({ c, docs: manifests.split(/^---[ \t]*$/m).filter((d) => /^[^#\s]/m.test(d)) });
          } catch (e) {
            failures.add(c, (e as Error).message);
          } finally {
            rmSync(scratch, { recursive: true, force: true });
          }
        }
        // Kubernetes' own reader (sigs.k8s.io/yaml), not a JS YAML 1.1 reader: they disagree in corners.
        const parsed = await parseManyK8sYaml(rendered.flatMap((r) => r.docs));
        count(stats, 'manifests read by sigs.k8s.io/yaml', parsed.length);
        let next = 0;
        for (const { c, docs: texts } of rendered) {
          const results = parsed.slice(next, next + texts.length);
          next += texts.length;
          try {
            const docs = results.map((r, i) => {
              if ('error' in r) throw new Error(`manifest ${i} does not parse: ${r.error}\n${texts[i]}`);
              return r.ok as Obj;
            });
            const v = c.rendered.input.values;
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
            failures.add(c, (e as Error).message);
          }
        }
      });
      expect(failures.report()).toEqual([]);
    },
    timeoutFor(250),
  );
});
