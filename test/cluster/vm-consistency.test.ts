/**
 * The VM half of the consistency check, on the VM files as the bundle holds them: the golden VM
 * files are served by the golden cluster files, and a VM file that dials something the cluster
 * does not serve (another port, server name, identity, trust domain) is a located finding.
 */
import { describe, expect, it } from 'vitest';
import { checkClusterConsistency } from '../../src/cluster/consistency.js';
import { readVmUsage, type VmUsage } from '../../src/cluster/vm-usage.js';
import { goldenCases } from '../helpers/golden-cases.js';
import { renderedCase } from './cluster-fixtures.js';

const cases = goldenCases().filter((n) => !n.startsWith('gloo'));

async function usageOf(name: string): Promise<VmUsage[]> {
  const { model, bundle } = await renderedCase(name);
  return readVmUsage(model, (p) => {
    const f = bundle.get(p);
    return typeof f?.content === 'string' ? f.content : undefined;
  });
}

async function checkWith(name: string, edit: (u: VmUsage) => void): Promise<Array<[string, string]>> {
  const { model, parsed } = await renderedCase(name);
  const usage = structuredClone(await usageOf(name));
  edit(usage[0]!);
  return checkClusterConsistency(model, parsed, usage).map((d) => [d.code, d.pointer]);
}

describe.each(cases)('golden case %s', (name) => {
  it('reads every placement from its VM files, and the cluster serves all of it', async () => {
    const { model, parsed } = await renderedCase(name);
    const usage = await usageOf(name);
    expect(usage.length).toBe(model.workloads.reduce((n, w) => n + w.placements.length, 0));
    expect(usage.map((u) => u.source)).toEqual(usage.map(() => 'bundle'));
    expect(checkClusterConsistency(model, parsed, usage)).toEqual([]);
  });
});

describe('VM files the cluster does not serve', () => {
  it('a SPIRE agent dialing another port', async () => {
    expect(await checkWith('aws-cloudinit', (u) => (u.spire.port = 8082))).toEqual([
      ['CLUSTER_PORT_NOT_SERVED', '/eastWestGateway/ports/spire'],
      ['CLUSTER_ROUTE_MISSING', '/eastWestGateway/ports/spire'],
    ]);
  });

  it('a SPIRE agent dialing another address than the east-west gateway', async () => {
    expect(await checkWith('onprem-x509pop', (u) => (u.spire.address = 'spire.example.com'))).toEqual([['CLUSTER_ROUTE_MISSING', '/eastWestGateway/address']]);
  });

  it('a VM agent in another trust domain', async () => {
    expect(await checkWith('azure-cloudinit', (u) => (u.trustDomains = ['example.org', 'cluster.local']))).toEqual([['CLUSTER_TRUST_DOMAIN_MISMATCH', '/mesh/trustDomain']]);
  });

  it('a sidecar running as a service account nothing registers', async () => {
    expect(await checkWith('baremetal-jointoken', (u) => (u.serviceAccount = 'default'))).toEqual([
      ['CLUSTER_REGISTRATION_MISSING', '/workloads/0'],
      ['CLUSTER_REGISTRATION_MISSING', '/workloads/0/platforms/0'],
    ]);
  });

  it('a sidecar announcing another network than its WorkloadGroup', async () => {
    expect(await checkWith('gcp-startup-script', (u) => (u.network = 'network1'))).toEqual([['CLUSTER_NETWORK_MISMATCH', '/mesh/vmNetwork']]);
  });

  it('istiod reached under a name the gateway does not route, or not mapped in /etc/hosts', async () => {
    expect(await checkWith('crds-registration', (u) => (u.istiod.host = 'istiod.istio-system.svc'))).toEqual([
      ['CLUSTER_ROUTE_MISSING', '/eastWestGateway/ports/istiod'],
      ['CLUSTER_ROUTE_MISSING', '/eastWestGateway/address'],
    ]);
  });

  it('a collector presenting another TLS server name', async () => {
    expect(await checkWith('aws-bake', (u) => (u.otlp!.sni = 'otel.example.com'))).toEqual([['CLUSTER_ROUTE_MISSING', '/telemetry/gateway/sni']]);
  });
});
