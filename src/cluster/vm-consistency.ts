/**
 * The VM half of the consistency check: every address, port, server name, trust domain, network
 * and identity a VM's own files use (vm-usage.ts) must be served by the rendered cluster values.
 * Findings point at the spec field that the mismatching value comes from.
 */
import type { Model } from '../model/model.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import { workloadGroupKey, type ClusterArtifacts } from './cluster-artifacts.js';
import type { VmUsage } from './vm-usage.js';
import { SIDECAR_SELECTOR } from './registration.js';
import { asList, asRecord, asStrings, dig } from './values-access.js';

type Unlocated = Diagnostic & { atKey?: boolean };

/** Sidecar entries as declared for the registration mode (the className gate applies to CRs). */
function sidecarEntries(model: Model, a: ClusterArtifacts): Array<Record<string, unknown>> {
  const all = model.mesh.registration === 'chart-values'
    ? Object.values(asRecord(dig(a.spire, 'spire-server', 'controllerManager', 'identities', 'clusterStaticEntries')))
    : dig(a.mesh, 'spire', 'className') === model.spire.className ? Object.values(asRecord(dig(a.mesh, 'spire', 'staticEntries'))) : [];
  return all.map(asRecord).filter((e) => asStrings(e.selectors).includes(SIDECAR_SELECTOR));
}

/** Checks each VM's usage against the cluster artifacts; `groups` is workloadGroupsByName(a). */
export function checkVmUsage(model: Model, a: ClusterArtifacts, groups: ReadonlyMap<string, unknown>, usage: VmUsage[]): Unlocated[] {
  const out: Unlocated[] = [];
  const report = (code: DiagnosticCode, pointer: string, message: string): void => {
    out.push({ severity: 'error', code, pointer, message });
  };
  const served = new Set(asList(dig(a.gateway, 'service', 'ports')).map((p) => dig(p, 'port')));
  const ew = dig(a.mesh, 'eastWest');
  const td = dig(a.spire, 'global', 'spire', 'trustDomain');
  const entries = sidecarEntries(model, a);
  const gw = model.gateway.address;
  // Indexes instead of scans: with thousands of VMs, find/some per VM would be quadratic.
  const entryKeys = new Set(entries.map((e) => `${String(e.spiffeID)}|${String(e.parentID)}`));
  for (const u of usage) {
    const who = `VM ${u.workload.namespace}/${u.workload.name} on ${u.placement.platform}`;
    for (const t of u.trustDomains) if (t !== td) report('CLUSTER_TRUST_DOMAIN_MISMATCH', '/mesh/trustDomain', `${who} uses trust domain "${t}" but SPIRE serves ${JSON.stringify(td ?? null)}`);

    const dials: Array<[string, { address: string; port: number } | undefined, string]> = [
      ['spire', u.spire, '/eastWestGateway/ports/spire'],
      ['otlp', u.otlp, '/eastWestGateway/ports/otlp'],
    ];
    for (const [role, d, pointer] of dials) {
      if (!d) continue;
      if (d.address !== gw) report('CLUSTER_ROUTE_MISSING', '/eastWestGateway/address', `${who} dials ${role} at ${d.address}, but the cluster serves it only on the east-west gateway ${gw}`);
      if (!served.has(d.port)) report('CLUSTER_PORT_NOT_SERVED', pointer, `${who} dials ${role} on port ${d.port}, which eastwest-gateway.values.yaml service.ports does not serve`);
    }
    const spire = dig(ew, 'passthrough', 'spire');
    // No SNI reaches the gateway from an agent dialing an address, so the route must be by port.
    if (dig(spire, 'protocol') !== 'TCP' || dig(spire, 'port') !== u.spire.port) report('CLUSTER_ROUTE_MISSING', '/eastWestGateway/ports/spire', `${who} reaches SPIRE on port ${u.spire.port} without a TLS server name, but mesh-registration.values.yaml has no TCP route on that port`);
    if (u.otlp) {
      const otlp = dig(ew, 'passthrough', 'otlp');
      if (dig(otlp, 'port') !== u.otlp.port || !asStrings(dig(otlp, 'sniHosts')).includes(u.otlp.sni)) report('CLUSTER_ROUTE_MISSING', '/telemetry/gateway/sni', `${who} sends OTLP to port ${u.otlp.port} with server name "${u.otlp.sni}", which no otlp route matches`);
    }

    if (!served.has(u.istiod.port) || dig(ew, 'istiod', 'xds', 'port') !== u.istiod.port || !asStrings(dig(ew, 'istiod', 'sniHosts')).includes(u.istiod.host)) {
      report('CLUSTER_ROUTE_MISSING', '/eastWestGateway/ports/istiod', `${who} reaches istiod at ${u.istiod.host}:${u.istiod.port}, which the east-west gateway does not serve and route`);
    }
    const mapped = u.hosts[u.istiod.host];
    if (mapped === undefined || (model.gateway.addressKind !== 'dns' && mapped !== gw)) report('CLUSTER_ROUTE_MISSING', '/eastWestGateway/address', `${who} does not map ${u.istiod.host} to the east-west gateway ${gw} in /etc/hosts`);

    const group = groups.get(workloadGroupKey(u.namespace, u.autoRegisterGroup ?? u.workload.name));
    if (!group || dig(group, 'serviceAccount') !== u.serviceAccount) report('CLUSTER_REGISTRATION_MISSING', u.workload.pointer, `${who} registers as ${u.namespace}/${u.autoRegisterGroup ?? u.workload.name} with service account ${u.serviceAccount}, but no such WorkloadGroup is rendered`);
    else if (dig(group, 'network') !== u.network) report('CLUSTER_NETWORK_MISMATCH', '/mesh/vmNetwork', `${who} announces network "${u.network}" but its WorkloadGroup says ${JSON.stringify(dig(group, 'network') ?? null)}`);

    const id = `spiffe://${String(td)}/ns/${u.namespace}/sa/${u.serviceAccount}`;
    if (!entryKeys.has(`${id}|${u.placement.nodeAliasId}`)) report('CLUSTER_REGISTRATION_MISSING', u.placement.pointer, `${who} runs as ${id} under ${u.placement.nodeAliasId}, but no sidecar entry issues that identity there`);
  }
  return out;
}
