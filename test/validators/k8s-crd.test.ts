import fs from 'node:fs';
import path from 'node:path';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadCrdIndex } from './crd-schema.js';
import { validateK8sResource } from './k8s-crd.js';
import { PROJECT_ROOT, readUpstream } from './upstream.js';

const FIXTURES = path.join(PROJECT_ROOT, 'test/fixtures/validators/k8s');

/** Loads a fixture (first document) as a plain object; each test mutates its own copy. */
function fixture(name: string, index = 0): Record<string, any> {
  const docs = jsYaml.loadAll(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
  return structuredClone(docs[index]) as Record<string, any>;
}

describe('CRD loading', () => {
  it('indexes the served versions of every upstream CRD and compiles each schema', () => {
    const index = loadCrdIndex();
    const kinds = [...index.keys()];
    expect(kinds).toEqual(
      expect.arrayContaining([
        'networking.istio.io/WorkloadGroup',
        'networking.istio.io/WorkloadEntry',
        'networking.istio.io/ServiceEntry',
        'networking.istio.io/Gateway',
        'networking.istio.io/VirtualService',
        'security.istio.io/PeerAuthentication',
        'spire.spiffe.io/ClusterStaticEntry',
        'spire.spiffe.io/ClusterSPIFFEID',
        'networking.gloo.solo.io/ExternalWorkload',
      ]),
    );
    // Every translated schema must compile: an RE2 pattern JS cannot read would surface here.
    for (const versions of index.values()) {
      for (const v of versions) {
        const errors = validateK8sResource({ apiVersion: `${v.group}/${v.version}`, kind: v.kind, metadata: { name: 'x' } });
        expect(errors.every((e) => !e.startsWith('/kind') && !e.startsWith('/apiVersion'))).toBe(true);
      }
    }
  });
});

describe('validateK8sResource: accepts correct resources', () => {
  it.each([
    ['workloadgroup.yaml', 0],
    ['externalworkload.yaml', 0],
    ['clusterstaticentry.yaml', 0],
    ['core.yaml', 0],
    ['core.yaml', 1],
    ['core.yaml', 2],
    ['core.yaml', 3],
  ])('%s #%i', (name, index) => {
    expect(validateK8sResource(fixture(name, index))).toEqual([]);
  });

  it("accepts istio's own multicluster samples (guards against false positives)", () => {
    const docs = jsYaml.loadAll(readUpstream('istio/samples/multicluster/expose-istiod.yaml'));
    docs.push(...jsYaml.loadAll(readUpstream('istio/samples/multicluster/expose-services.yaml')));
    for (const doc of docs) expect(validateK8sResource(doc)).toEqual([]);
  });

  it("accepts istioctl's input WorkloadGroup once its (missing) apiVersion is added", () => {
    const wg = jsYaml.load(readUpstream('istio/workload-testdata/vmconfig/ipv4/workloadgroup.yaml')) as Record<string, unknown>;
    expect(validateK8sResource({ apiVersion: 'networking.istio.io/v1', ...wg })).toEqual([]);
  });
});

describe('validateK8sResource: rejects planted defects', () => {
  it('unknown field in a WorkloadGroup spec', () => {
    const wg = fixture('workloadgroup.yaml');
    wg.spec.template.serviceAcount = 'web';
    expect(validateK8sResource(wg)).toEqual([expect.stringMatching(/^\/spec\/template: unknown field "serviceAcount"/)]);
  });

  it('unknown field at the top of a WorkloadGroup spec', () => {
    const wg = fixture('workloadgroup.yaml');
    wg.spec.autoRegister = true;
    expect(validateK8sResource(wg)).toEqual([expect.stringMatching(/^\/spec: unknown field "autoRegister"/)]);
  });

  it('ExternalWorkload with a bad probe field', () => {
    const ew = fixture('externalworkload.yaml');
    ew.spec.readinessProbe.httpGet.scheme = 'TCP';
    ew.spec.readinessProbe.httpGet.timeout = 3;
    const errors = validateK8sResource(ew);
    expect(errors).toContainEqual(expect.stringMatching(/^\/spec\/readinessProbe\/httpGet: unknown field "timeout"/));
    expect(errors).toContainEqual(expect.stringMatching(/^\/spec\/readinessProbe\/httpGet\/scheme: must be equal to one of/));
  });

  it('ExternalWorkload probe with two handlers violates the oneOf', () => {
    const ew = fixture('externalworkload.yaml');
    ew.spec.readinessProbe.tcpSocket = { port: 8080 };
    expect(validateK8sResource(ew)).toContainEqual(expect.stringMatching(/^\/spec\/readinessProbe: must match exactly one schema/));
  });

  it('ClusterStaticEntry missing selectors', () => {
    const cse = fixture('clusterstaticentry.yaml');
    delete cse.spec.selectors;
    expect(validateK8sResource(cse)).toEqual(["/spec: must have required property 'selectors'"]);
  });

  it('namespace on a cluster-scoped ClusterStaticEntry', () => {
    const cse = fixture('clusterstaticentry.yaml');
    cse.metadata.namespace = 'spire-server';
    expect(validateK8sResource(cse)).toEqual([expect.stringMatching(/^\/metadata\/namespace: ClusterStaticEntry is cluster-scoped/)]);
  });

  it('metadata: missing name, server-owned field, non-string label', () => {
    const wg = fixture('workloadgroup.yaml');
    delete wg.metadata.name;
    wg.metadata.uid = 'abc';
    wg.metadata.labels.version = 2;
    const errors = validateK8sResource(wg);
    expect(errors).toContainEqual("/metadata: must have required property 'name'");
    expect(errors).toContainEqual(expect.stringMatching(/^\/metadata: unknown field "uid"/));
    expect(errors).toContainEqual('/metadata/labels/version: must be string');
  });

  it('an invalid object name (uppercase is not a DNS-1123 subdomain)', () => {
    const wg = fixture('workloadgroup.yaml');
    wg.metadata.name = 'Web';
    expect(validateK8sResource(wg)).toEqual([expect.stringMatching(/^\/metadata\/name: must match pattern/)]);
  });

  it('unknown apiVersion/kind and unserved versions are errors, never valid by default', () => {
    expect(validateK8sResource({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'a' } })).toEqual([
      expect.stringMatching(/^\/kind: no upstream CRD or supported core kind/),
    ]);
    expect(validateK8sResource({ apiVersion: 'networking.istio.io/v9', kind: 'WorkloadGroup', metadata: { name: 'a' }, spec: { template: {} } })).toEqual([
      expect.stringMatching(/^\/apiVersion: WorkloadGroup.networking.istio.io has no served version "v9"/),
    ]);
    expect(validateK8sResource({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' } })).toHaveLength(1);
  });

  it('core Service: unknown spec field, unknown port field, bad type, bad enum', () => {
    const svc = fixture('core.yaml', 2);
    svc.spec.loadBalancerIp = '10.0.0.1';
    svc.spec.ports[0].targetPortt = 8080;
    svc.spec.ports[0].port = '8080';
    svc.spec.type = 'Internal';
    const errors = validateK8sResource(svc);
    expect(errors).toContainEqual(expect.stringMatching(/^\/spec\/loadBalancerIp: unknown field "loadBalancerIp"/));
    expect(errors).toContainEqual(expect.stringMatching(/^\/spec\/ports\/0\/targetPortt: unknown field/));
    expect(errors).toContainEqual(expect.stringMatching(/^\/spec\/ports\/0\/port: must be integer/));
    expect(errors).toContainEqual(expect.stringMatching(/^\/spec\/type: must be equal to one of the allowed values/));
  });

  it('core ConfigMap: non-string data value and unknown top-level field', () => {
    const cm = fixture('core.yaml', 3);
    cm.data.port = 8080;
    cm.spec = {};
    const errors = validateK8sResource(cm);
    expect(errors).toContainEqual(expect.stringMatching(/^\/data\/port: must be string/));
    expect(errors).toContainEqual(expect.stringMatching(/^\/spec: unknown field "spec"/));
  });
});
