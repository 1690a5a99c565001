/**
 * Issue 16 §2: a workload is named by (namespace, name), as in Kubernetes. Two golden specs are
 * rendered with a workload `api` in two namespaces (flavor istio with registration: crds, so
 * ClusterStaticEntry names matter; flavor gloo, so ExternalWorkloads do), and nothing that must be
 * unique collides: bundle paths, offboarding scripts, SPIRE entry keys and SPIFFE IDs, the chart's
 * resources per namespace. The outputs are judged by the consumers the golden tests use: the
 * chart's values.schema.json, Helm's template engine with every resource against its upstream CRD
 * schema (or kubernetes-models for core kinds), `cloud-init schema` for the user data, and the
 * spire chart's key paths.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import AjvModule from 'ajv';
import jsYaml from 'js-yaml';
import { Pod } from 'kubernetes-models/v1';
import { renderSpecFile } from '../../src/api.js';
import type { Bundle } from '../../src/bundle/bundle.js';
import { listSpireEntries } from '../../src/cluster/registration.js';
import { listOffboardPlans } from '../../src/cluster/offboard.js';
import { meshReleaseName } from '../../src/cluster/names.js';
import { vmDir } from '../../src/bundle/layout.js';
import type { Model } from '../../src/model/model.js';
import { findVmPayload, PayloadLookupError } from '../../src/userdata/render-user-data.js';
import { helmTemplate, parseManifests } from '../harness/go-harness.js';
import { GOLDEN_DIR, GOLDEN_FILES, PROJECT_ROOT } from '../helpers/golden-cases.js';
import { runCloudInitSchema } from '../validators/cloud-config.js';
import { checkSpireUmbrellaValues } from '../validators/helm-values.js';
import { validateK8sResource } from '../validators/k8s-crd.js';

type Json = Record<string, any>;
type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: Json };

const CHART = join(PROJECT_ROOT, 'charts/vmonboard-mesh');
const validateValues = new AjvModule.default({ allErrors: true, strict: true, strictRequired: false }).compile(JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as Json);
const scratch = mkdtempSync(join(tmpdir(), 'vmonboard-same-name-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Renders golden case `name` after `edit`, beside a copy of its lock (fails on any error). */
async function renderEdited(name: string, edit: (spec: Json) => void): Promise<{ model: Model; bundle: Bundle; warnings: string[] }> {
  const dir = mkdtempSync(join(scratch, `${name}-`));
  const spec = jsYaml.load(readFileSync(join(GOLDEN_DIR, name, 'spec.yaml'), 'utf8')) as Json;
  edit(spec);
  writeFileSync(join(dir, 'spec.yaml'), jsYaml.dump(spec));
  copyFileSync(join(GOLDEN_DIR, name, 'spec.lock.yaml'), join(dir, 'spec.lock.yaml'));
  const r = await renderSpecFile(join(dir, 'spec.yaml'), { filesDir: GOLDEN_FILES });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => `${d.code} ${d.pointer} ${d.message}`)).toEqual([]);
  return { model: r.model!, bundle: r.bundle!, warnings: r.diagnostics.map((d) => d.code) };
}

/** Renders the chart with these values through Helm's engine and returns its objects. */
async function renderChart(values: unknown, model: Model): Promise<Doc[]> {
  const { manifests } = await helmTemplate({ chartDir: CHART, values, releaseName: meshReleaseName(model), releaseNamespace: 'istio-system' });
  return parseManifests(manifests).map((m) => m.doc as Doc);
}

function problemsOf(d: Doc): string[] {
  if (d.apiVersion === 'v1' && d.kind === 'Pod') {
    try {
      new Pod(d as never).validate();
      return [];
    } catch (e) {
      return [String(e)];
    }
  }
  return validateK8sResource(d);
}

/** Each value once: returns the ones seen twice. */
function repeated(values: string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) !== i);
}

/** Files under a VM directory, relative to it. */
function filesOf(bundle: Bundle, dir: string): string[] {
  return [...bundle.keys()].filter((k) => k.startsWith(`${dir}/`)).map((k) => k.slice(dir.length + 1)).sort();
}

const text = (bundle: Bundle, path: string): string => {
  const f = bundle.get(path);
  if (!f) throw new Error(`the bundle has no ${path}`);
  return typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('utf8');
};

describe('flavor istio (registration: crds): `api` in namespaces bookinfo and search', () => {
  const rendered = renderEdited('crds-registration', (s) => {
    s.workloads[0].name = 'api';
    const other = structuredClone(s.workloads[0]);
    other.namespace = 'search';
    other.platforms[0].selectors.aws.iamRole = 'arn:aws:iam::123456789012:role/search-api';
    other.platforms[1].selectors.gcp.labels.app = 'search-api';
    s.workloads.push(other);
  });

  it('renders both into their own vms/<namespace>/<workload>/<platform>/ and offboarding scripts', async () => {
    const { model, bundle } = await rendered;
    expect(model.workloads.map((w) => `${w.namespace}/${w.name}`)).toEqual(['bookinfo/api', 'search/api']);
    const platforms = model.workloads[0]!.placements.map((pl) => pl.platform);
    expect(platforms).toEqual(['aws-prod', 'gcp-prod', 'metal']);
    for (const p of platforms) {
      const a = vmDir(model.workloads[0]!, p);
      const b = vmDir(model.workloads[1]!, p);
      expect([a, b]).toEqual([`vms/bookinfo/api/${p}`, `vms/search/api/${p}`]);
      expect(filesOf(bundle, a).length).toBeGreaterThan(3);
      expect(filesOf(bundle, b)).toEqual(filesOf(bundle, a));
      // Each VM is told its own namespace: the same name, two identities.
      expect(text(bundle, `${a}/istio/cluster.env`)).toMatch(/^POD_NAMESPACE='bookinfo'$/m);
      expect(text(bundle, `${b}/istio/cluster.env`)).toMatch(/^POD_NAMESPACE='search'$/m);
    }
    const scripts = listOffboardPlans(model).map((p) => p.file);
    expect(repeated(scripts)).toEqual([]);
    for (const f of scripts) expect(bundle.has(f), f).toBe(true);
    expect(scripts).toContain('cluster/offboard/search/api/metal.sh');
  });

  it('gives every placement its own SPIFFE IDs and SPIRE entry keys', async () => {
    const { model } = await rendered;
    const [a, b] = model.workloads;
    expect(a!.spiffeId).toBe('spiffe://example.org/ns/bookinfo/sa/api');
    expect(b!.spiffeId).toBe('spiffe://example.org/ns/search/sa/api');
    const aliases = model.workloads.flatMap((w) => w.placements.map((pl) => pl.nodeAliasId));
    expect(aliases).toHaveLength(6);
    expect(repeated(aliases)).toEqual([]);
    const entries = listSpireEntries(model);
    expect(repeated(entries.map((e) => e.key))).toEqual([]);
    expect(repeated(entries.map((e) => `${e.parentID} ${e.spiffeID}`))).toEqual([]);
  });

  it('renders a chart whose objects are unique per kind and namespace and valid for their CRDs', async () => {
    const { model, bundle } = await rendered;
    const values = jsYaml.load(text(bundle, 'cluster/mesh-registration.values.yaml')) as Json;
    expect(validateValues(values), JSON.stringify(validateValues.errors)).toBe(true);
    expect(Object.keys(values.spire.staticEntries)).toHaveLength(listSpireEntries(model).length);
    const docs = await renderChart(values, model);
    for (const d of docs) expect(problemsOf(d), `${d.kind} ${d.metadata.namespace}/${d.metadata.name}`).toEqual([]);
    // ClusterStaticEntry is cluster-scoped: its names alone must differ.
    expect(repeated(docs.map((d) => `${d.kind} ${d.metadata.namespace ?? '(cluster)'}/${d.metadata.name}`))).toEqual([]);
    const of = (kind: string) => docs.filter((d) => d.kind === kind).map((d) => `${d.metadata.namespace}/${d.metadata.name}`);
    expect(of('WorkloadGroup')).toEqual(['bookinfo/api', 'search/api']);
    expect(of('Service')).toEqual(['bookinfo/api', 'search/api']);
    expect(of('ServiceAccount')).toEqual(['bookinfo/api', 'search/api']);
    expect(docs.filter((d) => d.kind === 'ClusterStaticEntry')).toHaveLength(listSpireEntries(model).length);
    expect(checkSpireUmbrellaValues(jsYaml.load(text(bundle, 'cluster/spire.values.yaml')))).toEqual([]);
  });

  it('writes user data cloud-init accepts for both `api` VMs on aws-prod', async () => {
    const { bundle } = await rendered;
    for (const ns of ['bookinfo', 'search']) {
      const r = await runCloudInitSchema(text(bundle, `vms/${ns}/api/aws-prod/user-data.yaml`));
      expect(r.exitCode, `${ns}: ${r.output}`).toBe(0);
    }
  });

  it('finds a VM by <namespace>/<name>, and refuses the plain name both namespaces have', async () => {
    const { model, bundle } = await rendered;
    expect(findVmPayload(model, bundle, 'search/api', 'aws-prod').path).toBe('vms/search/api/aws-prod/user-data.yaml');
    expect(findVmPayload(model, bundle, 'bookinfo/api', 'metal').path).toBe('vms/bookinfo/api/metal/install.sh');
    let err: unknown;
    try {
      findVmPayload(model, bundle, 'api', 'aws-prod');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PayloadLookupError);
    expect(err).toMatchObject({ code: 'WORKLOAD_AMBIGUOUS', message: 'workload "api" is in 2 namespaces (did you mean "bookinfo/api" or "search/api"?); name one as <namespace>/<name>' });
  });

  it('names each in the bundle README and firewall table as <namespace>/<name>', async () => {
    const { bundle } = await rendered;
    const readme = text(bundle, 'README.md');
    for (const ns of ['bookinfo', 'search']) {
      expect(readme).toContain(`### ${ns}/api on aws-prod`);
      expect(readme).toContain(`vmonboard userdata spec.yaml --workload ${ns}/api --platform aws-prod > user-data`);
      expect(readme).toMatch(new RegExp(`^\\| ${ns}/api VMs \\| inbound \\| pod CIDRs`, 'm'));
    }
  });
});

describe('flavor gloo: `db` in namespaces data and frontend', () => {
  const rendered = renderEdited('gloo-multicluster', (s) => {
    const other = structuredClone(s.workloads[0]);
    other.namespace = 'frontend';
    s.workloads.push(other);
  });

  it('renders two ExternalWorkloads named db, one per namespace, valid for the Gloo CRD', async () => {
    const { model, bundle } = await rendered;
    const values = jsYaml.load(text(bundle, 'cluster/mesh-registration.values.yaml')) as Json;
    expect(validateValues(values), JSON.stringify(validateValues.errors)).toBe(true);
    const docs = await renderChart(values, model);
    for (const d of docs) expect(problemsOf(d), `${d.kind} ${d.metadata.namespace}/${d.metadata.name}`).toEqual([]);
    expect(repeated(docs.map((d) => `${d.kind} ${d.metadata.namespace ?? '(cluster)'}/${d.metadata.name}`))).toEqual([]);
    expect(docs.filter((d) => d.kind === 'ExternalWorkload').map((d) => `${d.metadata.namespace}/${d.metadata.name}`).sort()).toEqual(['data/batch', 'data/db', 'frontend/db', 'frontend/web']);
  });

  it('onboards each VM as its own <namespace>/<name>, from its own directory', async () => {
    const { bundle } = await rendered;
    const a = text(bundle, 'vms/data/db/rack/install.sh');
    const b = text(bundle, 'vms/frontend/db/rack/install.sh');
    expect(a).toContain("'--ext-workload' 'data/db'");
    expect(b).toContain("'--ext-workload' 'frontend/db'");
  });
});
