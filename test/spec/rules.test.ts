/** Table tests for every cross-field rule: one mutation each, with the exact findings expected. */
import { describe, expect, it } from 'vitest';
import { baseSpec, check, findings } from './spec-builder.js';

type Case = { name: string; mutate: (s: Record<string, any>) => void; want: Array<[string, string]> };

const jt = { tokenRef: 'file:///etc/vmonboard/join-token' };

const cases: Case[] = [
  // unique-names
  { name: 'duplicate platform name', mutate: (s) => s.platforms.push({ ...structuredClone(s.platforms[0]), targets: { os: ['ubuntu-24.04'], arch: ['amd64'] } }), want: [['DUPLICATE_NAME', '/platforms/2/name']] },
  // A workload is named by (namespace, name), as in Kubernetes (issue 16 §2).
  { name: 'same workload name in two namespaces is valid', mutate: (s) => s.workloads.push({ ...structuredClone(s.workloads[0]), namespace: 'other' }), want: [] },
  { name: 'duplicate workload name in one namespace', mutate: (s) => s.workloads.push(structuredClone(s.workloads[0])), want: [['DUPLICATE_NAME', '/workloads/1/name']] },
  // SPIRE entry keys are <namespace>-<name>-<platform>: book/info-ratings meets book-info/ratings on both platforms (reported once per pair).
  { name: 'two workloads whose SPIRE entry keys meet', mutate: (s) => { s.workloads[0].namespace = 'book-info'; s.workloads.push({ ...structuredClone(s.workloads[0]), namespace: 'book', name: 'info-ratings' }); }, want: [['DUPLICATE_NAME', '/workloads/1/name']] },
  { name: 'entry keys may meet under flavor gloo (it registers no SPIRE entries)', mutate: (s) => { s.mesh.flavor = 'gloo'; s.mesh.istio.revision = '1-27'; s.gloo = { version: '2.5.0' }; toTokens(s); s.artifacts = { components: { 'istio-sidecar': { urls: { 'deb/amd64': 'https://mirror.example.com/istio-sidecar.deb' } }, meshctl: { urls: { 'bin/amd64': 'https://mirror.example.com/meshctl' } } } }; s.workloads[0].namespace = 'book-info'; s.workloads.push({ ...structuredClone(s.workloads[0]), namespace: 'book', name: 'info-ratings' }); }, want: [] },
  { name: 'duplicate port name', mutate: (s) => s.workloads[0].ports.push({ name: 'http', number: 9081 }), want: [['DUPLICATE_NAME', '/workloads/0/ports/1/name']] },
  { name: 'duplicate port number', mutate: (s) => s.workloads[0].ports.push({ name: 'admin', number: 9080 }), want: [['DUPLICATE_PORT_NUMBER', '/workloads/0/ports/1/number']] },
  { name: 'platform listed twice for a workload', mutate: (s) => s.workloads[0].platforms.push(structuredClone(s.workloads[0].platforms[0])), want: [['DUPLICATE_NAME', '/workloads/0/platforms/2/name']] },
  // port-ranges
  { name: 'port 0', mutate: (s) => (s.workloads[0].ports[0].number = 0), want: [['PORT_OUT_OF_RANGE', '/workloads/0/ports/0/number']] },
  { name: 'port 65536', mutate: (s) => (s.workloads[0].ports[0].number = 65536), want: [['PORT_OUT_OF_RANGE', '/workloads/0/ports/0/number']] },
  { name: 'port 65535 is fine', mutate: (s) => (s.workloads[0].ports[0].number = 65535), want: [] },
  // trust-domain
  { name: 'trust domain with scheme', mutate: (s) => (s.mesh.trustDomain = 'spiffe://example.org'), want: [['TRUST_DOMAIN_INVALID', '/mesh/trustDomain']] },
  { name: 'trust domain uppercase', mutate: (s) => (s.mesh.trustDomain = 'Example.org'), want: [['TRUST_DOMAIN_INVALID', '/mesh/trustDomain']] },
  { name: 'trust domain with underscore is valid SPIFFE', mutate: (s) => (s.mesh.trustDomain = 'corp_internal.example'), want: [] },
  { name: 'trust domain leading dot', mutate: (s) => (s.mesh.trustDomain = '.example.org'), want: [['TRUST_DOMAIN_INVALID', '/mesh/trustDomain']] },
  // gateway-address
  { name: 'gateway IPv6', mutate: (s) => (s.eastWestGateway.address = '2001:db8::10'), want: [] },
  { name: 'gateway DNS name', mutate: (s) => (s.eastWestGateway.address = 'ew.mesh.example.com'), want: [] },
  { name: 'gateway URL', mutate: (s) => (s.eastWestGateway.address = 'https://ew.example.com'), want: [['GATEWAY_ADDRESS_INVALID', '/eastWestGateway/address']] },
  { name: 'gateway with port', mutate: (s) => (s.eastWestGateway.address = 'ew.example.com:15443'), want: [['GATEWAY_ADDRESS_INVALID', '/eastWestGateway/address']] },
  { name: 'gateway bad IPv4', mutate: (s) => (s.eastWestGateway.address = '300.1.2.3'), want: [['GATEWAY_ADDRESS_INVALID', '/eastWestGateway/address']] },
  // gateway-ports
  { name: 'two roles on one port', mutate: (s) => (s.eastWestGateway.ports = { otlp: 15443 }), want: [['PORT_ROLE_CONFLICT', '/eastWestGateway/ports/otlp']] },
  { name: 'gloo role under istio warns', mutate: (s) => (s.eastWestGateway.ports = { cacert: 31338 }), want: [['GLOO_SECTION_UNUSED', '/eastWestGateway/ports/cacert']] },
  // mesh-cidrs: cluster → VM traffic comes from the pods (issue 14), so the ranges are checked and their absence warns
  { name: 'no pod CIDRs warns at /mesh', mutate: (s) => delete s.mesh.podCIDRs, want: [['POD_CIDRS_MISSING', '/mesh/podCIDRs']] },
  { name: 'empty pod CIDRs warns', mutate: (s) => (s.mesh.podCIDRs = []), want: [['POD_CIDRS_MISSING', '/mesh/podCIDRs']] },
  { name: 'IPv6 pod and node CIDRs', mutate: (s) => { s.mesh.podCIDRs = ['fd00:10:244::/56']; s.mesh.nodeCIDRs = ['10.0.0.0/24']; }, want: [] },
  { name: 'pod CIDR without prefix', mutate: (s) => (s.mesh.podCIDRs = ['10.244.0.0']), want: [['CIDR_INVALID', '/mesh/podCIDRs/0']] },
  { name: 'node CIDR prefix too long', mutate: (s) => (s.mesh.nodeCIDRs = ['10.0.0.0/8', '10.1.0.0/33']), want: [['CIDR_INVALID', '/mesh/nodeCIDRs/1']] },
  { name: 'pod CIDR not an address', mutate: (s) => (s.mesh.podCIDRs = ['pods/16']), want: [['CIDR_INVALID', '/mesh/podCIDRs/0']] },
  // previous-revisions
  { name: 'previous revision distinct from the current', mutate: (s) => (s.mesh.istio = { version: '1.27.1', revision: '1-27', previousRevisions: ['1-26'] }), want: [] },
  { name: 'previous revision equal to the current', mutate: (s) => (s.mesh.istio = { version: '1.27.1', revision: '1-27', previousRevisions: ['1-26', '1-27'] }), want: [['PREVIOUS_REVISION_CURRENT', '/mesh/istio/previousRevisions/1']] },
  // gateway-exposure
  { name: 'public gateway without source ranges warns', mutate: (s) => delete s.eastWestGateway.exposure, want: [['GATEWAY_PUBLIC_UNRESTRICTED', '/eastWestGateway']] },
  { name: 'empty exposure warns at exposure', mutate: (s) => (s.eastWestGateway.exposure = {}), want: [['GATEWAY_PUBLIC_UNRESTRICTED', '/eastWestGateway/exposure']] },
  { name: 'internal gateway needs no source ranges', mutate: (s) => (s.eastWestGateway.exposure = { internal: true, cloud: 'gcp' }), want: [] },
  { name: 'internal without cloud', mutate: (s) => (s.eastWestGateway.exposure = { internal: true }), want: [['GATEWAY_EXPOSURE_CLOUD_REQUIRED', '/eastWestGateway/exposure']] },
  { name: 'source range without prefix', mutate: (s) => (s.eastWestGateway.exposure.sourceRanges = ['10.0.0.0/8', '10.1.2.3']), want: [['GATEWAY_SOURCE_RANGE_INVALID', '/eastWestGateway/exposure/sourceRanges/1']] },
  { name: 'IPv6 source range is fine', mutate: (s) => (s.eastWestGateway.exposure.sourceRanges = ['2001:db8::/32']), want: [] },
  { name: 'telemetry without client certificate warns', mutate: (s) => (s.telemetry = { gateway: { host: 'otel.example.org', clientCertificate: 'none' } }), want: [['TELEMETRY_CLIENT_CERT_DISABLED', '/telemetry/gateway/clientCertificate']] },
  // platform-attestation
  { name: 'aws without attestation', mutate: (s) => delete s.platforms[0].aws, want: [['ATTESTATION_MISSING', '/platforms/0']] },
  { name: 'onprem without attestation', mutate: (s) => delete s.platforms[1].x509pop, want: [['ATTESTATION_MISSING', '/platforms/1']] },
  { name: 'gcp block on aws', mutate: (s) => (s.platforms[0].gcp = { projectIds: ['bookinfo-prod'] }), want: [['ATTESTATION_CONFLICT', '/platforms/0/gcp']] },
  { name: 'aws and join token together', mutate: (s) => (s.platforms[0].joinToken = jt), want: [['ATTESTATION_CONFLICT', '/platforms/0/joinToken']] },
  // platform-secrets
  { name: 'inline join token', mutate: (s) => { delete s.platforms[1].x509pop; s.platforms[1].joinToken = { tokenRef: 'a3f1c2' }; delete s.workloads[0].platforms[1].selectors; }, want: [['SECRET_INLINE', '/platforms/1/joinToken/tokenRef']] },
  { name: 'join token from SSM', mutate: (s) => { delete s.platforms[0].aws; s.platforms[0].joinToken = { tokenRef: 'aws-ssm:///mesh/token' }; delete s.workloads[0].platforms[0].selectors; }, want: [['SECRET_REF_NOT_ALLOWED', '/platforms/0/joinToken/tokenRef']] },
  { name: 'x509 key from GCP secret manager on-prem', mutate: (s) => (s.platforms[1].x509pop.privateKey = 'gcp-secretmanager://projects/my-project/secrets/key/versions/1'), want: [['SECRET_REF_NOT_ALLOWED', '/platforms/1/x509pop/privateKey']] },
  { name: 'malformed keyvault ref', mutate: (s) => (s.platforms[1].x509pop.privateKey = 'azure-keyvault://v/keys/x'), want: [['SECRET_REF_INVALID', '/platforms/1/x509pop/privateKey']] },
  { name: 'relative file ref', mutate: (s) => (s.platforms[1].x509pop.privateKey = 'file://etc/host.key'), want: [['SECRET_REF_INVALID', '/platforms/1/x509pop/privateKey']] },
  { name: 'file ref with ..', mutate: (s) => (s.platforms[1].x509pop.privateKey = 'file:///etc/../root/key'), want: [['SECRET_REF_INVALID', '/platforms/1/x509pop/privateKey']] },
  // platform-x509pop-paths
  { name: 'x509pop certificate path with ${', mutate: (s) => (s.platforms[1].x509pop.certificatePath = '/etc/pki/${HOST}/host.pem'), want: [['X509POP_PATH_EXPANSION', '/platforms/1/x509pop/certificatePath']] },
  { name: 'x509pop intermediates path with ${', mutate: (s) => (s.platforms[1].x509pop.intermediatesPath = '/etc/pki/${X}.pem'), want: [['X509POP_PATH_EXPANSION', '/platforms/1/x509pop/intermediatesPath']] },
  { name: 'x509pop path with a plain $ is fine', mutate: (s) => (s.platforms[1].x509pop.certificatePath = '/etc/pki/$host.pem'), want: [] },
  // platform-delivery
  { name: 'startup-script on aws', mutate: (s) => (s.platforms[0].delivery = 'startup-script'), want: [['DELIVERY_UNSUPPORTED', '/platforms/0/delivery']] },
  { name: 'gcp cloud-init on rhel', mutate: (s) => { s.platforms[0] = { name: 'aws-prod', kind: 'gcp', delivery: 'cloud-init', targets: { os: ['ubuntu-22.04', 'rhel-9'], arch: ['amd64'] }, gcp: { projectIds: ['bookinfo-prod'] } }; s.workloads[0].platforms[0].selectors = { gcp: { serviceAccount: 'a@b.iam.gserviceaccount.com' } }; }, want: [['DELIVERY_UNSUPPORTED', '/platforms/0/delivery']] },
  { name: 'gcp startup-script on rhel is fine', mutate: (s) => { s.platforms[0] = { name: 'aws-prod', kind: 'gcp', delivery: 'startup-script', targets: { os: ['rhel-9'], arch: ['amd64'] }, gcp: { projectIds: ['bookinfo-prod'] } }; s.workloads[0].platforms[0].selectors = { gcp: { serviceAccount: 'a@b.iam.gserviceaccount.com' } }; }, want: [] },
  // workload-placement
  { name: 'unknown platform', mutate: (s) => (s.workloads[0].platforms[1].name = 'dc9'), want: [['PLATFORM_UNUSED', '/platforms/1/name'], ['UNKNOWN_PLATFORM', '/workloads/0/platforms/1/name']] },
  { name: 'missing selectors on aws', mutate: (s) => delete s.workloads[0].platforms[0].selectors, want: [['SELECTORS_MISSING', '/workloads/0/platforms/0']] },
  { name: 'empty aws selectors object is a schema error', mutate: (s) => (s.workloads[0].platforms[0].selectors = { aws: {} }), want: [['SCHEMA_ONE_OF', '/workloads/0/platforms/0/selectors/aws']] },
  { name: 'gcp selectors on aws', mutate: (s) => (s.workloads[0].platforms[0].selectors.gcp = { serviceAccount: 'x@y.iam.gserviceaccount.com' }), want: [['SELECTORS_WRONG_KIND', '/workloads/0/platforms/0/selectors/gcp']] },
  { name: 'selectors on a join-token platform', mutate: (s) => { delete s.platforms[1].x509pop; s.platforms[1].joinToken = jt; }, want: [['SELECTORS_WITH_JOIN_TOKEN', '/workloads/0/platforms/1/selectors']] },
  { name: 'join-token placement without selectors', mutate: (s) => { delete s.platforms[1].x509pop; s.platforms[1].joinToken = jt; delete s.workloads[0].platforms[1].selectors; }, want: [] },
  // workload-probe
  { name: 'probe with two handlers', mutate: (s) => (s.workloads[0].probe = { httpGet: { port: 9080 }, tcpSocket: { port: 9080 } }), want: [['PROBE_HANDLER_COUNT', '/workloads/0/probe']] },
  { name: 'probe with no handler', mutate: (s) => (s.workloads[0].probe = { periodSeconds: 5 }), want: [['PROBE_HANDLER_COUNT', '/workloads/0/probe']] },
  { name: 'grpc probe on istio is fine', mutate: (s) => (s.workloads[0].probe = { grpc: { port: 9080 } }), want: [] },
  // artifact-urls
  { name: 'http mirror', mutate: (s) => (s.artifacts = { mirror: 'http://mirror.example.com' }), want: [['URL_NOT_HTTPS', '/artifacts/mirror']] },
  { name: 'http mirror with opt-in warns', mutate: (s) => (s.artifacts = { mirror: 'http://mirror.example.com', allowInsecureHttpMirror: true }), want: [['INSECURE_OPT_IN', '/artifacts/allowInsecureHttpMirror']] },
  { name: 'skip checksums warns', mutate: (s) => (s.artifacts = { allowInsecureSkipChecksums: true }), want: [['INSECURE_OPT_IN', '/artifacts/allowInsecureSkipChecksums']] },
  { name: 'mirror with credentials', mutate: (s) => (s.artifacts = { mirror: 'https://u:p@mirror.example.com' }), want: [['URL_CREDENTIALS', '/artifacts/mirror']] },
  { name: 'override over http', mutate: (s) => (s.artifacts = { components: { spire: { urls: { 'tar.gz/amd64': 'http://x.example.com/spire.tgz' } } } }), want: [['URL_NOT_HTTPS', '/artifacts/components/spire/urls/tar.gz~1amd64']] },
  { name: 'proxy with credentials', mutate: (s) => (s.artifacts = { proxy: { http: 'http://me:pw@proxy:3128' } }), want: [['URL_CREDENTIALS', '/artifacts/proxy/http']] },
  // gloo-section / gloo-support
  { name: 'gloo without gloo section', mutate: (s) => { s.mesh.flavor = 'gloo'; s.mesh.istio.revision = '1-27'; toTokens(s); }, want: [['GLOO_SECTION_MISSING', '']] },
  { name: 'gloo section under istio warns', mutate: (s) => (s.gloo = { version: '2.9.1' }), want: [['GLOO_SECTION_UNUSED', '/gloo']] },
  { name: 'gloo with aws attestation', mutate: (s) => { s.mesh.flavor = 'gloo'; s.mesh.istio.revision = '1-27'; s.gloo = { version: '2.9.1' }; toTokens(s, [1]); }, want: [['GLOO_UNSUPPORTED', '/platforms/0/aws']] },
  { name: 'gloo with rpm', mutate: (s) => { s.mesh.flavor = 'gloo'; s.mesh.istio.revision = '1-27'; s.gloo = { version: '2.9.1' }; toTokens(s); s.platforms[1].targets.os = ['rhel-9']; }, want: [['GLOO_UNSUPPORTED', '/platforms/1/targets/os']] },
  { name: 'gloo with arm64', mutate: (s) => { s.mesh.flavor = 'gloo'; s.mesh.istio.revision = '1-27'; s.gloo = { version: '2.9.1' }; toTokens(s); s.platforms[1].targets.arch = ['arm64']; }, want: [['GLOO_UNSUPPORTED', '/platforms/1/targets/arch']] },
  { name: 'gloo with grpc probe', mutate: (s) => { s.mesh.flavor = 'gloo'; s.mesh.istio.revision = '1-27'; s.gloo = { version: '2.9.1' }; toTokens(s); s.workloads[0].probe = { grpc: { port: 9080 } }; }, want: [['GLOO_GRPC_PROBE', '/workloads/0/probe/grpc']] },
  { name: 'gloo without an istio revision', mutate: (s) => { s.mesh.flavor = 'gloo'; s.gloo = { version: '2.9.1' }; toTokens(s); }, want: [['GLOO_UNSUPPORTED', '/mesh/istio']] },
  { name: 'gloo before 2.5.0', mutate: (s) => { s.mesh.flavor = 'gloo'; s.mesh.istio.revision = '1-27'; s.gloo = { version: '2.5.0-rc3' }; toTokens(s); }, want: [['GLOO_UNSUPPORTED', '/gloo/version']] },
  { name: 'gloo 2.5.0 is fine', mutate: (s) => { s.mesh.flavor = 'gloo'; s.mesh.istio.revision = '1-27'; s.gloo = { version: '2.5.0' }; toTokens(s); s.artifacts = { components: { 'istio-sidecar': { urls: { 'deb/amd64': 'https://mirror.example.com/istio-sidecar.deb' } }, meshctl: { urls: { 'bin/amd64': 'https://mirror.example.com/meshctl' } } } }; }, want: [] },
  { name: 'gloo with bake', mutate: (s) => { s.mesh.flavor = 'gloo'; s.mesh.istio.revision = '1-27'; s.gloo = { version: '2.9.1' }; toTokens(s); s.platforms[1].bake = true; }, want: [['GLOO_UNSUPPORTED', '/platforms/1/bake']] },
  // names (schema pattern mapped to its own code)
  { name: 'platform name with capitals', mutate: (s) => (s.platforms[0].name = 'AWS'), want: [['NAME_NOT_DNS1123', '/platforms/0/name']] },
  { name: 'namespace with underscore', mutate: (s) => (s.workloads[0].namespace = 'book_info'), want: [['NAME_NOT_DNS1123', '/workloads/0/namespace']] },
];

/** Switches the given platforms (default: all) to join tokens and drops their selectors. */
function toTokens(s: Record<string, any>, which: number[] = [0, 1]): void {
  for (const i of which) {
    const p = s.platforms[i];
    for (const k of ['aws', 'gcp', 'azure', 'x509pop']) delete p[k];
    p.joinToken = { tokenRef: 'file:///etc/vmonboard/join-token' };
    delete s.workloads[0].platforms[i].selectors;
  }
}

describe('v1alpha1 rules', () => {
  it('accepts the base spec', () => {
    const r = check(baseSpec());
    expect(findings(r)).toEqual([]);
    expect(r.model).toBeDefined();
  });

  it.each(cases)('$name', ({ mutate, want }) => {
    const spec = baseSpec();
    mutate(spec);
    const r = check(spec);
    expect(findings(r)).toEqual(want);
    for (const d of r.diagnostics) {
      expect(d.line, `${d.code} must be located`).toBeGreaterThan(0);
      expect(d.message).toMatch(/^[a-z"`]/);
    }
    if (want.some(([code]) => !['GLOO_SECTION_UNUSED', 'INSECURE_OPT_IN', 'POD_CIDRS_MISSING', 'GATEWAY_PUBLIC_UNRESTRICTED', 'TELEMETRY_CLIENT_CERT_DISABLED'].includes(code))) expect(r.model).toBeUndefined();
  });
});
