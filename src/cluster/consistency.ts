/**
 * Cross-artifact consistency: everything the VM side uses (gateway ports by role, the SNI names it
 * sends, trust domain, networks, istiod revision, SPIFFE IDs and their parents) must be served by
 * the rendered cluster artifacts. The checker reads the artifacts as parsed back from the bundle,
 * so it judges what is really written; the VM side's expectations come from the model, which is
 * all the VM translators read, via the shared endpoint list (endpoints.ts).
 */
import type { Model } from '../model/model.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import { workloadGroupKey, workloadGroupsByName, type ClusterArtifacts } from './cluster-artifacts.js';
import { listPreviousIstiodRoutes, listVmEndpoints } from './endpoints.js';
import { listSpireEntries, type SpireEntry } from './registration.js';
import { SPIRE_SERVICE_PORT } from './names.js';
import { NETWORK_LABEL } from './gateway-values.js';
import { checkAttestorCoverage } from './attestor-coverage.js';
import { checkVmUsage } from './vm-consistency.js';
import { readVmUsage, type VmUsage } from './vm-usage.js';
import { asList as list, asRecord as record, dig } from './values-access.js';

type Unlocated = Diagnostic & { atKey?: boolean };

/** The cluster artifacts as parsed from cluster/*.values.yaml (re-exported for the check's callers). */
export type { ClusterArtifacts };

/**
 * Checks the rendered cluster artifacts against what the VMs use; returns findings with a pointer
 * into the spec, one per code and pointer. `usage` is what the VM files say (vm-usage.ts); without
 * it, the usage the VM contract derives from the model is checked.
 */
export function checkClusterConsistency(model: Model, a: ClusterArtifacts, usage: VmUsage[] = readVmUsage(model, () => undefined)): Unlocated[] {
  const out: Unlocated[] = [];
  const report = (code: DiagnosticCode, pointer: string, message: string): void => {
    out.push({ severity: 'error', code, pointer, message });
  };
  const td = model.mesh.trustDomain;

  // Trust domain: SPIRE issues, istiod validates, and the VM agent joins one trust domain.
  for (const [file, v] of [['spire.values.yaml global.spire.trustDomain', dig(a.spire, 'global', 'spire', 'trustDomain')], ['istiod.values.yaml meshConfig.trustDomain', dig(a.istiod, 'meshConfig', 'trustDomain')]] as const) {
    if (v !== td) report('CLUSTER_TRUST_DOMAIN_MISMATCH', '/mesh/trustDomain', `the VMs use trust domain "${td}" but ${file} is ${JSON.stringify(v ?? null)}`);
  }

  // Networks: the gateway announces the cluster network; WorkloadGroups place VMs on theirs.
  const net = model.mesh.network;
  const gwNet = [dig(a.gateway, 'labels', NETWORK_LABEL), dig(a.gateway, 'env', 'ISTIO_META_REQUESTED_NETWORK_VIEW'), dig(a.istiod, 'global', 'network')];
  if (gwNet.some((v) => v !== net)) report('CLUSTER_NETWORK_MISMATCH', '/mesh/network', `the cluster network is "${net}", but the gateway label, its requested network view and istiod global.network are ${JSON.stringify(gwNet)}`);
  for (const [i, w] of list(dig(a.mesh, 'workloads')).entries()) {
    if (dig(w, 'network') !== model.mesh.vmNetwork) report('CLUSTER_NETWORK_MISMATCH', '/mesh/vmNetwork', `mesh-registration workloads[${i}] puts VMs on network ${JSON.stringify(dig(w, 'network') ?? null)}, but they run on "${model.mesh.vmNetwork}"`);
  }

  // Revision: the VMs dial istiod[-<rev>]; istiod, the gateway and the route must agree.
  const rev = model.mesh.revision ?? '';
  for (const [file, v] of [['istiod.values.yaml revision', dig(a.istiod, 'revision')], ['eastwest-gateway.values.yaml revision', dig(a.gateway, 'revision')]] as const) {
    if ((v ?? '') !== rev) report('CLUSTER_REVISION_MISMATCH', '/mesh/istio/revision', `the VMs use istiod revision "${rev}" but ${file} is ${JSON.stringify(v ?? '')}`);
  }

  checkPorts(model, a, report);
  const groups = workloadGroupsByName(a);
  checkRegistration(model, a, groups, report);
  out.push(...checkAttestorCoverage(model, a.spire), ...checkVmUsage(model, a, groups, usage));
  // One broken value often breaks several uses of it; report each code once per spec location.
  const seen = new Set<string>();
  return out.filter((d) => {
    const key = `${d.code} ${d.pointer}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function checkPorts(model: Model, a: ClusterArtifacts, report: (c: DiagnosticCode, p: string, m: string) => void): void {
  const served = new Set(list(dig(a.gateway, 'service', 'ports')).map((p) => dig(p, 'port')));
  const ew = dig(a.mesh, 'eastWest');
  const spirePort = dig(a.spire, 'spire-server', 'service', 'port') ?? SPIRE_SERVICE_PORT;
  for (const e of listVmEndpoints(model)) {
    if (!served.has(e.port)) report('CLUSTER_PORT_NOT_SERVED', e.pointer, `the VMs use port ${e.port} (role ${e.role}) of the east-west gateway, but eastwest-gateway.values.yaml service.ports does not serve it`);
    if (e.mode === 'none') continue;
    let route: { enabled: boolean; port: unknown; sni: unknown; host?: unknown; target?: unknown };
    if (e.role === 'tls') route = { enabled: dig(ew, 'crossNetwork', 'enabled') === true, port: dig(ew, 'crossNetwork', 'port'), sni: dig(ew, 'crossNetwork', 'hosts') };
    else if (e.role === 'istiod' || e.role === 'webhook') {
      const k = e.role === 'istiod' ? 'xds' : 'webhook';
      route = { enabled: dig(ew, 'istiod', 'enabled') === true, port: dig(ew, 'istiod', k, 'port'), sni: dig(ew, 'istiod', 'sniHosts'), host: dig(ew, 'istiod', 'host'), target: dig(ew, 'istiod', k, 'targetPort') };
    } else {
      const r = dig(ew, 'passthrough', e.role);
      const protocol = e.mode === 'tcp' ? 'TCP' : 'TLS';
      route = { enabled: r !== undefined && dig(r, 'protocol') === protocol, port: dig(r, 'port'), sni: dig(r, 'sniHosts'), host: dig(r, 'host'), target: dig(r, 'targetPort') };
    }
    const missingSni = e.sniHosts.filter((s) => !list(route.sni).includes(s));
    const dest = e.destination;
    const wrongDest = dest !== undefined && (route.host !== dest.host || route.target !== dest.port);
    if (!route.enabled || route.port !== e.port || missingSni.length > 0 || wrongDest) {
      const want = `port ${e.port}${e.mode === 'tcp' ? ' by port' : `, SNI ${e.sniHosts.join(', ')}`}${dest ? ` → ${dest.host}:${dest.port}` : ''}`;
      report('CLUSTER_ROUTE_MISSING', e.pointer, `the east-west gateway has no route for role ${e.role} as the VMs use it (${want}) in mesh-registration.values.yaml`);
    }
  }
  // Canary upgrades: every previous revision keeps its own istiod route, apart from the current one.
  const kept = list(dig(ew, 'istiod', 'previousRevisions'));
  listPreviousIstiodRoutes(model).forEach((want, i) => {
    const got = kept.find((r) => dig(r, 'revision') === want.revision);
    if (!got || dig(got, 'host') !== want.host || want.sniHosts.some((h) => !list(dig(got, 'sniHosts')).includes(h))) {
      report('CLUSTER_ROUTE_MISSING', `/mesh/istio/previousRevisions/${i}`, `VMs still on revision ${want.revision} dial ${want.sniHosts[0]}, but mesh-registration.values.yaml keeps no route for it`);
    }
  });
  const spireRoute = dig(ew, 'passthrough', 'spire', 'targetPort');
  if (spireRoute !== undefined && spireRoute !== spirePort) {
    report('CLUSTER_ROUTE_MISSING', '/eastWestGateway/ports/spire', `the spire route targets port ${String(spireRoute)} but the SPIRE server Service listens on ${String(spirePort)} (spire.values.yaml spire-server.service.port)`);
  }
}

/** Entries as declared in the artifacts, for the chosen registration mode. */
function declaredEntries(model: Model, a: ClusterArtifacts): Array<Record<string, unknown>> {
  if (model.mesh.registration === 'chart-values') return Object.values(record(dig(a.spire, 'spire-server', 'controllerManager', 'identities', 'clusterStaticEntries'))).map(record);
  // The controller manager ignores entries of another class (spire-otel.md §2.2).
  if (dig(a.mesh, 'spire', 'className') !== model.spire.className) return [];
  return Object.values(record(dig(a.mesh, 'spire', 'staticEntries'))).map(record);
}

function checkRegistration(model: Model, a: ClusterArtifacts, groups: ReadonlyMap<string, unknown>, report: (c: DiagnosticCode, p: string, m: string) => void): void {
  const declared = declaredEntries(model, a);
  const where = model.mesh.registration === 'chart-values' ? 'spire.values.yaml clusterStaticEntries' : `mesh-registration.values.yaml spire.staticEntries (class ${model.spire.className})`;
  // Indexed, not scanned: a fleet has thousands of entries and a nested scan is quadratic.
  const keyOf = (spiffeID: unknown, parentID: unknown, selectors: unknown): string => JSON.stringify([spiffeID, parentID, [...list(selectors)].map(String).sort()]);
  const declaredKeys = new Set(declared.map((d) => keyOf(d.spiffeID, d.parentID, d.selectors)));
  const has = (e: SpireEntry): boolean => declaredKeys.has(keyOf(e.spiffeID, e.parentID, e.selectors));
  for (const e of listSpireEntries(model)) {
    if (!has(e)) report('CLUSTER_REGISTRATION_MISSING', e.pointer, `no ${e.kind} entry for ${e.spiffeID} with parent ${e.parentID} and selectors ${e.selectors.join(', ') || '(none)'} in ${where}, so the VM ${e.kind === 'sidecar' ? 'sidecar gets no certificate' : 'is never mapped to its alias'}`);
    if (!e.spiffeID.startsWith(`spiffe://${model.mesh.trustDomain}/`)) report('CLUSTER_TRUST_DOMAIN_MISMATCH', e.pointer, `${e.spiffeID} is outside trust domain ${model.mesh.trustDomain}`);
  }
  if (dig(a.mesh, 'workloadGroups', 'enabled') !== true && model.workloads.length > 0) report('CLUSTER_REGISTRATION_MISSING', '/workloads', 'mesh-registration.values.yaml renders no WorkloadGroups, so istiod cannot auto-register the VMs');
  for (const w of model.workloads) {
    const g = groups.get(workloadGroupKey(w.namespace, w.name));
    if (!g || dig(g, 'serviceAccount') !== w.serviceAccount) report('CLUSTER_REGISTRATION_MISSING', w.pointer, `mesh-registration.values.yaml has no workload ${w.namespace}/${w.name} with serviceAccount ${w.serviceAccount}, the identity the VM's certificate names`);
  }
}
