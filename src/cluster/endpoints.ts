/**
 * The contract between the VM side and the cluster side: for every east-west gateway port role a
 * VM uses, the gateway port it dials, the TLS server name (SNI) it sends, and the in-cluster
 * service the gateway routes that SNI to. The gateway values, our chart's Gateway/VirtualService
 * routes and the consistency checker are all computed from this one list, and the VM agent
 * configs must dial exactly these (address = the east-west gateway, mapped in /etc/hosts).
 */
import type { Model, PortRole } from '../model/model.js';
import { ISTIOD_WEBHOOK_SERVICE_PORT, ISTIOD_XDS_SERVICE_PORT, SPIRE_SERVICE_PORT, clusterLocal, spireServerHost } from './names.js';

/** How the gateway treats connections on one role's port. */
export type RouteMode =
  /** Health only (status-port); nothing is routed. */
  | 'none'
  /** Istio mTLS data plane, routed by the SNI of the outbound cluster (AUTO_PASSTHROUGH). */
  | 'auto-passthrough'
  /** TLS passed through untouched and routed by SNI to one in-cluster destination. */
  | 'passthrough'
  /** Bytes passed through untouched on a dedicated port, routed by port alone (no SNI needed). */
  | 'tcp';

/** One port role a VM uses. */
export interface VmEndpoint {
  role: PortRole;
  /** Gateway (Service and listener) port. */
  port: number;
  mode: RouteMode;
  /** Server names the VM sends and the gateway matches (empty for 'none'). */
  sniHosts: string[];
  /** Where the gateway forwards passthrough connections. */
  destination?: { host: string; port: number };
  /** Gateway Service port name (istio gen-eastwest-gateway.sh names; Gloo's tls-spire/tls-otel, mesh-onboarding.md §1.3). */
  portName: string;
  /** JSON pointer of the spec value that sets the port. */
  pointer: string;
}

/** The istiod names a VM may send as SNI: the discoveryAddress host and its FQDN (istio expose-istiod-rev.yaml.tmpl). */
export function istiodSniHosts(model: Pick<Model, 'mesh'>): string[] {
  return [model.mesh.istiod.host, clusterLocal(model.mesh.istiod.host)];
}

/**
 * The istiod routes of revisions whose VMs still run an older payload (mesh.istio.previousRevisions):
 * each revision's istiod is the Service istiod-<revision> in the istiod namespace (the istio/istiod
 * chart's revisioned name, as istiodReleaseName assumes), with the same two SNI names a VM sends.
 */
export function listPreviousIstiodRoutes(model: Pick<Model, 'mesh'>): Array<{ revision: string; host: string; sniHosts: string[] }> {
  return model.mesh.previousRevisions.map((revision) => {
    const host = `istiod-${revision}.${model.mesh.istiod.namespace}.svc`;
    return { revision, host: clusterLocal(host), sniHosts: [host, clusterLocal(host)] };
  });
}

/** Returns the endpoints of flavor istio, in port-role order; otlp only when telemetry is enabled. */
export function listVmEndpoints(model: Model): VmEndpoint[] {
  const p = model.gateway.ports;
  const at = (role: PortRole): string => `/eastWestGateway/ports/${role}`;
  const istiodHost = clusterLocal(model.mesh.istiod.host);
  const out: VmEndpoint[] = [
    { role: 'status', port: p.status, mode: 'none', sniHosts: [], portName: 'status-port', pointer: at('status') },
    // AUTO_PASSTHROUGH on `*.local` (istio samples/multicluster/expose-services.yaml).
    { role: 'tls', port: p.tls, mode: 'auto-passthrough', sniHosts: ['*.local'], portName: 'tls', pointer: at('tls') },
    { role: 'istiod', port: p.istiod, mode: 'passthrough', sniHosts: istiodSniHosts(model), destination: { host: istiodHost, port: ISTIOD_XDS_SERVICE_PORT }, portName: 'tls-istiod', pointer: at('istiod') },
    { role: 'webhook', port: p.webhook, mode: 'passthrough', sniHosts: istiodSniHosts(model), destination: { host: istiodHost, port: ISTIOD_WEBHOOK_SERVICE_PORT }, portName: 'tls-webhook', pointer: at('webhook') },
    // SPIRE is mTLS end to end and the gateway must not terminate it (spire-otel.md §2.2), but it
    // cannot be routed by SNI: the agent dials server_address = the gateway address with no TLS
    // ServerName (spiffe/spire pkg/agent/client/dial.go), so gRPC uses that host, and Go's
    // crypto/tls sends no SNI for an IP address. The spire port is dedicated, so TCP by port.
    { role: 'spire', port: p.spire, mode: 'tcp', sniHosts: [], destination: { host: clusterLocal(spireServerHost(model)), port: SPIRE_SERVICE_PORT }, portName: 'tls-spire', pointer: at('spire') },
  ];
  if (model.telemetry.enabled) {
    const g = model.telemetry.gateway;
    out.push({ role: 'otlp', port: p.otlp, mode: 'passthrough', sniHosts: [g.sni], destination: { host: g.host, port: g.port }, portName: 'tls-otel', pointer: at('otlp') });
  }
  return out;
}
