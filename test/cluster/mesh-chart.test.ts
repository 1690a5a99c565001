/**
 * Our chart, charts/vmonboard-mesh: rendered with Helm's template engine (Go text/template +
 * sprig, test/harness) for every flavor istio golden case, every resource validated against its
 * upstream CRD schema (unknown fields are errors) or kubernetes-models; the generated values
 * against the chart's own draft-07 values.schema.json; and the default values render nothing.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import AjvModule from 'ajv';
import { Pod } from 'kubernetes-models/v1';
import { helmTemplate, parseManifests } from '../harness/go-harness.js';
import { validateK8sResource } from '../validators/k8s-crd.js';
import { PROJECT_ROOT, goldenCases } from '../helpers/golden-cases.js';
import { listSpireEntries } from '../../src/cluster/registration.js';
import { listVmEndpoints } from '../../src/cluster/endpoints.js';
import { meshReleaseName } from '../../src/cluster/names.js';
import { renderedCase } from './cluster-fixtures.js';

const CHART = join(PROJECT_ROOT, 'charts/vmonboard-mesh');
const cases = goldenCases().filter((n) => !n.startsWith('gloo'));
// ajv's default dialect is draft-07, the one the chart declares (Helm 3 validates draft-07 everywhere).
const ajv = new AjvModule.default({ allErrors: true, strict: true, strictRequired: false });
const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as Record<string, unknown>;
const validateValues = ajv.compile(schema);

type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: Record<string, unknown> };

async function render(values: unknown, releaseName = 'vmonboard-mesh-test'): Promise<Doc[]> {
  const { manifests } = await helmTemplate({ chartDir: CHART, values, releaseName, releaseNamespace: 'istio-system' });
  return parseManifests(manifests).map((m) => m.doc as Doc);
}

/** Validates one rendered object; the chart's test Pod is a core kind the CRD validator does not cover. */
function problemsOf(doc: Doc): string[] {
  if (doc.apiVersion === 'v1' && doc.kind === 'Pod') {
    try {
      new Pod(doc as never).validate();
      return doc.metadata.annotations?.['helm.sh/hook'] === 'test' ? [] : ['/metadata/annotations: the Pod is not a helm test hook'];
    } catch (e) {
      return [String(e)];
    }
  }
  return validateK8sResource(doc);
}

describe('chart metadata', () => {
  it('declares a strict draft-07 values schema and has a comment on every value', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    const lines = readFileSync(join(CHART, 'values.yaml'), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/^\s*[A-Za-z][\w-]*:/.test(line)) {
        const prev = lines[i - 1] ?? '';
        // A key is documented by the comment line right above it, or (a group) by its children.
        const isGroup = /:\s*$/.test(line);
        expect(isGroup || /^\s*#/.test(prev), `values.yaml line ${i + 1} (${line.trim()}) has no comment`).toBe(true);
      }
    });
  });

  it('renders nothing with its default values.yaml, which is itself schema-valid', async () => {
    expect(validateValues(jsYaml.load(readFileSync(join(CHART, 'values.yaml'), 'utf8'))), JSON.stringify(validateValues.errors)).toBe(true);
    const { manifests, notes } = await helmTemplate({ chartDir: CHART, notes: true });
    expect(parseManifests(manifests)).toEqual([]);
    expect(notes).toContain('vmonboard-mesh 0.1.0 installed as release release-name.');
  });
});

describe.each(cases)('golden case %s', (name) => {
  it('mesh-registration.values.yaml validates against the chart values.schema.json', async () => {
    const { parsed } = await renderedCase(name);
    expect(validateValues(parsed.mesh), JSON.stringify(validateValues.errors)).toBe(true);
  });

  it('every rendered resource validates against its upstream schema', async () => {
    const { parsed, model } = await renderedCase(name);
    const docs = await render(parsed.mesh, meshReleaseName(model));
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) expect(problemsOf(d), `${d.kind} ${d.metadata.name}`).toEqual([]);
  });

  it('renders the objects the VMs need, with the routes of the shared endpoint list', async () => {
    const { parsed, model } = await renderedCase(name);
    const docs = await render(parsed.mesh, meshReleaseName(model));
    const of = (kind: string): Doc[] => docs.filter((d) => d.kind === kind);
    expect(of('WorkloadGroup').map((d) => `${d.metadata.namespace}/${d.metadata.name}`)).toEqual(model.workloads.map((w) => `${w.namespace}/${w.name}`));
    for (const wg of of('WorkloadGroup')) expect((wg.spec!.template as { network: string }).network).toBe(model.mesh.vmNetwork);
    // An outbound-only workload (no ports) gets no Service.
    expect(of('Service')).toHaveLength(model.workloads.filter((w) => w.ports.length > 0).length);
    const entries = of('ClusterStaticEntry');
    if (model.mesh.registration === 'crds') {
      expect(entries.map((e) => e.spec!.spiffeID).sort()).toEqual(listSpireEntries(model).map((e) => e.spiffeID).sort());
      for (const e of entries) expect(e.spec!.className).toBe(model.spire.className);
    } else expect(entries).toEqual([]);
    const routes = of('VirtualService').flatMap((vs) => (vs.spec!.tls as Array<{ match: Array<{ port: number; sniHosts: string[] }>; route: Array<{ destination: { host: string; port: { number: number } } }> }>));
    for (const e of listVmEndpoints(model).filter((x) => x.mode === 'passthrough')) {
      const r = routes.find((t) => t.match.some((m) => m.port === e.port));
      expect(r, `route for ${e.role}`).toBeDefined();
      expect(r!.match[0]!.sniHosts).toEqual(e.sniHosts);
      expect(r!.route[0]!.destination).toEqual({ host: e.destination!.host, port: { number: e.destination!.port } });
    }
    const servers = of('Gateway').flatMap((g) => g.spec!.servers as Array<{ tls: { mode: string }; port: { number: number }; hosts: string[] }>);
    expect(servers.find((s) => s.tls.mode === 'AUTO_PASSTHROUGH')).toMatchObject({ port: { number: model.gateway.ports.tls }, hosts: ['*.local'] });
  });
});

describe('templates off by default for flavor istio', () => {
  it('render valid Namespaces and an extra east-west Service when turned on', async () => {
    const { parsed } = await renderedCase('aws-cloudinit');
    const values = structuredClone(parsed.mesh) as { namespaces: { create: boolean }; eastWest: { service: Record<string, unknown> } };
    values.namespaces.create = true;
    values.eastWest.service = { enabled: true, name: 'istio-eastwestgateway-vm', type: 'LoadBalancer', labels: { 'topology.istio.io/network': 'network1' }, ports: [{ name: 'tls-spire', port: 8081, targetPort: 8081, protocol: 'TCP' }] };
    expect(validateValues(values), JSON.stringify(validateValues.errors)).toBe(true);
    const docs = await render(values);
    const extra = docs.filter((d) => d.kind === 'Namespace' || (d.kind === 'Service' && d.metadata.name === 'istio-eastwestgateway-vm'));
    expect(extra.map((d) => d.kind).sort()).toEqual(['Namespace', 'Service']);
    for (const d of extra) expect(problemsOf(d)).toEqual([]);
  });
});

/** Kind/namespace/name of every rendered object that appears more than once: helm install refuses a release holding two. */
function duplicateObjects(docs: Doc[]): string[] {
  const seen = new Map<string, number>();
  for (const d of docs) {
    const k = `${d.apiVersion} ${d.kind} ${d.metadata.namespace ?? ''}/${d.metadata.name}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

describe('every object once', () => {
  it.each(cases)('%s: no two rendered objects share kind, namespace and name', async (name) => {
    const { parsed, model } = await renderedCase(name);
    expect(duplicateObjects(await render(parsed.mesh, meshReleaseName(model)))).toEqual([]);
  });

  it('two workloads of one namespace that run as the same service account get one ServiceAccount', async () => {
    const { parsed, model } = await renderedCase(cases[0]!);
    const values = structuredClone(parsed.mesh) as { workloads: Array<Record<string, unknown>> };
    const first = values.workloads[0]!;
    // A second workload (its own WorkloadGroup and Service) sharing the first one's identity.
    values.workloads.push({ ...structuredClone(first), name: `${String(first.name)}-canary` });
    const docs = await render(values, meshReleaseName(model));
    expect(duplicateObjects(docs)).toEqual([]);
    const sas = docs.filter((d) => d.kind === 'ServiceAccount' && d.metadata.namespace === first.namespace && d.metadata.name === first.serviceAccount);
    expect(sas).toHaveLength(1);
    expect(docs.filter((d) => d.kind === 'WorkloadGroup' && d.metadata.namespace === first.namespace).map((d) => d.metadata.name)).toContain(`${String(first.name)}-canary`);
  });
});

describe('negative cases', () => {
  it('the values schema rejects unknown keys and malformed entries', async () => {
    const { parsed } = await renderedCase('crds-registration');
    expect(validateValues({ ...(parsed.mesh as object), profile: 'demo' })).toBe(false);
    const bad = structuredClone(parsed.mesh) as { spire: { staticEntries: Record<string, { spiffeID: string }> } };
    Object.values(bad.spire.staticEntries)[0]!.spiffeID = 'example.org/ns/x';
    expect(validateValues(bad)).toBe(false);
  });

  it('the chart refuses ClusterStaticEntries without a className, which the controller would ignore', async () => {
    const { parsed } = await renderedCase('crds-registration');
    const values = structuredClone(parsed.mesh) as { spire: { className: string } };
    values.spire.className = '';
    await expect(render(values)).rejects.toThrow(/spire\.className is required/);
  });

  it('the CRD validator flags a field the API server would prune', async () => {
    const { parsed } = await renderedCase('aws-cloudinit');
    const wg = (await render(parsed.mesh)).find((d) => d.kind === 'WorkloadGroup')!;
    (wg.spec!.template as Record<string, unknown>).adress = '10.0.0.1';
    expect(validateK8sResource(wg).join('\n')).toMatch(/unknown field "adress"/);
  });
});
