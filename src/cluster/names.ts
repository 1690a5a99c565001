/**
 * Names of the cluster objects the VM side and our chart refer to. They are derived exactly as
 * the upstream charts derive them, so a rendered Gateway route or README command names the
 * object the chart really creates.
 */
import type { Model } from '../model/model.js';
import { shellCommand } from './shell-words.js';

/**
 * Release name of our vmonboard-mesh chart in the README commands (one release per spec). It
 * contains the chart name, so the chart's fullname is the release name itself (helm create
 * "fullname" convention) and object names stay short. Helm caps release names at 53 characters.
 */
export function meshReleaseName(model: Pick<Model, 'name'>): string {
  return `vmonboard-mesh-${model.name}`.slice(0, 53).replace(/-+$/, '');
}

/**
 * Name of the SPIRE server Service, StatefulSet and ServiceAccount. The spire umbrella chart sets
 * the subchart's nameOverride to "server" (charts/spire/values.yaml `spire-server.nameOverride`),
 * and "spire-server.fullname" is `<release>` when the release name contains the name, otherwise
 * `<release>-<name>`, truncated to 63 (spiffe/helm-charts-hardened
 * charts/spire/charts/spire-server/templates/_helpers.tpl).
 */
export function spireServerName(model: Pick<Model, 'spire'>): string {
  const release = model.spire.releaseName;
  const full = release.includes('server') ? release : `${release}-server`;
  return full.slice(0, 63).replace(/-+$/, '');
}

/**
 * `spire-server <args>` run inside the server pod, as one quoted command line: the StatefulSet
 * pod <fullname>-0, container spire-server (the subchart's name), default API socket. The
 * cluster README and the offboarding scripts both print it.
 */
export function spireServerExec(model: Pick<Model, 'spire'>, ...args: string[]): string {
  return shellCommand('kubectl', '-n', model.spire.namespace, 'exec', `${spireServerName(model)}-0`, '-c', 'spire-server', '--', '/opt/spire/bin/spire-server', ...args);
}

/** In-cluster DNS name of the SPIRE server Service (`<svc>.<ns>.svc`); the SNI VMs send. */
export function spireServerHost(model: Pick<Model, 'spire'>): string {
  return `${spireServerName(model)}.${model.spire.namespace}.svc`;
}

/**
 * The SPIRE server Service port. The chart maps `service.port` (default 443) to the container's
 * grpc port 8081 (charts/spire/charts/spire-server/values.yaml `service.port`; spire-otel.md §2.2:
 * "the port VMs dial is service.port (default 443), not 8081").
 */
export const SPIRE_SERVICE_PORT = 443;

/** The istiod webhook Service port behind gateway port 15017 (istio samples/multicluster/expose-istiod.yaml routes 15017 → 443). */
export const ISTIOD_WEBHOOK_SERVICE_PORT = 443;
/** The istiod xDS/CA Service port (expose-istiod.yaml routes 15012 → 15012). */
export const ISTIOD_XDS_SERVICE_PORT = 15012;

/**
 * Fully qualified in-cluster name of a `<svc>.<ns>.svc` host. The istio samples route to
 * `istiod.istio-system.svc.cluster.local` (expose-istiod.yaml), i.e. the default cluster domain,
 * which is also the spire chart's default (charts/spire/values.yaml `global.k8s.clusterDomain`).
 */
export function clusterLocal(svcHost: string): string {
  return svcHost.endsWith('.svc') ? `${svcHost}.cluster.local` : svcHost;
}

/** The SPIRE server's own SPIFFE ID: the parent of node-alias entries (spire-otel.md §1.3, `ServerIDPath`). */
export function spireServerId(model: Pick<Model, 'mesh'>): string {
  return `spiffe://${model.mesh.trustDomain}/spire/server`;
}

/** Helm release of the east-west gateway (istio/gateway chart); its Service has the same name via the `name` value. */
export function eastWestReleaseName(model: Pick<Model, 'gateway'>): string {
  return model.gateway.name;
}

/** Helm release of istiod: `istiod` or `istiod-<revision>`, matching the istiod Service name. */
export function istiodReleaseName(model: Pick<Model, 'mesh'>): string {
  return model.mesh.istiod.service;
}

/**
 * Start of the SPIRE registration entry keys of one placement (`<key>-node`, `<key>-sidecar`):
 * the ClusterStaticEntry names and the spire chart's clusterStaticEntries keys. Namespace, name
 * and platform are all DNS labels that may hold '-', so two placements can meet here
 * (`a-b`/`c` and `a`/`b-c` on one platform); the unique-names rule refuses that spec, since one
 * VM's entries would silently replace the other's.
 */
export function spireEntryKeyBase(namespace: string, workload: string, platform: string): string {
  return `${namespace}-${workload}-${platform}`;
}
