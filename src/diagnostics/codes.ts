/**
 * The one catalog of diagnostic codes. A code is stable: it is never renamed or reused, so CI
 * scripts may match on it. docs/diagnostics.md is generated from this table (a test keeps it current).
 */
import type { Severity } from './severity.js';

interface CodeInfo {
  severity: Severity;
  /** Which stage reports it. */
  stage: 'load' | 'schema' | 'rules' | 'files' | 'lock' | 'render' | 'ca' | 'cli';
  /** One line for the docs: what it means and how to fix it. */
  summary: string;
}

const catalog = {
  // Reading the YAML itself.
  YAML_SYNTAX: { severity: 'error', stage: 'load', summary: 'The file is not valid YAML; fix the syntax at the reported position.' },
  YAML_DUPLICATE_KEY: { severity: 'error', stage: 'load', summary: 'A mapping repeats a key; YAML readers disagree on which one wins, so remove one.' },
  YAML_MULTIPLE_DOCUMENTS: { severity: 'error', stage: 'load', summary: 'The file holds more than one YAML document; a spec is exactly one.' },
  YAML_NOT_A_MAPPING: { severity: 'error', stage: 'load', summary: 'The document is not a mapping (key: value pairs).' },
  INPUT_TOO_LARGE: { severity: 'error', stage: 'load', summary: 'The input exceeds a size limit (file size, string length or list length); split or shorten it.' },
  INPUT_ALIAS_LIMIT: { severity: 'error', stage: 'load', summary: 'The YAML uses too many aliases (a "billion laughs" expansion); write the values out.' },
  INPUT_NUL_CHARACTER: { severity: 'error', stage: 'load', summary: 'A NUL character cannot be placed safely in any output; remove it.' },
  INPUT_CONTROL_CHARACTER: { severity: 'error', stage: 'load', summary: 'A string holds DEL, a C1 control (NEL among them), U+2028, U+2029, U+FFFE or U+FFFF, which YAML readers drop or turn into line breaks; remove it.' },
  FILE_NOT_READABLE: { severity: 'error', stage: 'load', summary: 'The spec (or lock) file could not be read.' },
  // Which spec version.
  SPEC_UNKNOWN_VERSION: { severity: 'error', stage: 'schema', summary: 'apiVersion is not a supported spec version; the message lists the supported ones.' },
  SPEC_UNKNOWN_KIND: { severity: 'error', stage: 'schema', summary: 'kind must be OnboardingSpec.' },
  // JSON Schema findings (ajv), one code per kind of schema error.
  SCHEMA_REQUIRED: { severity: 'error', stage: 'schema', summary: 'A required field is missing; the position is its parent.' },
  SCHEMA_UNKNOWN_KEY: { severity: 'error', stage: 'schema', summary: 'A key is not part of the spec (often a typo); the position is the key itself.' },
  SCHEMA_TYPE: { severity: 'error', stage: 'schema', summary: 'A value has the wrong type (for example a string where a list is expected).' },
  SCHEMA_ENUM: { severity: 'error', stage: 'schema', summary: 'A value is not one of the allowed values, which the message lists.' },
  SCHEMA_CONST: { severity: 'error', stage: 'schema', summary: 'A value must be exactly the one shown.' },
  SCHEMA_PATTERN: { severity: 'error', stage: 'schema', summary: 'A value does not match the grammar of its field (account ID, ARN, region, path...).' },
  SCHEMA_FORMAT: { severity: 'error', stage: 'schema', summary: 'A value is not a well-formed URL or other formatted string.' },
  SCHEMA_RANGE: { severity: 'error', stage: 'schema', summary: 'A number is outside its allowed range.' },
  SCHEMA_LENGTH: { severity: 'error', stage: 'schema', summary: 'A string is empty or too long.' },
  SCHEMA_ITEMS: { severity: 'error', stage: 'schema', summary: 'A list has too few or too many items, or repeats an item.' },
  SCHEMA_ONE_OF: { severity: 'error', stage: 'schema', summary: 'An object must set exactly one of its alternatives (for example file or url).' },
  SCHEMA_INVALID: { severity: 'error', stage: 'schema', summary: 'Another JSON Schema violation; the message says which.' },
  // Cross-field rules.
  NAME_NOT_DNS1123: { severity: 'error', stage: 'rules', summary: 'A name must be a DNS-1123 label: lowercase letters, digits and -, at most 63 characters, starting and ending alphanumeric.' },
  DUPLICATE_NAME: { severity: 'error', stage: 'rules', summary: 'Two platforms, two workloads in one namespace or two ports of a workload share a name, or two workloads\' SPIRE entry names (<namespace>-<name>-<platform>) would be the same.' },
  DUPLICATE_PORT_NUMBER: { severity: 'error', stage: 'rules', summary: 'Two ports of a workload share a number.' },
  PORT_OUT_OF_RANGE: { severity: 'error', stage: 'rules', summary: 'A port number must be between 1 and 65535.' },
  PORT_ROLE_CONFLICT: { severity: 'error', stage: 'rules', summary: 'Two east-west gateway port roles use the same port number.' },
  UNKNOWN_PLATFORM: { severity: 'error', stage: 'rules', summary: 'A workload names a platform that platforms[] does not define.' },
  SELECTORS_MISSING: { severity: 'error', stage: 'rules', summary: 'A workload on a cloud or x509pop platform needs discriminating selectors (a tag, role, service account...) so that other VMs in the same account or project cannot take its identity.' },
  SELECTORS_TAG_ONLY: { severity: 'warning', stage: 'rules', summary: 'AWS selectors use EC2 tags only; anyone allowed ec2:CreateTags in the account can claim the identity. Add iamRole or securityGroupId (alone or with the tag).' },
  SELECTORS_WRONG_KIND: { severity: 'error', stage: 'rules', summary: 'The selectors are for another attestation than the platform uses.' },
  SELECTORS_WITH_JOIN_TOKEN: { severity: 'error', stage: 'rules', summary: 'A join token carries no selectors, so selectors on a join-token platform would never match; remove them.' },
  ATTESTATION_MISSING: { severity: 'error', stage: 'rules', summary: 'A platform lacks the attestation settings its kind needs.' },
  ATTESTATION_CONFLICT: { severity: 'error', stage: 'rules', summary: 'A platform sets attestation settings of another kind, or more than one.' },
  SPIRE_SERVER_CREDENTIALS_MISSING: { severity: 'error', stage: 'rules', summary: 'An aws or azure platform needs cloud credentials in the SPIRE server (spire.server.aws or spire.server.azure): aws_iid and azure_imds query the cloud API to attest and resolve selectors.' },
  SECRET_REF_INVALID: { severity: 'error', stage: 'rules', summary: 'A secret reference is not a well-formed reference URI.' },
  SECRET_REF_NOT_ALLOWED: { severity: 'error', stage: 'rules', summary: 'A secret store cannot be used from this platform (cloud stores need that cloud\'s instance identity; join tokens must be host files).' },
  SECRET_PATH_UNSAFE: { severity: 'error', stage: 'rules', summary: 'A file:// secret points into /proc, /sys, /dev or at a system file, whose owner and mode the payload would change; point it at the secret\'s own file (for example /etc/vmonboard/join-token).' },
  SECRET_PATH_SHARED: { severity: 'warning', stage: 'rules', summary: 'A file:// secret is under /tmp, /var/tmp, /dev/shm, /home or /run/user, where other users can plant files; the payload refuses it at boot unless every parent directory is root\'s.' },
  SECRET_INLINE: { severity: 'error', stage: 'rules', summary: 'A secret value was written inline; reference it instead (file://, aws-ssm://, ...).' },
  TRUST_DOMAIN_INVALID: { severity: 'error', stage: 'rules', summary: 'The trust domain is not a valid SPIFFE trust domain.' },
  GATEWAY_ADDRESS_INVALID: { severity: 'error', stage: 'rules', summary: 'The east-west gateway address must be an IPv4/IPv6 address or a DNS name.' },
  CIDR_INVALID: { severity: 'error', stage: 'rules', summary: 'A mesh.podCIDRs or mesh.nodeCIDRs entry is not an address range (address/prefix).' },
  POD_CIDRS_MISSING: { severity: 'warning', stage: 'rules', summary: 'mesh.podCIDRs is not set: mesh traffic to the VMs comes straight from the pods, so the firewall table has a row to fill in instead of its source ranges.' },
  PREVIOUS_REVISION_CURRENT: { severity: 'error', stage: 'rules', summary: 'mesh.istio.previousRevisions names the current revision; list only revisions whose VMs still run an older payload.' },
  GATEWAY_SOURCE_RANGE_INVALID: { severity: 'error', stage: 'rules', summary: 'An eastWestGateway.exposure.sourceRanges entry is not an IPv4 or IPv6 CIDR block (address/prefix).' },
  GATEWAY_EXPOSURE_CLOUD_REQUIRED: { severity: 'error', stage: 'rules', summary: 'eastWestGateway.exposure.internal needs exposure.cloud (aws, gcp or azure) to pick the internal load-balancer annotations.' },
  GATEWAY_PUBLIC_UNRESTRICTED: { severity: 'warning', stage: 'rules', summary: 'The east-west gateway gets a public load balancer open to every source while exposing istiod, SPIRE and OTLP; set exposure.sourceRanges or exposure.internal.' },
  TELEMETRY_CLIENT_CERT_DISABLED: { severity: 'warning', stage: 'rules', summary: 'telemetry.gateway.clientCertificate is none: the collector uses server-only TLS, so anyone who reaches the otlp port can push data.' },
  PROBE_HANDLER_COUNT: { severity: 'error', stage: 'rules', summary: 'A probe sets exactly one of httpGet, tcpSocket, exec and grpc.' },
  GLOO_GRPC_PROBE: { severity: 'error', stage: 'rules', summary: 'Gloo ExternalWorkload has no grpc probe; use httpGet, tcpSocket or exec.' },
  GLOO_SECTION_MISSING: { severity: 'error', stage: 'rules', summary: 'flavor gloo needs the gloo section.' },
  GLOO_SECTION_UNUSED: { severity: 'warning', stage: 'rules', summary: 'The gloo section or a Gloo-only port role is set but flavor is istio; it is ignored.' },
  GLOO_UNSUPPORTED: { severity: 'error', stage: 'rules', summary: 'A flavor gloo combination that no public source documents (cloud attestation, rpm, arm64, bake, no Istio revision, previousRevisions, Gloo before 2.5.0); see docs/gloo.md.' },
  DELIVERY_UNSUPPORTED: { severity: 'error', stage: 'rules', summary: 'The platform delivery cannot work for its kind or targets (for example cloud-init on GCE images without cloud-init).' },
  X509POP_PATH_EXPANSION: { severity: 'error', stage: 'rules', summary: 'An x509pop certificate or intermediates path contains "${", which the SPIRE agent config never holds (it would be a variable reference under -expandEnv); rename the file or directory.' },
  URL_NOT_HTTPS: { severity: 'error', stage: 'rules', summary: 'Downloads must use HTTPS.' },
  URL_CREDENTIALS: { severity: 'error', stage: 'rules', summary: 'A URL carries user:password credentials, which would end up in user data.' },
  INSECURE_OPT_IN: { severity: 'warning', stage: 'rules', summary: 'A lab-only insecure setting (plain-HTTP mirror, skipped checksums) is on.' },
  // Fleet review (issue 16): what a reviewer would flag in a spec that is otherwise valid.
  TARGET_OS_REPEATED: { severity: 'error', stage: 'rules', summary: 'Per-OS targets list an OS twice; give each OS one entry with all its arches.' },
  PLATFORM_UNUSED: { severity: 'warning', stage: 'rules', summary: 'No workload runs on this platform: nothing is rendered for it and the firewall table leaves it out; use it or remove it.' },
  PROBE_PORT_UNDECLARED: { severity: 'warning', stage: 'rules', summary: 'A probe checks a port the workload does not declare in ports; the sidecar would probe a port the mesh does not route.' },
  AWS_REGION_UNKNOWN: { severity: 'warning', stage: 'rules', summary: 'An AWS region name is not in the AWS SDK\'s partition data (src/platforms/aws-regions.ts); usually a typo, the hint suggests the closest region.' },
  AZURE_ID_NOT_UUID: { severity: 'error', stage: 'schema', summary: 'An Azure tenant, subscription or application ID must be a UUID (az account show --query id), not a name.' },
  LAUNCH_TEMPLATE_REGION_UNLISTED: { severity: 'warning', stage: 'cli', summary: 'aws launch-template --region names a region outside the platform\'s aws.regions, so SPIRE would refuse the VMs it launches; add the region or pick another.' },
  // Local files referenced by the spec.
  FILES_DIR_REQUIRED: { severity: 'error', stage: 'files', summary: 'The spec references a local file; pass --files-dir (it defaults to the spec directory).' },
  FILE_ESCAPES_FILES_DIR: { severity: 'error', stage: 'files', summary: 'A local file path is absolute, uses .., or is a symlink that leaves --files-dir.' },
  FILE_NOT_FOUND: { severity: 'error', stage: 'files', summary: 'A referenced local file does not exist under --files-dir.' },
  FILE_TOO_LARGE: { severity: 'error', stage: 'files', summary: 'A referenced file is larger than the limit for its kind.' },
  FILE_NOT_CERTIFICATE: { severity: 'error', stage: 'files', summary: 'A referenced file must hold PEM certificates only (never a private key).' },
  TRUST_BUNDLE_WITHOUT_MESH_ROOT: { severity: 'error', stage: 'files', summary: 'trust.spireBundle does not contain the mesh root (trust.meshRootCA), yet SPIRE serves the mesh root as its bundle (disk UpstreamAuthority bundle_file_path), so agents bootstrapping from it reject the server; add the mesh root to the file or drop trust.spireBundle.' },
  CERTIFICATE_NOT_X509: { severity: 'error', stage: 'files', summary: 'A PEM block labelled CERTIFICATE does not parse as an X.509 certificate (for example a key wrapped in certificate lines); reference the real certificate file.' },
  // The lock file.
  LOCK_MISSING: { severity: 'error', stage: 'lock', summary: 'The lock file beside the spec (<spec>.lock.yaml) does not exist; run vmonboard pin.' },
  LOCK_INVALID: { severity: 'error', stage: 'lock', summary: 'The lock file does not match its schema (vmonboard.lock/v1).' },
  LOCK_PIN_MISSING: { severity: 'error', stage: 'lock', summary: 'The lock file has no sha256 for an artifact the targets need; run vmonboard pin.' },
  LOCK_SAMPLE_PINS: { severity: 'warning', stage: 'lock', summary: 'The lock file is marked sample: true (example pins, not checksums of the real artifacts); VM downloads will fail verification. Run vmonboard pin.' },
  LOCK_PIN_STALE: { severity: 'error', stage: 'lock', summary: 'A lock entry was pinned from a different URL than the spec now resolves; run vmonboard pin.' },
  ARTIFACT_URL_UNKNOWN: { severity: 'error', stage: 'rules', summary: 'No sourced download URL exists for this component, format and arch; set artifacts.components.<name>.urls.' },
  // Delivering bundles: user-data budgets and artifact pinning (bundles issue).
  USERDATA_TOO_LARGE: { severity: 'error', stage: 'render', summary: 'The first-boot payload exceeds the platform user-data limit (EC2 16,384, Azure 65,535, GCE 262,144 bytes), even compressed where the platform allows it; render writes nothing and the message gives both sizes and the limit. Reference files by URL or use bake: true.' },
  ARTIFACT_DOWNLOAD_FAILED: { severity: 'error', stage: 'lock', summary: 'vmonboard pin could not download an artifact (HTTP status, TLS or network error); the message names the URL.' },
  ARTIFACT_FILE_MISSING: { severity: 'error', stage: 'lock', summary: 'pin --from-dir found no local copy of an artifact (DIR/<component>/<version>/<file> or DIR/<file>); copy it there.' },
  ARTIFACT_CHECKSUM_MISMATCH: { severity: 'error', stage: 'lock', summary: 'pin --verify downloaded an artifact whose sha256 differs from the lock file: it changed upstream or was tampered with.' },
  // Cluster side (issue 3): what the spire chart cannot express, and cross-artifact consistency
  // between what the VMs use and what the rendered cluster values serve (src/cluster/).
  CLUSTER_ATTESTOR_CONFLICT: { severity: 'error', stage: 'render', summary: 'Two platforms need different settings of a SPIRE node attestor, but the server runs one instance of it; make their settings equal.' },
  CLUSTER_ATTESTOR_INCOMPLETE: { severity: 'error', stage: 'render', summary: 'A SPIRE node attestor setting the platforms need is missing (for example assumeRole across several AWS accounts, or assumeOrgRole with verifyOrganization).' },
  CLUSTER_UNSUPPORTED: { severity: 'error', stage: 'render', summary: 'The combination cannot be expressed with the pinned cluster charts; the message says which chart setting is missing.' },
  CLUSTER_ATTESTOR_MISSING: { severity: 'error', stage: 'render', summary: 'The rendered spire values would not attest a platform or produce the selectors its node aliases match on.' },
  CLUSTER_PORT_NOT_SERVED: { severity: 'error', stage: 'render', summary: 'A gateway port role the VMs use is not served by the rendered east-west gateway Service.' },
  CLUSTER_ROUTE_MISSING: { severity: 'error', stage: 'render', summary: 'The east-west gateway has no route for a port role, SNI name or destination the VMs use.' },
  CLUSTER_TRUST_DOMAIN_MISMATCH: { severity: 'error', stage: 'render', summary: 'A rendered cluster artifact uses another trust domain than the VMs.' },
  CLUSTER_NETWORK_MISMATCH: { severity: 'error', stage: 'render', summary: 'A rendered cluster artifact names another network than the cluster or VM network of the spec.' },
  CLUSTER_REVISION_MISMATCH: { severity: 'error', stage: 'render', summary: 'A rendered cluster artifact uses another istiod revision than the VMs.' },
  CLUSTER_REGISTRATION_MISSING: { severity: 'error', stage: 'render', summary: 'A SPIRE entry or WorkloadGroup a VM needs is missing from the rendered cluster artifacts.' },
  // Flavor gloo (issue 10, src/cluster/gloo, src/delivery/gloo): what the rendered Gloo artifacts
  // could not express without an unsourced key.
  GLOO_SPIRE_DB_PASSWORD: { severity: 'warning', stage: 'render', summary: 'No documented gloo-platform key reads the SPIRE PostgreSQL password from an existing Secret; gloo-platform.values.yaml leaves it empty with a comment, and cluster/README.md passes it at install time from a Secret of your own.' },
  GLOO_MESHCTL_MIRROR_CA: { severity: 'warning', stage: 'render', summary: 'meshctl downloads the Gloo packages from the mirror itself, and no source says it accepts a CA file: the mirror CA must be in the VM\'s system trust store.' },
  GLOO_VM_UNSUPPORTED: { severity: 'error', stage: 'render', summary: 'A VM of flavor gloo would need an onboarding step no public source documents (for example a cloud --attestor); use a join-token platform or flavor istio.' },
  // First-boot payloads (src/delivery): per-platform user-data byte budgets (cloud-init.md §1.7);
  // a payload that cannot fit even gzipped is USERDATA_TOO_LARGE (above).
  PAYLOAD_GZIP_REQUIRED: { severity: 'info', stage: 'render', summary: 'A VM payload exceeds its platform\'s raw user-data limit but fits compressed, so the bundle holds it compressed (user-data.yaml.gz for EC2 and Azure, user-data.yaml.gz.b64 for GCE user-data), which cloud-init decompresses; the bundle README names that file and how to attach it, and vmonboard userdata sends the same bytes.' },
  // CA tooling (src/ca): `vmonboard ca init` and `vmonboard ca check <spec> --ca-dir <dir>`.
  CA_FILE_EXISTS: { severity: 'error', stage: 'ca', summary: 'ca init found a file it would write (or a bundle in the directory); CA keys are never overwritten, so move the old CA away or choose another directory.' },
  CA_FILE_MISSING: { severity: 'error', stage: 'ca', summary: 'A file of the CA directory layout is missing (istiod/{ca-cert,ca-key,cert-chain,root-cert}.pem, spire/{tls.crt,tls.key,bundle.crt}).' },
  CA_FILE_INVALID: { severity: 'error', stage: 'ca', summary: 'A CA file cannot be read as what it must be (PEM certificates, or a PEM private key).' },
  CA_NOT_CA: { severity: 'error', stage: 'ca', summary: 'An intermediate lacks basicConstraints CA:TRUE, so nothing it signs verifies.' },
  CA_KEY_USAGE: { severity: 'error', stage: 'ca', summary: 'A CA certificate has a keyUsage extension without keyCertSign, so verifiers refuse what it signs.' },
  CA_CHAIN_BROKEN: { severity: 'error', stage: 'ca', summary: 'An intermediate does not chain to the spec\'s trust.meshRootCA through the certificates after it in its file.' },
  CA_CHAIN_ORDER: { severity: 'error', stage: 'ca', summary: 'istiod/cert-chain.pem must start with istiod/ca-cert.pem, followed by each issuer up to the root.' },
  CA_PATH_LENGTH: { severity: 'error', stage: 'ca', summary: 'A path length constraint leaves no room for the CAs beneath it: SPIRE mints its own signing CA under the SPIRE intermediate, so a pathlen:0 intermediate (Istio\'s tools/certs Makefile) breaks every SVID chain.' },
  CA_KEY_MISMATCH: { severity: 'error', stage: 'ca', summary: 'A CA key file is not the private key of its certificate.' },
  CA_ROOT_MISMATCH: { severity: 'error', stage: 'ca', summary: 'A root file of the CA directory (root-cert.pem, istiod/root-cert.pem, spire/bundle.crt) does not contain the spec\'s mesh root.' },
  CA_ROOT_UNVERIFIED: { severity: 'warning', stage: 'ca', summary: 'trust.meshRootCA is a URL vmonboard does not fetch; the CA directory was checked against its own root-cert.pem.' },
  CA_EXPIRED: { severity: 'error', stage: 'ca', summary: 'A CA certificate has expired.' },
  CA_EXPIRING: { severity: 'warning', stage: 'ca', summary: 'A CA certificate expires within 30 days; rotate it.' },
  CA_KEY_PERMISSIONS: { severity: 'warning', stage: 'ca', summary: 'A CA key file is readable by group or others; chmod 600 it.' },
  // Rendering and the CLI.
  BUNDLE_SECRET: { severity: 'error', stage: 'render', summary: 'A rendered file would contain secret material (private key, JWT, cloud credential); nothing is written. Reference the secret instead.' },
  RENDER_FAILED: { severity: 'error', stage: 'render', summary: 'The bundle could not be rendered or written; the message says why.' },
  USAGE: { severity: 'error', stage: 'cli', summary: 'The command line is wrong.' },
  WORKLOAD_AMBIGUOUS: { severity: 'error', stage: 'cli', summary: 'A --workload argument names a workload that more than one namespace has; pass it as <namespace>/<name> (the message lists the choices). Exit code 2.' },
  INTERNAL_ERROR: { severity: 'error', stage: 'cli', summary: 'A bug in vmonboard; please report it with the spec that triggers it.' },
} as const satisfies Record<string, CodeInfo>;

/** Every stable diagnostic code. */
export type DiagnosticCode = keyof typeof catalog;

/** The catalog as read-only data (for docs and tests). */
export const diagnosticCatalog: Readonly<Record<DiagnosticCode, CodeInfo>> = catalog;
