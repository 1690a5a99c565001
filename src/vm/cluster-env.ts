/**
 * cluster.env, the file istio-start.sh sources with `set -a` before it sets up iptables and starts
 * pilot-agent (istio/istio tools/packaging/common/istio-start.sh). The key set is istioctl's
 * (istioctl/pkg/workload/workload.go createClusterEnv: proxy metadata + overrides) minus the
 * per-VM ISTIO_SVC_IP (istio-start.sh derives it from `hostname --all-ip-addresses`), plus the
 * keys the identity and capture design needs ({@link VMONBOARD_CLUSTER_ENV_KEYS}).
 */
import type { Model, WorkloadModel } from '../model/model.js';
import { safeHeader } from './safe-header.js';
import { buildProxyMetadata, compareBytes, istiodAddress } from './proxy-metadata.js';
import { ISTIO_PATHS, OTEL_USER, SPIRE_AGENT_GROUP } from './paths.js';

/**
 * Keys vmonboard adds to istioctl's set, each read by istio-start.sh or the istio-iptables it runs:
 * - PILOT_ADDRESS: istio-start.sh (1.27.1 included) appends `discoveryAddress: ${PILOT_ADDRESS}` to
 *   the PROXY_CONFIG it exports, and PROXY_CONFIG overrides mesh.yaml (pilot/cmd/pilot-agent/config
 *   getMeshConfig: file, then env). It is the same istiodAddress() as mesh.yaml's discoveryAddress;
 *   test/vm/pilot-address.test.ts checks that the two always agree as the script reads them.
 * - PROV_CERT: where pilot-agent looks for cert-chain.pem/key.pem to present to istiod
 *   (pkg/istio-agent xds_proxy.go getKeyCertPaths); the SVID sync units keep the SPIRE SVID there.
 * - OUTPUT_CERTS empty: nothing but the sync units writes that directory (istio-start.sh keeps an
 *   empty value: `${OUTPUT_CERTS-/etc/certs}`; sidecar.env: "the provisioning cert will remain
 *   under control of the VM provisioning tools").
 * - ISTIO_OUTBOUND_OWNER_GROUPS_EXCLUDE: groups whose traffic iptables leaves alone (Istio 1.14
 *   change notes, istio/istio#37057; tools/istio-iptables constants.go), so the SPIRE agent and
 *   the collector reach the gateway, cloud metadata and trust_bundle_url directly, even while
 *   Envoy is down.
 */
export const VMONBOARD_CLUSTER_ENV_KEYS = ['PILOT_ADDRESS', 'PROV_CERT', 'OUTPUT_CERTS', 'ISTIO_OUTBOUND_OWNER_GROUPS_EXCLUDE'] as const;

/**
 * istioctl's inbound exclusions: "22: ssh is extremely common for VMs ... 15090: prometheus,
 * 15021/15020: agent" with the default status port 15020 (workload.go createClusterEnv).
 */
const LOCAL_EXCLUDE_PORTS = '22,15090,15021,15020';

/**
 * Quotes a value as a single-quoted shell word the way istioctl does (pkg/util/shellescape Quote:
 * `'` + value with every `'` replaced by `'"'"'` + `'`). istioctl leaves a few values made only of
 * "safe" characters bare; quoting every value is equivalent for the shell and matches istioctl's
 * goldens, where even 'latest' and '*' are quoted.
 */
export function quoteShellValue(value: string): string {
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

/** Returns the groups whose outbound traffic the sidecar must not capture for this model. */
export function uncapturedGroups(model: Model): string[] {
  return model.telemetry.enabled ? [SPIRE_AGENT_GROUP, OTEL_USER] : [SPIRE_AGENT_GROUP];
}

/** Builds the cluster.env map for a workload: proxy metadata, istioctl's overrides, vmonboard's keys. */
export function buildClusterEnv(model: Model, workload: WorkloadModel): Record<string, string> {
  const ports = [...workload.ports].sort((a, b) => compareBytes(a.name, b.name)).map((p) => String(p.number));
  const env: Record<string, string> = {
    ...buildProxyMetadata(model, workload),
    // istioctl's overrides, but for a workload without ports: istioctl 1.27.1 writes '*' there
    // ("capture all traffic if no inbound ports are set", istioctl/pkg/workload/workload.go
    // createClusterEnv), which suits a WorkloadGroup whose ports are unknown. A vmonboard workload
    // with no ports is declared outbound-only (issue 16), so inbound capture is turned off: an
    // empty value, which istio-iptables reads as "An empty list will disable" (1.27.1
    // tools/istio-iptables/pkg/cmd/root.go, --istio-inbound-ports; capture/run.go
    // handleInboundPortsInclude skips the inbound chain for ""). istio-start.sh sources cluster.env
    // under `set -a`, so the empty value reaches pilot-agent's flag binding (pkg/flag BindEnv uses
    // os.LookupEnv: set-but-empty counts).
    ISTIO_INBOUND_PORTS: ports.join(','),
    ISTIO_NAMESPACE: workload.namespace,
    ISTIO_SERVICE: `${workload.name}.${workload.namespace}`,
    ISTIO_SERVICE_CIDR: '*',
    ISTIO_LOCAL_EXCLUDE_PORTS: LOCAL_EXCLUDE_PORTS,
    SERVICE_ACCOUNT: workload.serviceAccount,
  };
  // istioctl sets CA_ADDR only for a revisioned control plane (isRevisioned).
  if (model.mesh.revision !== undefined && model.mesh.revision !== 'default') env.CA_ADDR = istiodAddress(model);
  env.PILOT_ADDRESS = istiodAddress(model);
  env.PROV_CERT = ISTIO_PATHS.certDir;
  env.OUTPUT_CERTS = '';
  env.ISTIO_OUTBOUND_OWNER_GROUPS_EXCLUDE = uncapturedGroups(model).join(',');
  return env;
}

/**
 * Renders cluster.env: the header, then `KEY='value'` lines sorted by their bytes (istioctl's
 * mapToString sorts the `KEY=value` strings with sort.Strings), LF-terminated.
 */
export function renderClusterEnv(model: Model, env: Record<string, string>): string {
  for (const key of Object.keys(env)) {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(key)) throw new Error(`cluster.env key is not a shell variable name: ${JSON.stringify(key)}`);
  }
  const lines = Object.entries(env).map(([k, v]) => `${k}=${quoteShellValue(v)}`);
  lines.sort(compareBytes);
  return `${safeHeader(model)}${lines.join('\n')}\n`;
}
