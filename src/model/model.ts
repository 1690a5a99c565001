/**
 * The internal, version-independent model. Every spec version converts into it (butane-style),
 * and every translator reads only this: a new spec version never touches an emitter.
 * All defaults are resolved, all referenced files are loaded, all artifacts are pinned.
 */

/** Mesh flavor: open-source Istio + SPIRE + OTel, or Gloo Mesh Enterprise. */
export type Flavor = 'istio' | 'gloo';
/** Platform kinds (where VMs run). */
export type PlatformKind = 'aws' | 'gcp' | 'azure' | 'onprem' | 'baremetal';
/** How the first-boot payload reaches the VM. */
export type Delivery = 'cloud-init' | 'startup-script' | 'shell';
/** Supported target operating systems. */
export type TargetOs = 'ubuntu-22.04' | 'ubuntu-24.04' | 'debian-12' | 'rhel-9' | 'amazonlinux-2023';
/** CPU architectures (Debian naming). */
export type Arch = 'amd64' | 'arm64';
/** OS package formats. */
export type PackageFormat = 'deb' | 'rpm';
/** Artifact formats in the lock file. */
export type ArtifactFormat = PackageFormat | 'tar.gz' | 'bin';
/** Downloadable components. */
export type Component = 'istio-sidecar' | 'spire' | 'otelcol-contrib' | 'gloo-workload-agent' | 'meshctl';

/** East-west gateway port roles common to both flavors. */
export const ISTIO_PORT_ROLES = ['tls', 'istiod', 'webhook', 'status', 'spire', 'otlp'] as const;
/** Extra east-west gateway port roles used by Gloo. */
export const GLOO_PORT_ROLES = ['https', 'cacert', 'bootstrap'] as const;
/** A gateway port role; code looks ports up by role, never by number. */
export type PortRole = (typeof ISTIO_PORT_ROLES)[number] | (typeof GLOO_PORT_ROLES)[number];

/**
 * Public trust material: either embedded (content read from --files-dir at validation time)
 * or fetched over HTTPS at boot.
 */
export type TrustSource =
  | { kind: 'inline'; content: string; file: string }
  | { kind: 'url'; url: string };

/** Where the spire-server pod gets cloud credentials from (spec spire.server). */
export interface SpireServerCredentials {
  aws?: { kind: 'irsa'; roleArn: string } | { kind: 'pod-identity' } | { kind: 'secret'; secretName: string };
  azure?: { kind: 'workload-identity'; clientId: string } | { kind: 'secret'; secretName: string };
}

/** A parsed secret reference (never a secret value). */
export type SecretRef =
  | { scheme: 'file'; uri: string; path: string }
  | { scheme: 'aws-ssm'; uri: string; name: string; region?: string }
  | { scheme: 'aws-secretsmanager'; uri: string; id: string; region?: string }
  | { scheme: 'gcp-secretmanager'; uri: string; project: string; secret: string; version: string }
  | { scheme: 'azure-keyvault'; uri: string; vault: string; name: string };

/** How a platform's VMs prove their identity to the SPIRE server (node attestation). */
export type Attestation =
  | {
      type: 'aws_iid';
      accountIds: string[];
      regions: string[];
      assumeRole?: string;
      verifyOrganization?: { managementAccountId: string; managementAccountRegion: string; assumeOrgRole?: string };
    }
  | { type: 'gcp_iit'; projectIds: string[] }
  | { type: 'azure_imds'; tenantId: string; tenantDomain: string; subscriptions: string[]; appId?: string }
  | { type: 'x509pop'; caBundle: TrustSource; certificatePath: string; intermediatesPath?: string; privateKey: SecretRef }
  | { type: 'join_token'; token: SecretRef };

/** The cloud a workload cluster runs on, where it decides load-balancer annotations. */
export type ClusterCloud = 'aws' | 'gcp' | 'azure';

/** Who can reach the east-west gateway load balancer. */
export interface GatewayExposure {
  /** CIDR blocks (Service loadBalancerSourceRanges), as written; empty = every source. */
  sourceRanges: string[];
  /** An internal (private) load balancer, through the annotations of `cloud`. */
  internal: boolean;
  cloud?: ClusterCloud;
}

/** One resolved platform. */
export interface PlatformModel {
  name: string;
  kind: PlatformKind;
  delivery: Delivery;
  bake: boolean;
  /** Every OS and every arch of the targets, sorted (the union over `pairs`). */
  targets: { os: TargetOs[]; arch: Arch[] };
  /**
   * The (OS, arch) pairs the payload must run on, sorted by OS then arch: the cross product for
   * the object form of targets, exactly the written pairs for the per-OS list form.
   */
  pairs: Array<{ os: TargetOs; arch: Arch }>;
  /** Package formats the targets need (deb for Debian/Ubuntu, rpm for RHEL/AL2023), sorted. */
  formats: PackageFormat[];
  attestation: Attestation;
  /** JSON pointer of the platform in the spec (for provenance). */
  pointer: string;
}

/** Typed discriminating node selectors, as the user wrote them. */
export interface NodeSelectors {
  aws?: { tags?: Record<string, string>; iamRole?: string; securityGroupId?: string; securityGroupName?: string };
  gcp?: { serviceAccount?: string; labels?: Record<string, string> };
  azure?: { tags?: Record<string, string>; vmName?: string; resourceGroup?: string };
  x509pop?: { subjectCN?: string; san?: Record<string, string> };
}

/** A workload placed on one platform. */
export interface Placement {
  platform: string;
  selectors: NodeSelectors;
  /** SPIRE node selectors (`type:value`), sorted; empty for join-token platforms. */
  spireSelectors: string[];
  /**
   * SPIFFE ID of the node alias this workload's VMs map to on this platform. For a join-token
   * platform, it is the ID an operator passes to `spire-server token generate -spiffeID`.
   */
  nodeAliasId: string;
  pointer: string;
}

/** Readiness probe (exactly one handler). */
export interface Probe {
  httpGet?: { path: string; port: number; scheme: 'HTTP' | 'HTTPS' };
  tcpSocket?: { port: number };
  exec?: { command: string[] };
  grpc?: { port: number; service?: string };
  initialDelaySeconds?: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

/**
 * What names a workload: (namespace, name), as in Kubernetes. Names are unique per namespace
 * only (issue 16), so every bundle path, generated name and `--workload` lookup uses both.
 */
export interface WorkloadKey {
  namespace: string;
  name: string;
}

/** One resolved workload. */
export interface WorkloadModel extends WorkloadKey {
  serviceAccount: string;
  /** Istio SPIFFE ID: spiffe://<td>/ns/<namespace>/sa/<serviceAccount>. */
  spiffeId: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  ports: Array<{ name: string; number: number; protocol: 'HTTP' | 'HTTPS' | 'HTTP2' | 'GRPC' | 'TCP' | 'TLS' | 'MONGO' }>;
  probe?: Probe;
  placements: Placement[];
  pointer: string;
}

/** One pinned download. */
export interface ArtifactPin {
  component: Component;
  version: string;
  format: ArtifactFormat;
  arch: Arch;
  url: string;
  /** Lower-case hex sha256, or null only when allowInsecureSkipChecksums is set. */
  sha256: string | null;
}

/** The fully resolved model every translator reads. */
export interface Model {
  /** metadata.name of the spec. */
  name: string;
  /** Base name of the spec file, for generated-file headers (never an absolute path). */
  sourceName: string;
  description?: string;
  flavor: Flavor;
  mesh: {
    istioVersion: string;
    revision?: string;
    /**
     * Revisions whose VMs still run an older payload during a canary upgrade; the east-west
     * gateway keeps a revision-named istiod route for each (issue 14). Never holds `revision`.
     */
    previousRevisions: string[];
    trustDomain: string;
    clusterName: string;
    meshID: string;
    network: string;
    vmNetwork: string;
    /** Pod and node address ranges: where mesh traffic to the VMs comes from (empty when not given). */
    podCIDRs: string[];
    nodeCIDRs: string[];
    istiod: { namespace: string; service: string; /** <service>.<namespace>.svc */ host: string };
    registration: 'chart-values' | 'crds';
    autoRegistration: boolean;
    dnsCapture: boolean;
  };
  gateway: {
    address: string;
    addressKind: 'ipv4' | 'ipv6' | 'dns';
    namespace: string;
    name: string;
    labels: Record<string, string>;
    /** Ports by role; Gloo roles are present only for flavor gloo. */
    ports: Partial<Record<PortRole, number>> & Record<(typeof ISTIO_PORT_ROLES)[number], number>;
    /** Who can reach the gateway's load balancer (eastWestGateway.exposure). */
    exposure: GatewayExposure;
  };
  trust: {
    meshRootCA: TrustSource;
    spireBundle: TrustSource & { format: 'pem' | 'spiffe' };
  };
  spire: {
    version: string;
    releaseName: string;
    namespace: string;
    /** spire chart 0.30.0 (appVersion 1.15.3), spire-crds 0.6.0. */
    chartVersion: string;
    crdsChartVersion: string;
    /** ClusterStaticEntry spec.className the controller manager watches: <namespace>-<release>. */
    className: string;
    rebootstrapMode: 'never' | 'auto' | 'always';
    /** Cloud credentials of the spire-server pod (spec spire.server), for aws_iid and azure_imds. */
    server: SpireServerCredentials;
  };
  telemetry: {
    enabled: boolean;
    collectorVersion: string;
    gateway: { host: string; port: number; sni: string; ca: TrustSource; /** svid: the VM's SVID is the exporter's client certificate; none: server-only TLS. */ clientCertificate: 'svid' | 'none' };
    resourceAttributes: Record<string, string>;
  };
  gloo?: { version: string; gatewayServiceAccount: string; managementCluster?: string };
  platforms: PlatformModel[];
  workloads: WorkloadModel[];
  artifacts: {
    mirror?: string;
    mirrorCA?: TrustSource;
    proxy: { http?: string; https?: string; noProxy: string[] };
    allowInsecureHttpMirror: boolean;
    skipChecksums: boolean;
    /** The lock file is marked `sample: true`: its pins are not checksums of the real artifacts. */
    samplePins: boolean;
    /** Every artifact the targets need, sorted by component, format, arch. */
    pins: ArtifactPin[];
  };
}
