/**
 * The sidecar's proxy metadata: the same key/value map `istioctl x workload entry configure`
 * builds for a WorkloadGroup (istio/istio istioctl/pkg/workload/workload.go, createMeshConfig),
 * which becomes both mesh.yaml's `defaultConfig.proxyMetadata` and the base of cluster.env.
 * The WorkloadGroup it mirrors is the one the cluster side renders for the workload: named after
 * the workload, in its namespace, with its labels, ports, service account and the VM network.
 */
import type { Model, WorkloadModel } from '../model/model.js';

/**
 * Label lookups of istio/istio pkg/kube/labels CanonicalService: name from
 * service.istio.io/canonical-name, app.kubernetes.io/name, app, else the workload name;
 * revision from service.istio.io/canonical-revision, app.kubernetes.io/version, version, else "latest".
 */
const NAME_LABELS = ['service.istio.io/canonical-name', 'app.kubernetes.io/name', 'app'];
const REVISION_LABELS = ['service.istio.io/canonical-revision', 'app.kubernetes.io/version', 'version'];

function lookupLabel(labels: Record<string, string>, keys: string[]): string | undefined {
  for (const k of keys) if (Object.hasOwn(labels, k)) return labels[k];
  return undefined;
}

/** Returns the canonical service name and revision Istio derives from a workload's labels. */
export function canonicalService(workload: WorkloadModel): { name: string; revision: string } {
  return {
    name: lookupLabel(workload.labels, NAME_LABELS) ?? workload.name,
    revision: lookupLabel(workload.labels, REVISION_LABELS) ?? 'latest',
  };
}

/** Compares strings by their UTF-8 bytes, the order Go uses for sorted map keys and sort.Strings. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Serializes a value the way Go's encoding/json does (istioctl uses json.Marshal): map keys sorted
 * by bytes and the HTML-safe escapes of <, >, & and U+2028/U+2029. The result parses to the same
 * value as JSON.stringify's; matching Go keeps our cluster.env byte-identical to istioctl's.
 */
export function goJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => compareBytes(a, b));
      return Object.fromEntries(entries.map(([k, x]) => [k, sortKeys(x)]));
    }
    return v;
  };
  return JSON.stringify(sortKeys(value))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * ISTIO_META_POD_PORTS: istioctl's marshalWorkloadEntryPodPorts, a list of pilot/pkg/model PodPort
 * sorted by name. PodPort's JSON tags are `name,omitempty`, `containerPort` and `protocol` (no
 * omitempty), so istioctl, which sets no protocol, writes `"protocol":""`.
 */
function podPorts(workload: WorkloadModel): string | undefined {
  if (workload.ports.length === 0) return undefined;
  const sorted = [...workload.ports].sort((a, b) => compareBytes(a.name, b.name));
  // Field order follows the Go struct (encoding/json writes struct fields in declaration order).
  const body = sorted.map((p) => `{"name":${goJson(p.name)},"containerPort":${p.number},"protocol":""}`);
  return `[${body.join(',')}]`;
}

/**
 * Builds the proxy metadata istioctl writes for this workload's WorkloadGroup: the md map of
 * createMeshConfig with clusterID = the cluster name, the WorkloadGroup template network = the VM
 * network, DNS capture per the spec (istioctl's --capture-dns, default true) and
 * ISTIO_META_AUTO_REGISTER_GROUP when auto-registration is on (--autoregister).
 */
export function buildProxyMetadata(model: Model, workload: WorkloadModel): Record<string, string> {
  const canonical = canonicalService(workload);
  const labels: Record<string, string> = {
    ...workload.labels,
    'service.istio.io/canonical-name': canonical.name,
    'service.istio.io/canonical-revision': canonical.revision,
  };
  const md: Record<string, string> = {
    CANONICAL_SERVICE: canonical.name,
    CANONICAL_REVISION: canonical.revision,
    POD_NAMESPACE: workload.namespace,
    SERVICE_ACCOUNT: workload.serviceAccount,
    TRUST_DOMAIN: model.mesh.trustDomain,
    ISTIO_META_CLUSTER_ID: model.mesh.clusterName,
    ISTIO_META_MESH_ID: model.mesh.meshID,
    ISTIO_META_NETWORK: model.mesh.vmNetwork,
    ISTIO_META_WORKLOAD_NAME: workload.name,
    ISTIO_METAJSON_LABELS: goJson(labels),
  };
  const ports = podPorts(workload);
  if (ports !== undefined) md.ISTIO_META_POD_PORTS = ports;
  if (model.mesh.dnsCapture) md.ISTIO_META_DNS_CAPTURE = 'true';
  if (model.mesh.autoRegistration) md.ISTIO_META_AUTO_REGISTER_GROUP = workload.name;
  return md;
}

/**
 * The istiod address the VM dials: istiod's in-cluster host (revision-aware: istiod-<rev>.<ns>.svc,
 * as istioctl's IstiodHost) on the east-west gateway's istiod port, which the hosts block maps to
 * the gateway. istioctl hard-codes 15012 ("TODO make port configurable"); the port role lets a
 * gateway expose istiod elsewhere.
 */
export function istiodAddress(model: Model): string {
  return `${model.mesh.istiod.host}:${model.gateway.ports.istiod}`;
}
