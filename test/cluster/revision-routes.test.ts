/**
 * Canary revision upgrades (issue 14 §3): with mesh.istio.previousRevisions the chart keeps an
 * istiod Gateway/VirtualService pair per revision, each named after its revision, so upgrading the
 * chart for a new revision leaves the routes of VMs still on the old payload in place. Rendered by
 * Helm's engine (the Go text/template + sprig harness) and validated against the Istio CRD schemas.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import jsYaml from 'js-yaml';
import AjvModule from 'ajv';
import { helmTemplate, parseManifests } from '../harness/go-harness.js';
import { validateK8sResource } from '../validators/k8s-crd.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { CLUSTER_VALUES_FILES } from '../../src/cluster/translate.js';
import { checkClusterConsistency } from '../../src/cluster/consistency.js';
import { meshReleaseName } from '../../src/cluster/names.js';
import { clusterFindings, lineMatching, renderVariant } from './spec-variants.js';

const CHART = join(PROJECT_ROOT, 'charts/vmonboard-mesh');
const ajv = new AjvModule.default({ allErrors: true, strict: true, strictRequired: false });
const validateValues = ajv.compile(JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as object);

type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: Record<string, any> };
type TlsRoute = { match: Array<{ port: number; sniHosts: string[] }>; route: Array<{ destination: { host: string; port: { number: number } } }> };

async function renderTwoRevisions(): Promise<{ docs: Doc[]; values: any; release: string }> {
  const r = await renderVariant('aws-cloudinit', (doc) => doc.setIn(['mesh', 'istio', 'previousRevisions'], doc.createNode(['1-26'])));
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const values = jsYaml.load(String(r.bundle!.get(CLUSTER_VALUES_FILES.mesh)!.content)) as any;
  const release = meshReleaseName(r.model!);
  const { manifests } = await helmTemplate({ chartDir: CHART, values, releaseName: release, releaseNamespace: 'istio-system' });
  return { docs: parseManifests(manifests).map((m) => m.doc as Doc), values, release };
}

describe('istiod routes of two revisions', () => {
  it('renders both routes, with distinct revision-carrying names, valid against the CRDs', async () => {
    const { docs, values, release } = await renderTwoRevisions();
    expect(validateValues(values), JSON.stringify(validateValues.errors)).toBe(true);
    expect(values.eastWest.istiod).toMatchObject({ revision: '1-27', previousRevisions: [{ revision: '1-26', host: 'istiod-1-26.istio-system.svc.cluster.local', sniHosts: ['istiod-1-26.istio-system.svc', 'istiod-1-26.istio-system.svc.cluster.local'] }] });
    // The helm test Pod is a core kind, checked by mesh-chart.test.ts; every other object against its CRD schema.
    for (const d of docs.filter((x) => x.kind !== 'Pod')) expect(validateK8sResource(d), `${d.kind} ${d.metadata.name}`).toEqual([]);

    const istiod = docs.filter((d) => (d.kind === 'Gateway' || d.kind === 'VirtualService') && /-istiod/.test(d.metadata.name));
    const names = istiod.map((d) => `${d.kind}/${d.metadata.name}`).sort();
    expect(names).toEqual([`Gateway/${release}-istiod-1-26`, `Gateway/${release}-istiod-1-27`, `VirtualService/${release}-istiod-1-26`, `VirtualService/${release}-istiod-1-27`]);
    // Distinct per kind and namespace: Helm would otherwise render one object over the other.
    const keys = docs.map((d) => `${d.kind}/${d.metadata.namespace}/${d.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);

    for (const [rev, port] of [['1-26', 15012], ['1-27', 15012]] as const) {
      const host = `istiod-${rev}.istio-system.svc`;
      const vs = istiod.find((d) => d.kind === 'VirtualService' && d.metadata.name.endsWith(`-istiod-${rev}`))!;
      expect(vs.spec.gateways).toEqual([`istio-system/${release}-istiod-${rev}`]);
      const xds = (vs.spec.tls as TlsRoute[]).find((t) => t.match[0]!.port === port)!;
      expect(xds.match[0]!.sniHosts).toEqual([host, `${host}.cluster.local`]);
      expect(xds.route[0]!.destination).toEqual({ host: `${host}.cluster.local`, port: { number: 15012 } });
      const gw = istiod.find((d) => d.kind === 'Gateway' && d.metadata.name.endsWith(`-istiod-${rev}`))!;
      for (const s of gw.spec.servers as Array<{ hosts: string[]; tls: { mode: string } }>) {
        expect(s).toMatchObject({ tls: { mode: 'PASSTHROUGH' }, hosts: [host, `${host}.cluster.local`] });
      }
    }
  });

  it('names the default revision\'s route without a revision, and a revision\'s with it', async () => {
    const r = await renderVariant('aws-cloudinit', (doc) => {
      doc.deleteIn(['mesh', 'istio', 'revision']);
      doc.setIn(['mesh', 'istio', 'previousRevisions'], doc.createNode(['1-26']));
    });
    const values = jsYaml.load(String(r.bundle!.get(CLUSTER_VALUES_FILES.mesh)!.content)) as any;
    const { manifests } = await helmTemplate({ chartDir: CHART, values, releaseName: 'mesh', releaseNamespace: 'istio-system' });
    const names = parseManifests(manifests).map((m) => m.doc as Doc).filter((d) => d.kind === 'Gateway').map((d) => d.metadata.name).sort();
    expect(names).toEqual(expect.arrayContaining(['mesh-vmonboard-mesh-istiod', 'mesh-vmonboard-mesh-istiod-1-26']));
  });

  it('gives the upgrade order in cluster/README.md and names the kept routes', async () => {
    const r = await renderVariant('aws-cloudinit', (doc) => doc.setIn(['mesh', 'istio', 'previousRevisions'], doc.createNode(['1-26'])));
    const text = String(r.bundle!.get('cluster/README.md')!.content);
    const section = text.slice(text.indexOf('## Upgrading to a new Istio revision'));
    const steps = [...section.matchAll(/^(\d)\. (\S+ \S+)/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(steps).toEqual(['1 Install the', '2 In spec.yaml,', '3 Roll the', '4 When no']);
    expect(section).toContain(`keeps the routes of 1-26: check \`kubectl -n istio-system get gateways,virtualservices\` lists \`${meshReleaseName(r.model!)}-istiod-1-26\``);
  });

  it('the chart refuses a previous revision without its istiod host', async () => {
    const { values } = await renderTwoRevisions();
    delete values.eastWest.istiod.previousRevisions[0].host;
    expect(validateValues(values)).toBe(false);
    await expect(helmTemplate({ chartDir: CHART, values, releaseName: 'mesh', releaseNamespace: 'istio-system' })).rejects.toThrow(/previousRevisions\[\]\.host is required/);
  });

  it('the consistency check reports a previous revision whose route went missing, at its spec line', async () => {
    const r = await renderVariant('aws-cloudinit', (doc) => doc.setIn(['mesh', 'istio', 'previousRevisions'], doc.createNode(['1-26', '1-25'])));
    expect(clusterFindings(r)).toEqual([]);
    const bundle = r.bundle!;
    const parsed = Object.fromEntries(Object.entries(CLUSTER_VALUES_FILES).map(([k, p]) => [k, jsYaml.load(String(bundle.get(p)?.content ?? ''))])) as any;
    parsed.mesh.eastWest.istiod.previousRevisions = parsed.mesh.eastWest.istiod.previousRevisions.filter((p: { revision: string }) => p.revision !== '1-25');
    const found = checkClusterConsistency(r.model!, parsed).map((d) => [d.code, d.pointer]);
    expect(found).toEqual([['CLUSTER_ROUTE_MISSING', '/mesh/istio/previousRevisions/1']]);
    expect(lineMatching(r.specText, /previousRevisions/)).toBeGreaterThan(0);
  });
});
