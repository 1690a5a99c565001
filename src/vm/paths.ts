/**
 * Where the three agents' files, binaries, sockets and accounts live on a VM. Every path here is
 * either fixed by an upstream package or script (cited) or chosen by vmonboard (said so); the
 * payload (src/delivery/) installs to the same places, so it imports these instead of repeating them.
 */

/**
 * The SDS socket Istio looks for: `WorkloadIdentityPath = "./var/run/secrets/workload-spiffe-uds"`,
 * `DefaultWorkloadIdentitySocketFile = "socket"` (istio/istio pkg/security/security.go), resolved
 * against pilot-agent's working directory, which is `/` because istio.service sets no
 * WorkingDirectory (tools/packaging/common/istio.service; spire-otel.md §3 item 1).
 */
export const SDS_SOCKET = '/var/run/secrets/workload-spiffe-uds/socket';
/** Directory of {@link SDS_SOCKET}, under /run (/var/run is a symlink to /run on every target OS). */
export const SDS_SOCKET_RUNTIME_DIR = 'secrets/workload-spiffe-uds';

/**
 * Istio sidecar files, from the istio.io VM install page and istioctl's output names
 * (mesh-onboarding.md §2.3): istio-start.sh sources cluster.env; pilot-agent reads the mesh
 * config file and `./etc/certs/root-cert.pem` (FindRootCAForXDS, pkg/istio-agent/agent.go).
 */
export const ISTIO_PATHS = {
  clusterEnv: '/var/lib/istio/envoy/cluster.env',
  mesh: '/etc/istio/config/mesh',
  /** PROV_CERT directory: root-cert.pem, cert-chain.pem and key.pem (pkg/istio-agent getKeyCertPaths). */
  certDir: '/etc/certs',
  rootCert: '/etc/certs/root-cert.pem',
  hosts: '/etc/hosts',
  /** The unit the istio-sidecar package installs (tools/packaging/common/istio.service). */
  unit: 'istio.service',
  dropIn: '/etc/systemd/system/istio.service.d/10-vmonboard.conf',
} as const;

/** The account the istio-sidecar package creates; pilot-agent and Envoy run as it (istio-start.sh EXEC_USER). */
export const ISTIO_PROXY_USER = 'istio-proxy';

/**
 * SPIRE agent paths. SPIRE ships no package or unit (spire-otel.md §5), so these are vmonboard's
 * choices: the binary from the release tarball's `bin/spire-agent`, the config under /etc, and the
 * persistent data_dir that spire-otel.md §5 recommends (systemd StateDirectory=spire/agent).
 */
export const SPIRE_PATHS = {
  bin: '/usr/local/bin/spire-agent',
  config: '/etc/spire/agent/agent.conf',
  /** Embedded bootstrap bundle, named after its trust_bundle_format (PEM, or the SPIFFE bundle's JSON). */
  bootstrapBundle: { pem: '/etc/spire/agent/bootstrap-bundle.pem', spiffe: '/etc/spire/agent/bootstrap-bundle.json' },
  dataDir: '/var/lib/spire/agent',
  unit: 'spire-agent.service',
  unitFile: '/etc/systemd/system/spire-agent.service',
} as const;

/**
 * The primary group the SPIRE agent runs with (systemd `Group=`), created by the payload
 * (`groupadd --system`). The sidecar's iptables rules leave this group's traffic alone through
 * `ISTIO_OUTBOUND_OWNER_GROUPS_EXCLUDE` (Istio 1.14 change notes, issue #37057), so the agent's
 * calls to the SPIRE server, cloud metadata and trust_bundle_url never go through Envoy.
 */
export const SPIRE_AGENT_GROUP = 'spire';

/**
 * otelcol-contrib paths and account, all created by its deb/rpm (opentelemetry-collector-releases
 * distributions/otelcol-contrib: .goreleaser.yaml nfpms, otelcol-contrib.service, preinstall.sh).
 */
export const OTEL_PATHS = {
  config: '/etc/otelcol-contrib/config.yaml',
  /** vmonboard's choice, next to the config the package owns. */
  gatewayCA: '/etc/otelcol-contrib/certs/gateway-ca.pem',
  unit: 'otelcol-contrib.service',
} as const;
/** User and group of the packaged otelcol-contrib.service (`User=`/`Group=otelcol-contrib`). */
export const OTEL_USER = 'otelcol-contrib';

/**
 * vmonboard's own files: the SVID sync units of the identity design (docs/identity.md) and the
 * directory where the payload puts secrets it fetched from a cloud secret store.
 */
export const VMONBOARD_PATHS = {
  svidSyncService: 'vmonboard-svid-sync.service',
  svidSyncTimer: 'vmonboard-svid-sync.timer',
  /** systemd RuntimeDirectory= of the sync service (tmpfs: the workload key never lands on disk). */
  svidRuntimeDir: 'vmonboard-svid',
  secretsDir: '/var/lib/vmonboard/secrets',
} as const;

/**
 * Bundle subdirectories (under vms/<namespace>/<workload>/<platform>/) that hold only agent files from
 * listAgentFiles; payload files stay at the top of that directory, so the two never collide.
 */
export const AGENT_BUNDLE_DIRS = ['istio', 'spire', 'otel', 'systemd'] as const;
