/**
 * Cross-artifact consistency: the rendered cluster artifacts of every golden case serve what the
 * VMs use; breaking one artifact (a gateway without the spire port, disagreeing trust domains,
 * ...) yields the matching diagnostic, located in the spec by line.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkClusterConsistency, type ClusterArtifacts } from '../../src/cluster/consistency.js';
import { checkVmUsage } from '../../src/cluster/vm-consistency.js';
import { workloadGroupsByName } from '../../src/cluster/cluster-artifacts.js';
import { readVmUsage } from '../../src/cluster/vm-usage.js';
import { validateSpecFile } from '../../src/api.js';
import { GOLDEN_DIR, GOLDEN_FILES, goldenCases } from '../helpers/golden-cases.js';
import { cloneArtifacts, renderedCase } from './cluster-fixtures.js';

const cases = goldenCases().filter((n) => !n.startsWith('gloo'));

/** Runs the checker on a broken copy and locates its findings in the case's spec. */
async function checkBroken(name: string, breakIt: (a: ClusterArtifacts) => void): Promise<Array<{ code: string; pointer: string; line?: number; message: string }>> {
  const { model, parsed } = await renderedCase(name);
  const a = cloneArtifacts(parsed);
  breakIt(a);
  const v = await validateSpecFile(join(GOLDEN_DIR, name, 'spec.yaml'), { filesDir: GOLDEN_FILES });
  return v.locate(checkClusterConsistency(model, a));
}

/** 1-based line of the first spec line matching `re`. */
function lineOf(name: string, re: RegExp): number {
  return readFileSync(join(GOLDEN_DIR, name, 'spec.yaml'), 'utf8').split('\n').findIndex((l) => re.test(l)) + 1;
}

function obj(v: unknown): Record<string, unknown> {
  return v as Record<string, unknown>;
}

describe.each(cases)('golden case %s', (name) => {
  it('has consistent cluster artifacts', async () => {
    const { model, parsed } = await renderedCase(name);
    expect(checkClusterConsistency(model, parsed)).toEqual([]);
  });
});

describe('inconsistent artifacts are located diagnostics', () => {
  it('a gateway without the spire port fails at eastWestGateway.ports.spire', async () => {
    const found = await checkBroken('aws-cloudinit', (a) => {
      const svc = obj(obj(a.gateway).service);
      svc.ports = (svc.ports as Array<{ port: number }>).filter((p) => p.port !== 8081);
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'CLUSTER_PORT_NOT_SERVED', pointer: '/eastWestGateway/ports/spire' });
    // The spec leaves the port at its default, so the nearest existing parent is eastWestGateway.
    expect(found[0]!.line).toBe(lineOf('aws-cloudinit', /^eastWestGateway:/));
  });

  it('spire values with another trust domain fail at mesh.trustDomain', async () => {
    const found = await checkBroken('gcp-startup-script', (a) => {
      obj(obj(obj(a.spire).global).spire).trustDomain = 'other.example';
    });
    // The VM's identity is then also outside what SPIRE issues, at the placement.
    expect(found.map((d) => [d.code, d.pointer])).toEqual([
      ['CLUSTER_TRUST_DOMAIN_MISMATCH', '/mesh/trustDomain'],
      ['CLUSTER_REGISTRATION_MISSING', '/workloads/0/platforms/0'],
    ]);
    expect(found[0]!.line).toBe(lineOf('gcp-startup-script', /^\s+trustDomain:/));
    expect(found[0]!.message).toContain('other.example');
  });

  it('istiod values with another trust domain fail too', async () => {
    const found = await checkBroken('onprem-x509pop', (a) => {
      obj(obj(a.istiod).meshConfig).trustDomain = 'cluster.local';
    });
    expect(found.map((d) => d.code)).toEqual(['CLUSTER_TRUST_DOMAIN_MISMATCH']);
  });

  it('a gateway announcing another network fails at mesh.network', async () => {
    const found = await checkBroken('azure-cloudinit', (a) => {
      obj(obj(a.gateway).env).ISTIO_META_REQUESTED_NETWORK_VIEW = 'network2';
    });
    expect(found.map((d) => [d.code, d.pointer])).toEqual([['CLUSTER_NETWORK_MISMATCH', '/mesh/network']]);
  });

  it('a gateway of another istiod revision fails at mesh.istio.revision', async () => {
    const found = await checkBroken('aws-cloudinit', (a) => {
      obj(a.gateway).revision = '1-26';
    });
    expect(found.map((d) => [d.code, d.pointer])).toEqual([['CLUSTER_REVISION_MISMATCH', '/mesh/istio/revision']]);
    expect(found[0]!.line).toBe(lineOf('aws-cloudinit', /^\s+revision:/));
  });

  it('an otlp route with another SNI fails at eastWestGateway.ports.otlp', async () => {
    const found = await checkBroken('aws-bake', (a) => {
      obj(obj(obj(obj(a.mesh).eastWest).passthrough).otlp).sniHosts = ['otel.example.com'];
    });
    // Both the route for the port role and the VM's own server name are unserved.
    expect(found.map((d) => [d.code, d.pointer]).sort()).toEqual([
      ['CLUSTER_ROUTE_MISSING', '/eastWestGateway/ports/otlp'],
      ['CLUSTER_ROUTE_MISSING', '/telemetry/gateway/sni'],
    ]);
  });

  it('a spire route to the container port instead of the Service port fails', async () => {
    const found = await checkBroken('aws-bake', (a) => {
      obj(obj(obj(obj(a.mesh).eastWest).passthrough).spire).targetPort = 8081;
    });
    expect(found.map((d) => [d.code, d.pointer])).toEqual([['CLUSTER_ROUTE_MISSING', '/eastWestGateway/ports/spire']]);
    expect(found[0]!.message).toContain('spire-server.spire-server.svc.cluster.local:443');
  });

  it('a missing sidecar entry fails at the workload placement', async () => {
    const found = await checkBroken('baremetal-jointoken', (a) => {
      const entries = obj(obj(obj(obj(a.spire)['spire-server']).controllerManager).identities).clusterStaticEntries as Record<string, unknown>;
      for (const k of Object.keys(entries)) delete entries[k];
    });
    expect(found.map((d) => [d.code, d.pointer])).toEqual([['CLUSTER_REGISTRATION_MISSING', '/workloads/0/platforms/0']]);
    expect(found[0]!.message).toContain('spiffe://example.org/ns/finance/sa/ledger');
  });

  it('a workload is served by the first WorkloadGroup of its namespace and name only, by both checkers', async () => {
    const { model, parsed } = await renderedCase('baremetal-jointoken');
    const usage = readVmUsage(model, () => undefined);
    // A wrong group in front of the right one: a scan from the start finds the wrong one first.
    const shadowed = cloneArtifacts(parsed);
    const groups = obj(shadowed.mesh).workloads as Array<Record<string, unknown>>;
    groups.unshift({ ...groups[0]!, serviceAccount: 'someone-else' });
    // The right name in another namespace serves nobody.
    const elsewhere = cloneArtifacts(parsed);
    for (const g of obj(elsewhere.mesh).workloads as Array<Record<string, unknown>>) g.namespace = 'other';
    for (const a of [shadowed, elsewhere]) {
      // Both checkers report at /workloads/0, and the check keeps one finding per code and pointer:
      // the model's side first, then each VM's, asked on its own.
      const found = checkClusterConsistency(model, a);
      expect(found.map((d) => [d.code, d.pointer])).toEqual([['CLUSTER_REGISTRATION_MISSING', '/workloads/0']]);
      expect(found[0]!.message).toContain('has no workload finance/ledger with serviceAccount ledger');
      const perVm = checkVmUsage(model, a, workloadGroupsByName(a), usage);
      expect(perVm.map((d) => [d.code, d.pointer])).toEqual([['CLUSTER_REGISTRATION_MISSING', '/workloads/0']]);
      expect(perVm[0]!.message).toContain('registers as finance/ledger with service account ledger, but no such WorkloadGroup');
    }
    // Unbroken, neither finds anything.
    expect(checkVmUsage(model, parsed, workloadGroupsByName(parsed), usage)).toEqual([]);
  });

  it('ClusterStaticEntries of another class are ignored, so every VM entry is missing', async () => {
    const found = await checkBroken('crds-registration', (a) => {
      obj(obj(a.mesh).spire).className = 'spire-server-other';
    });
    // One finding per workload placement (aws, gcp, metal).
    expect(found.filter((d) => d.code === 'CLUSTER_REGISTRATION_MISSING').map((d) => d.pointer)).toEqual(['/workloads/0/platforms/0', '/workloads/0/platforms/1', '/workloads/0/platforms/2']);
  });

  it('a label selector without its allow-listed key fails at the platform', async () => {
    const found = await checkBroken('gcp-startup-script', (a) => {
      delete obj(obj(obj(obj(a.spire)['spire-server']).nodeAttestor).gcpIIT).allowedLabelKeys;
    });
    expect(found.map((d) => [d.code, d.pointer])).toEqual([['CLUSTER_ATTESTOR_MISSING', '/platforms/0']]);
    expect(found[0]!.message).toContain('allowedLabelKeys');
  });

  it('azure secret_auth is flagged, and a missing tag allow-list too', async () => {
    const found = await checkBroken('azure-cloudinit', (a) => {
      const t = obj(obj(obj(obj(obj(obj(obj(obj(a.spire)['spire-server']).unsupportedBuiltInPlugins).nodeAttestor).azure_imds).plugin_data).tenants)['contoso.onmicrosoft.com']);
      t.secret_auth = { app_id: 'x', app_secret: 'y' };
      delete t.allowed_vm_tags;
    });
    expect(found.map((d) => d.code)).toEqual(['CLUSTER_ATTESTOR_MISSING']);
    expect(found[0]!.message).toMatch(/tag app is not in allowed_vm_tags.*secret_auth/);
  });
});
