/**
 * Sourced facts about Gloo Mesh Enterprise external-workload (VM) onboarding, as data. Every
 * constant cites where it was read; the cluster and VM translators of flavor gloo read only these,
 * so a fact is changed in one place. Tags follow ../shared/reference/gloo-vm-facts.md
 * ([verified] read in the source; nothing here is [inferred] unless it says so).
 */

/**
 * The oldest Gloo Platform release with the ExternalWorkload flow: 2.5.0 (gloo-vm-facts.md §1.2,
 * §2.2: workshops 2.5.0 to 2.9.1). Pre-releases of 2.5.0 needed
 * `enabledExperimentalApi` on the CRD chart instead of the feature gate (§2.2), so they are older.
 */
export const GLOO_MIN_VERSION = '2.5.0';

/**
 * `--gateway-service-account` appears in every workshop onboarding from agent 2.6.0-rc1 on and in
 * none before (gloo-vm-facts.md §1.2, first commit bc3ddb7d, 2024-06-25).
 */
export const GATEWAY_SA_FLAG_SINCE = '2.6.0-rc1';

/** Helm repository of gloo-platform and gloo-platform-crds (solo-io/workshops, every `helm upgrade --install gloo-platform*`). */
export const GLOO_HELM_REPO = 'https://storage.googleapis.com/gloo-platform/helm-charts';

/** Namespace of the Gloo releases and of `gloo-spire-server` (gloo-vm-facts.md §2.3; workshops `--namespace gloo-mesh`). */
export const GLOO_NAMESPACE = 'gloo-mesh';

/** The SPIRE server Deployment the gloo-platform chart creates with glooSpireServer.enabled (gloo-vm-facts.md §2.3). */
export const GLOO_SPIRE_DEPLOYMENT = 'gloo-spire-server';

/**
 * The SPIRE datastore credentials the workshops set (gloo-vm-facts.md §2.3): database and user
 * `spire`. The password is the operator's: no sourced gloo-platform key reads it from an
 * existing Secret, so it is passed at install time (see cluster/README.md) and never rendered.
 */
export const SPIRE_DB = { database: 'spire', username: 'spire' } as const;

/** The telemetry pipeline that relays OTLP from VM collectors (gloo-vm-facts.md §2.4, chart comment 2.5.5). */
export const OTLP_RELAY_PIPELINE = 'metrics/otlp_relay';

/**
 * Gateway Service port names per role: the gloo-mesh-use-cases vm-agent IstioOperators
 * (gloo-vm-facts.md §4: status-port, https, tls, tls-spire, tls-istiod, tls-otel, grpc-cacert,
 * grpc-ew-bootstrap), plus the workshop's `tcp-webhook` for 15017 (mesh-onboarding.md §1.3),
 * which the use-cases file does not list. Only `tls` is known to be required by name ("Gloo Mesh
 * looks for this default name 'tls' on a gateway").
 */
export const GLOO_PORT_NAMES = {
  status: 'status-port',
  https: 'https',
  tls: 'tls',
  spire: 'tls-spire',
  istiod: 'tls-istiod',
  webhook: 'tcp-webhook',
  otlp: 'tls-otel',
  cacert: 'grpc-cacert',
  bootstrap: 'grpc-ew-bootstrap',
} as const;

/**
 * Target port of the `https` role: the use-cases IstioOperators map 443 → 8443 ("Main HTTPS port
 * for east-west ISTIO_MUTUAL connection"); every other role targets its own port number there.
 */
export const HTTPS_TARGET_PORT = 8443;

/** Order of the roles in the gateway Service: status-port first ("For AWS ELBs, this port must be listed first"), then the use-cases order. */
export const GLOO_PORT_ORDER = ['status', 'https', 'tls', 'spire', 'istiod', 'webhook', 'otlp', 'cacert', 'bootstrap'] as const;

/** The onboarding command as Solo's CI runs it (gloo-vm-facts.md §1.6; solo-io/workshops run.sh). */
export const ONBOARD = {
  /** `meshctl ew onboard` runs under `timeout 1m`. */
  timeoutSeconds: 60,
  /*
   * No retry: the CI loops up to MAX_ATTEMPTS=10 but mints a new join token for every attempt,
   * and a SPIRE join token is single-use (spiffe/spire v1.15.3 doc/plugin_server_nodeattestor_jointoken.md),
   * which a VM cannot mint. Only the steps before meshctl, which cannot have used the token, are
   * retried (downloads, the gateway wait); meshctl runs once.
   */
  /** `cat output.log | grep "Onboarding complete!"`. */
  successMarker: 'Onboarding complete!',
  /** The workshop copies meshctl to /usr/local/bin/ on the VM and runs it as root. */
  meshctlPath: '/usr/local/bin/meshctl',
  /** The only `--attestor` value seen (gloo-vm-facts.md §1.3). */
  attestor: 'token',
} as const;

/**
 * The CI waits for the east-west gateway's `grpc-cacert` port before onboarding:
 * `timeout -v 1m bash -c "until nc -z ${EW_GW_ADDR} 31338; do sleep 1; done"` (gloo-vm-facts.md §1.6).
 * A VM may boot before its gateway is reachable, so the payload waits longer, with the same check.
 */
export const CACERT_WAIT_SECONDS = 600;

/** A join token from `meshctl external-workload gen-token` is a UUID (gloo-vm-facts.md §1.7, the CI's regex). */
export const JOIN_TOKEN_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** Compares two versions `MAJOR.MINOR.PATCH[-pre]` by SemVer precedence (a pre-release sorts before its release). */
export function compareVersions(a: string, b: string): number {
  const split = (v: string): { core: number[]; pre: string[] } => {
    const [main = '', ...rest] = v.replace(/\+.*$/, '').split('-');
    return { core: main.split('.').map((n) => Number.parseInt(n, 10) || 0), pre: rest.length > 0 ? rest.join('-').split('.') : [] };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.core[i] ?? 0) - (y.core[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre.length === 0 || y.pre.length === 0) return x.pre.length === y.pre.length ? 0 : x.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) {
      const d = Number(p) - Number(q);
      if (d !== 0) return Math.sign(d);
    } else if (pn !== qn) {
      return pn ? -1 : 1;
    } else if (p !== q) {
      return p < q ? -1 : 1;
    }
  }
  return 0;
}

/** True when this Gloo version's `meshctl ew onboard` takes `--gateway-service-account` (seen from 2.6.0-rc1 on). */
export function takesGatewayServiceAccount(glooVersion: string): boolean {
  return compareVersions(glooVersion, GATEWAY_SA_FLAG_SINCE) >= 0;
}
