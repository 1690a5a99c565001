/**
 * The network rules VMs need, derived from the model (port roles, artifact URLs, secret stores,
 * pod and node ranges), for the bundle README's firewall / security-group table.
 *
 * Outbound, every connection a VM makes to the cluster goes through the east-west gateway
 * (../shared/reference/mesh-onboarding.md §1.3). Inbound is different: the VMs sit on
 * mesh.vmNetwork, which has no gateway, and istio 1.27.1 keeps endpoints of such a network as
 * "directly reachable" (pilot/pkg/xds/endpoints/ep_filters.go: `len(gateways) == 0` → "just add
 * it"); an auto-registered WorkloadEntry carries the VM's own address
 * (pilot/pkg/autoregistration/controller.go). So pods dial the VMs straight, and the gateway's
 * load-balancer address is never the source of inbound traffic. Sources are the pod ranges, the
 * node ranges for CNIs that masquerade pod traffic, and the other VMs of the VM network.
 * Flavor gloo: see {@link GLOO_INBOUND_NOTE}.
 */
import { shortWorkloadName } from '../model/find-workload.js';
import type { Model, PlatformKind, PortRole, SecretRef } from '../model/model.js';

/** One rule of the table. */
export interface FirewallRule {
  /** Which VMs need it: "all VMs", platform names, or a workload. */
  appliesTo: string;
  direction: 'outbound' | 'inbound';
  /** Host, address or description of the peer. */
  destination: string;
  port: number;
  protocol: 'TCP';
  why: string;
}

/** Why a VM dials each gateway port role (mesh-onboarding.md §1.3; spire-otel.md). */
const ROLE_WHY: Partial<Record<PortRole, string>> = {
  tls: 'mesh traffic from the sidecar to services in the cluster (mTLS, AUTO_PASSTHROUGH)',
  istiod: 'the sidecar fetches its configuration (xDS) from istiod',
  spire: 'the SPIRE agent attests the node and receives SVIDs from the SPIRE server',
  otlp: 'the OTel collector sends metrics (OTLP gRPC) to the OTel gateway',
  cacert: 'the Gloo agent fetches the mesh CA certificate (grpc-cacert)',
  bootstrap: 'external-workload bootstrap (grpc-ew-bootstrap)',
};

/** Gateway roles a VM dials; webhook and status serve the cluster and load balancers, not VMs. */
function rolesVmsDial(model: Model): PortRole[] {
  const roles: PortRole[] = ['tls', 'istiod', 'spire'];
  if (model.telemetry.enabled) roles.push('otlp');
  if (model.flavor === 'gloo') roles.push('cacert', 'bootstrap');
  return roles;
}

/** host[:port] origin of an https URL, with its port (default 443). */
function origin(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: u.port ? Number(u.port) : u.protocol === 'http:' ? 80 : 443 };
}

/** The endpoint a VM reaches for a secret reference, or undefined for host files. */
function secretEndpoint(ref: SecretRef): string | undefined {
  switch (ref.scheme) {
    case 'aws-ssm':
      return `ssm.${ref.region ?? '<region>'}.amazonaws.com`;
    case 'aws-secretsmanager':
      return `secretsmanager.${ref.region ?? '<region>'}.amazonaws.com`;
    case 'gcp-secretmanager':
      return 'secretmanager.googleapis.com';
    case 'azure-keyvault':
      return `${ref.vault}.vault.azure.net`;
    case 'file':
      return undefined;
  }
}

/** Instance metadata services, by platform kind (cloud-init.md §1.1–1.3). */
const METADATA: Partial<Record<PlatformKind, string>> = {
  aws: '169.254.169.254 (IMDSv2)',
  azure: '169.254.169.254 (IMDS)',
  gcp: 'metadata.google.internal (169.254.169.254)',
};

/** Lists the rules, in a fixed order: gateway roles, downloads, trust URLs, secret stores, metadata, inbound. */
export function listFirewallRules(model: Model): FirewallRule[] {
  const rules: FirewallRule[] = [];
  const gw = `east-west gateway ${model.gateway.address}`;
  // eastWestGateway.exposure.sourceRanges: the load balancer drops every other source, so a VM's
  // egress address (after NAT) must fall inside them; the reviewer reads that here.
  const ranges = model.gateway.exposure.sourceRanges;
  const admitted = ranges.length > 0 ? `; the gateway admits only ${ranges.join(', ')} (loadBalancerSourceRanges), so the VM's egress address must be inside` : '';
  for (const role of rolesVmsDial(model)) {
    const port = model.gateway.ports[role];
    if (port !== undefined) rules.push({ appliesTo: 'all VMs', direction: 'outbound', destination: gw, port, protocol: 'TCP', why: `${role}: ${ROLE_WHY[role]}${admitted}` });
  }
  const seen = new Set<string>();
  const addOnce = (r: FirewallRule): void => {
    const key = `${r.appliesTo}|${r.destination}|${r.port}`;
    if (!seen.has(key)) rules.push(r), seen.add(key);
  };
  // Only platforms some workload runs on have VMs (an unused one is PLATFORM_UNUSED, issue 16).
  const used = new Set(model.workloads.flatMap((w) => w.placements.map((pl) => pl.platform)));
  const platforms = model.platforms.filter((p) => used.has(p.name));
  // Baked platforms download at image build time (bake.sh), so the rule is the image builder's.
  const baked = platforms.filter((p) => p.bake).map((p) => p.name);
  const booting = platforms.filter((p) => !p.bake).map((p) => p.name);
  const downloaders = [
    ...(booting.length > 0 ? [{ appliesTo: baked.length === 0 ? 'all VMs' : booting.join(', '), when: 'at first boot' }] : []),
    ...(baked.length > 0 ? [{ appliesTo: `image builds of ${baked.join(', ')}`, when: 'by bake.sh' }] : []),
  ];
  const proxy = model.artifacts.proxy.https ?? model.artifacts.proxy.http;
  for (const d of downloaders) {
    if (proxy) {
      const p = origin(proxy);
      addOnce({ appliesTo: d.appliesTo, direction: 'outbound', destination: `proxy ${p.host}`, port: p.port, protocol: 'TCP', why: `package downloads ${d.when} go through the configured proxy` });
      continue;
    }
    for (const pin of model.artifacts.pins) {
      const o = origin(pin.url);
      addOnce({ appliesTo: d.appliesTo, direction: 'outbound', destination: o.host, port: o.port, protocol: 'TCP', why: `pinned package downloads ${d.when}` });
    }
  }
  for (const t of [model.trust.meshRootCA, model.trust.spireBundle, model.telemetry.enabled ? model.telemetry.gateway.ca : undefined]) {
    if (t?.kind !== 'url') continue;
    const o = origin(t.url);
    addOnce({ appliesTo: 'all VMs', direction: 'outbound', destination: o.host, port: o.port, protocol: 'TCP', why: 'trust bundle download' });
  }
  for (const p of platforms) {
    const a = p.attestation;
    const ref = a.type === 'x509pop' ? a.privateKey : a.type === 'join_token' ? a.token : undefined;
    const endpoint = ref ? secretEndpoint(ref) : undefined;
    if (endpoint) addOnce({ appliesTo: p.name, direction: 'outbound', destination: endpoint, port: 443, protocol: 'TCP', why: 'fetch the attestation secret at boot (never stored in user data)' });
  }
  for (const p of platforms) {
    const md = METADATA[p.kind];
    if (md) addOnce({ appliesTo: p.name, direction: 'outbound', destination: md, port: 80, protocol: 'TCP', why: 'instance identity for SPIRE node attestation and metadata for telemetry (link-local: only host firewalls filter it)' });
  }
  for (const w of model.workloads) {
    // `<namespace>/<name>` when another namespace has a workload of this name (issue 16): their
    // rows must neither merge nor read alike. A unique name stays plain, as `--workload` takes it.
    const id = shortWorkloadName(w, model.workloads);
    for (const port of w.ports) {
      const why = `mesh traffic to ${id} port ${port.name} (${port.protocol}), mTLS terminated by the sidecar`;
      for (const source of listInboundSources(model)) {
        addOnce({ appliesTo: `${id} VMs`, direction: 'inbound', destination: source.peer, port: port.number, protocol: 'TCP', why: `${why}; ${source.why}` });
      }
    }
  }
  return rules;
}

/**
 * Flavor gloo: Solo's VM lab (solo-io/workshops gloo-mesh/enterprise/2-9/default/README.md, "Create
 * routes to allow the VM to access the Pods") adds `ip route add <pod CIDR> via <node InternalIP>`
 * on the VM before it tests pod → VM traffic, so replies go straight to the pods there too. Not
 * sourced: whether Gloo ever sends cluster → VM traffic through the east-west gateway (its "About
 * external workloads" page says all communication does). Either way the connection reaches the VM
 * from a pod or node address, never from the gateway's load-balancer address.
 */
export const GLOO_INBOUND_NOTE =
  'Solo\'s VM lab routes the VM to the pod CIDRs before pod → VM traffic; whether Gloo relays cluster → VM traffic through the east-west gateway is not documented, and either way it comes from pod or node addresses';

/** Where inbound mesh traffic to a VM comes from: one entry per source row. */
function listInboundSources(model: Model): Array<{ peer: string; why: string }> {
  const direct = model.flavor === 'gloo' ? GLOO_INBOUND_NOTE : `istiod gives pods the VM's own address (network ${model.mesh.vmNetwork} has no gateway)`;
  const out: Array<{ peer: string; why: string }> = [];
  if (model.mesh.podCIDRs.length > 0) out.push({ peer: `pod CIDRs ${model.mesh.podCIDRs.join(', ')}`, why: direct });
  else out.push({ peer: 'FILL IN: the cluster\'s pod CIDRs (set mesh.podCIDRs and render again)', why: direct });
  if (model.mesh.nodeCIDRs.length > 0) out.push({ peer: `node CIDRs ${model.mesh.nodeCIDRs.join(', ')}`, why: 'CNIs that masquerade pod traffic leaving the cluster use the node address' });
  out.push({ peer: `other VMs on network ${model.mesh.vmNetwork}`, why: 'VMs of the same network reach each other directly' });
  return out;
}
