// mesh.yaml against istioctl's mesh.yaml goldens: same inputs → the same discoveryAddress and
// proxyMetadata; the readiness probe carried over; revision-aware istiod address.
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import type { Model } from '../../src/model/model.js';
import { buildMeshConfig, toReadinessProbe } from '../../src/vm/mesh-config.js';
import { readUpstream } from '../helpers/golden-cases.js';
import { variantOf } from './model-variants.js';

type Obj = Record<string, unknown>;

/** The inputs of istioctl's vmconfig tests (see cluster-env.test.ts), as a model. */
async function istioctlInputs(revision: string | undefined): Promise<Model> {
  return variantOf('aws-cloudinit', (m) => {
    delete m.mesh.revision;
    if (revision) m.mesh.revision = revision;
    const service = revision ? `istiod-${revision}` : 'istiod';
    m.mesh.istiod = { namespace: 'istio-system', service, host: `${service}.istio-system.svc` };
    Object.assign(m.mesh, { trustDomain: '', clusterName: 'Kubernetes', meshID: '', vmNetwork: '', autoRegistration: false, dnsCapture: true });
    m.gateway.ports.istiod = 15012;
    const w = m.workloads[0]!;
    Object.assign(w, { name: 'foo', namespace: 'bar', serviceAccount: 'vm-serviceaccount', labels: {}, ports: [] });
    w.probe = { httpGet: { path: '/', port: 8080, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 };
  });
}

describe('same inputs as istioctl → the same ProxyConfig', () => {
  it('revisioned (vmconfig/ipv4): discoveryAddress and proxyMetadata match', async () => {
    const golden = load(readUpstream('istio/workload-testdata/vmconfig/ipv4/mesh.yaml.golden')) as { defaultConfig: Obj };
    const theirs = { ...(golden.defaultConfig.proxyMetadata as Obj) };
    // Inputs of istioctl's test the spec has no equivalent of (meshconfig.yaml, a WorkloadGroup annotation).
    delete theirs.CLUSTER_MESH_CONFIG_VALUE;
    delete theirs.PROXY_CONFIG_ANNOT_VALUE;
    const model = await istioctlInputs('rev-1');
    const ours = buildMeshConfig(model, model.workloads[0]!).defaultConfig as Obj;
    expect(ours.discoveryAddress).toBe(golden.defaultConfig.discoveryAddress);
    expect(ours.proxyMetadata).toEqual(theirs);
    expect((ours.readinessProbe as Obj).httpGet).toMatchObject((golden.defaultConfig.readinessProbe as Obj).httpGet as Obj);
  });

  it('not revisioned (vmconfig-nil-proxy-metadata): proxyMetadata matches; discoveryAddress is the default istiod', async () => {
    const golden = load(readUpstream('istio/workload-testdata/vmconfig-nil-proxy-metadata/mesh.yaml.golden')) as { defaultConfig: Obj };
    const model = await istioctlInputs(undefined);
    const ours = buildMeshConfig(model, model.workloads[0]!).defaultConfig as Obj;
    expect(ours.proxyMetadata).toEqual(golden.defaultConfig.proxyMetadata);
    // istioctl omits it here and pilot-agent falls back to istiod.istio-system.svc:15012; we write it out.
    expect(golden.defaultConfig).not.toHaveProperty('discoveryAddress');
    expect(ours.discoveryAddress).toBe('istiod.istio-system.svc:15012');
  });
});

describe('discoveryAddress follows the spec', () => {
  it('revision, istiod namespace and the gateway istiod port', async () => {
    const model = await variantOf('azure-cloudinit', (m) => {
      m.mesh.istiod = { namespace: 'istio-cp', service: 'istiod-1-27', host: 'istiod-1-27.istio-cp.svc' };
      m.gateway.ports.istiod = 15112;
    });
    expect((buildMeshConfig(model, model.workloads[0]!).defaultConfig as Obj).discoveryAddress).toBe('istiod-1-27.istio-cp.svc:15112');
  });
});

describe('readiness probe', () => {
  it('carries each handler with Istio field names', () => {
    const timing = { periodSeconds: 5, timeoutSeconds: 2, successThreshold: 1, failureThreshold: 4 };
    expect(toReadinessProbe({ tcpSocket: { port: 9080 }, ...timing })).toEqual({ tcpSocket: { port: 9080 }, ...timing });
    expect(toReadinessProbe({ exec: { command: ['/bin/true', '-x'] }, initialDelaySeconds: 3, ...timing })).toEqual({
      exec: { command: ['/bin/true', '-x'] },
      initialDelaySeconds: 3,
      ...timing,
    });
    expect(toReadinessProbe({ grpc: { port: 8443, service: 'health' }, ...timing })).toMatchObject({ grpc: { port: 8443, service: 'health' } });
  });

  it('is absent when the workload has no probe', async () => {
    const model = await variantOf('baremetal-jointoken');
    expect(buildMeshConfig(model, model.workloads[0]!).defaultConfig).not.toHaveProperty('readinessProbe');
  });
});
