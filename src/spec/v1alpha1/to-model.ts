/**
 * Resolve stage: normalized spec + referenced files + lock file → Model. Reports missing or
 * unsafe files and missing pins; everything else was checked by schema and rules.
 */
import { isIP } from 'node:net';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { FileSource } from '../files.js';
import { readPemCertificates } from '../files.js';
import { checkBundleHasMeshRoot, resolveSpireBundle } from './spire-bundle.js';
import type { WrittenLock } from '../lock-types.gen.js';
import type { WrittenSpec, Platform } from './types.gen.js';
import type { Model, PlatformModel, TrustSource, WorkloadModel, Attestation, ArtifactPin, PackageFormat, Component, SpireServerCredentials } from '../../model/model.js';
import { ISTIO_PORT_ROLES, GLOO_PORT_ROLES } from '../../model/model.js';
import { parseSecretRef } from '../secret-ref.js';
import { DEFAULT_VERSIONS, OS_FORMAT, listArtifactNeeds, resolveArtifactUrl, type ArtifactNeed } from '../../artifacts/catalog.js';
import { nodeAliasId, toSpireSelectors } from './selectors.js';
import { listTargetEntries } from './targets.js';

type Unlocated = Diagnostic & { atKey?: boolean };

/** Inputs of the resolve stage besides the spec. */
export interface ResolveInputs {
  files: FileSource;
  lock?: WrittenLock;
  /** Display name of the lock file, for diagnostics located in it. */
  lockFile: string;
  /** Base name of the spec file, for generated headers. */
  sourceName: string;
  /** Resolve URLs without pins and without lock diagnostics (for `vmonboard pin`). */
  ignoreLock?: boolean;
}

function loadTrust(files: FileSource, v: { file?: string; url?: string }, pointer: string, kind: 'pem' | 'spiffe', out: Unlocated[]): TrustSource {
  if (v.url) return { kind: 'url', url: v.url };
  const rel = v.file!;
  const r = files.read(rel);
  if (!r.ok) {
    out.push({ severity: 'error', code: r.code, message: r.message, pointer: `${pointer}/file` });
    return { kind: 'inline', content: '', file: rel };
  }
  if (kind === 'pem') {
    // Only the parsed, re-encoded certificates go on (issue 15 §6): comments and lookalikes stay behind.
    const pem = readPemCertificates(r.content);
    if (pem.ok) return { kind: 'inline', content: pem.pem, file: rel };
    out.push({ severity: 'error', code: pem.code, message: `"${rel}" cannot be used as trust material: ${pem.problem}`, pointer: `${pointer}/file` });
    return { kind: 'inline', content: '', file: rel };
  }
  const problem = checkSpiffeBundle(r.content);
  if (problem) out.push({ severity: 'error', code: 'FILE_NOT_CERTIFICATE', message: `"${rel}" cannot be used as trust material: ${problem}`, pointer: `${pointer}/file` });
  return { kind: 'inline', content: r.content.endsWith('\n') ? r.content : `${r.content}\n`, file: rel };
}

function toServerCredentials(s: NonNullable<WrittenSpec['spire']>['server']): SpireServerCredentials {
  const aws = s?.aws;
  const azure = s?.azure;
  return {
    ...(aws?.irsaRoleArn ? { aws: { kind: 'irsa' as const, roleArn: aws.irsaRoleArn } } : aws?.podIdentity ? { aws: { kind: 'pod-identity' as const } } : aws?.credentialsSecret ? { aws: { kind: 'secret' as const, secretName: aws.credentialsSecret } } : {}),
    ...(azure?.workloadIdentityClientId ? { azure: { kind: 'workload-identity' as const, clientId: azure.workloadIdentityClientId.toLowerCase() } } : azure?.credentialsSecret ? { azure: { kind: 'secret' as const, secretName: azure.credentialsSecret } } : {}),
  };
}

function checkSpiffeBundle(content: string): string | undefined {
  if (/PRIVATE KEY/.test(content)) return 'it contains a private key';
  try {
    const j = JSON.parse(content) as { keys?: unknown };
    if (!Array.isArray(j.keys)) return 'a SPIFFE bundle is a JWKS document with a "keys" list';
    if (j.keys.some((k) => typeof k === 'object' && k !== null && 'd' in k)) return 'it contains private key material ("d")';
    return undefined;
  } catch {
    return 'it is not JSON (trust_bundle_format spiffe expects the bundle.spiffe JWKS document)';
  }
}

function toAttestation(p: Platform, i: number, files: FileSource, out: Unlocated[]): Attestation {
  if (p.joinToken) {
    const r = parseSecretRef(p.joinToken.tokenRef);
    return { type: 'join_token', token: 'ref' in r ? r.ref : { scheme: 'file', uri: p.joinToken.tokenRef, path: '' } };
  }
  switch (p.kind) {
    case 'aws':
      return { type: 'aws_iid', accountIds: [...p.aws!.accountIds].sort(), regions: [...p.aws!.regions].sort(), ...(p.aws!.assumeRole ? { assumeRole: p.aws!.assumeRole } : {}), ...(p.aws!.verifyOrganization ? { verifyOrganization: p.aws!.verifyOrganization } : {}) };
    case 'gcp':
      return { type: 'gcp_iit', projectIds: [...p.gcp!.projectIds].sort() };
    case 'azure':
      return { type: 'azure_imds', tenantId: p.azure!.tenantId.toLowerCase(), tenantDomain: p.azure!.tenantDomain, subscriptions: [...p.azure!.subscriptions].map((s) => s.toLowerCase()).sort(), ...(p.azure!.appId ? { appId: p.azure!.appId } : {}) };
    default: {
      const x = p.x509pop!;
      const key = parseSecretRef(x.privateKey);
      return {
        type: 'x509pop',
        caBundle: loadTrust(files, x.caBundle, `/platforms/${i}/x509pop/caBundle`, 'pem', out),
        certificatePath: x.certificatePath,
        ...(x.intermediatesPath ? { intermediatesPath: x.intermediatesPath } : {}),
        privateKey: 'ref' in key ? key.ref : { scheme: 'file', uri: x.privateKey, path: '' },
      };
    }
  }
}

function toPlatform(p: Platform, i: number, files: FileSource, out: Unlocated[]): PlatformModel {
  const entries = listTargetEntries(p, i);
  const formats = [...new Set(entries.map((e) => OS_FORMAT[e.os]))].sort() as PackageFormat[];
  const pairs = [...new Map(entries.flatMap((e) => e.arch.map((arch) => [`${e.os}/${arch}`, { os: e.os, arch }] as const))).values()]
    .sort((a, b) => a.os.localeCompare(b.os) || a.arch.localeCompare(b.arch));
  return {
    name: p.name,
    kind: p.kind,
    delivery: p.delivery,
    bake: p.bake ?? false,
    targets: { os: [...new Set(pairs.map((x) => x.os))].sort(), arch: [...new Set(pairs.map((x) => x.arch))].sort() },
    pairs,
    formats,
    attestation: toAttestation(p, i, files, out),
    pointer: `/platforms/${i}`,
  };
}

function toWorkload(spec: WrittenSpec, w: WrittenSpec['workloads'][number], wi: number, platforms: Map<string, PlatformModel>): WorkloadModel {
  const td = spec.mesh.trustDomain;
  return {
    name: w.name,
    namespace: w.namespace,
    serviceAccount: w.serviceAccount!,
    spiffeId: `spiffe://${td}/ns/${w.namespace}/sa/${w.serviceAccount!}`,
    labels: { ...w.labels },
    annotations: { ...w.annotations },
    ports: (w.ports ?? []).map((p) => ({ name: p.name, number: p.number, protocol: p.protocol! })),
    ...(w.probe ? { probe: w.probe as WorkloadModel['probe'] } : {}),
    placements: w.platforms.map((ref, ri) => {
      const joinToken = platforms.get(ref.name)?.attestation.type === 'join_token';
      const selectors = joinToken ? {} : { ...(ref.selectors ?? {}) };
      return {
        platform: ref.name,
        selectors,
        spireSelectors: toSpireSelectors(selectors),
        nodeAliasId: nodeAliasId(td, ref.name, w.namespace, w.name),
        pointer: `/workloads/${wi}/platforms/${ri}`,
      };
    }),
    pointer: `/workloads/${wi}`,
  };
}

/**
 * ARTIFACT_URL_UNKNOWN in the user's words: which OS of which platform needs the missing
 * package, and (for the object form of targets, a cross product) the per-OS list form that
 * leaves that OS off the arch, as the hint.
 */
function describeUnknownUrl(spec: WrittenSpec, need: ArtifactNeed): Unlocated {
  const p = spec.platforms[need.platformIndex]!;
  const entries = listTargetEntries(p, need.platformIndex);
  const forOs = need.oses.length > 0 ? ` for ${need.oses.join(' and ')} on ${need.arch}` : ` on ${need.arch}`;
  const set = `set artifacts.components.${need.component}.urls["${need.format}/${need.arch}"]`;
  const d: Unlocated = {
    severity: 'error',
    code: 'ARTIFACT_URL_UNKNOWN',
    message: `no public source gives a download URL for ${need.component} ${need.version} (${need.format}, ${need.arch}), which platform "${p.name}" needs${forOs}; ${set}`,
    pointer: `/platforms/${need.platformIndex}/targets`,
  };
  if (need.oses.length === 0) return d;
  if (Array.isArray(p.targets)) {
    const e = entries.find((x) => need.oses.includes(x.os) && x.arch.includes(need.arch));
    return { ...d, ...(e ? { pointer: e.archPointer } : {}), hint: `if ${need.oses.join(' and ')} does not run on ${need.arch} there, remove ${need.arch} from its targets entry` };
  }
  const kept = entries
    .map((e) => ({ os: e.os, arch: need.oses.includes(e.os) ? e.arch.filter((a) => a !== need.arch) : e.arch }))
    .filter((e) => e.arch.length > 0);
  if (kept.length === 0) return d;
  const list = kept.map((e) => `{ os: ${e.os}, arch: [${e.arch.join(', ')}] }`).join(', ');
  return { ...d, hint: `if ${need.oses.join(' and ')} does not run on ${need.arch}, list the targets per OS: targets: [${list}]` };
}

function pinArtifacts(spec: WrittenSpec, platforms: PlatformModel[], inputs: ResolveInputs, out: Unlocated[]): ArtifactPin[] {
  const a = spec.artifacts ?? {};
  const telemetry = spec.telemetry?.enabled ?? false;
  const needs = listArtifactNeeds({
    flavor: spec.mesh.flavor,
    telemetry,
    versions: {
      istio: spec.mesh.istio.version,
      spire: spec.spire!.version!,
      otel: spec.telemetry?.collectorVersion ?? DEFAULT_VERSIONS['otelcol-contrib'],
      ...(spec.gloo ? { gloo: spec.gloo.version } : {}),
    },
    platforms: platforms.map((p) => ({ pairs: p.pairs })),
  });
  const overrides = Object.fromEntries(Object.entries(a.components ?? {}).map(([k, v]) => [k, v?.urls ?? {}])) as Partial<Record<Component, Partial<Record<string, string>>>>;
  const pins: ArtifactPin[] = [];
  if (!inputs.lock && needs.length > 0 && !a.allowInsecureSkipChecksums && !inputs.ignoreLock) {
    out.push({ severity: 'error', code: 'LOCK_MISSING', message: `the lock file ${inputs.lockFile} does not exist; run \`vmonboard pin\` to download the artifacts and record their sha256`, pointer: '' });
  }
  for (const need of needs) {
    const url = resolveArtifactUrl(need, spec.mesh.flavor, { ...(a.mirror ? { mirror: a.mirror } : {}), overrides });
    if (!url) {
      out.push(describeUnknownUrl(spec, need));
      continue;
    }
    const entry = inputs.lock?.artifacts.find((e) => e.component === need.component && e.version === need.version && e.format === need.format && e.arch === need.arch);
    if (!entry) {
      if (inputs.lock && !a.allowInsecureSkipChecksums && !inputs.ignoreLock) {
        out.push({ severity: 'error', code: 'LOCK_PIN_MISSING', file: inputs.lockFile, message: `the lock file has no sha256 for ${need.component} ${need.version} ${need.format}/${need.arch}; run \`vmonboard pin\``, pointer: '/artifacts' });
      }
      pins.push({ component: need.component, version: need.version, format: need.format, arch: need.arch, url, sha256: null });
      continue;
    }
    if (entry.url !== url) {
      out.push({ severity: 'error', code: 'LOCK_PIN_STALE', file: inputs.lockFile, message: `${need.component} ${need.format}/${need.arch} was pinned from ${entry.url} but the spec now resolves ${url}; run \`vmonboard pin\``, pointer: `/artifacts/${inputs.lock!.artifacts.indexOf(entry)}/url` });
    }
    pins.push({ component: need.component, version: need.version, format: need.format, arch: need.arch, url, sha256: a.allowInsecureSkipChecksums ? null : entry.sha256 });
  }
  return pins;
}

/** Converts a normalized, rule-checked v1alpha1 spec into the Model. */
export function toModel(spec: WrittenSpec, inputs: ResolveInputs): { model: Model; diagnostics: Unlocated[] } {
  const out: Unlocated[] = [];
  const m = spec.mesh;
  const platforms = spec.platforms.map((p, i) => toPlatform(p, i, inputs.files, out));
  const byName = new Map(platforms.map((p) => [p.name, p]));
  const meshRootCA = loadTrust(inputs.files, spec.trust.meshRootCA, '/trust/meshRootCA', 'pem', out);
  const given = spec.trust.spireBundle;
  const bundleFormat = given?.format ?? 'pem';
  const before = out.length;
  const spireBundle = resolveSpireBundle(meshRootCA, given ? { ...loadTrust(inputs.files, given, '/trust/spireBundle', bundleFormat, out), format: bundleFormat } : undefined);
  // A bundle that could not be read is already reported; judging its content would only repeat that.
  if (given && out.length === before) checkBundleHasMeshRoot(meshRootCA, spireBundle, out);
  const ports = spec.eastWestGateway.ports as Record<string, number>;
  const roles = m.flavor === 'gloo' ? [...ISTIO_PORT_ROLES, ...GLOO_PORT_ROLES] : [...ISTIO_PORT_ROLES];
  const t = spec.telemetry;
  const a = spec.artifacts ?? {};
  const model: Model = {
    name: spec.metadata.name,
    sourceName: inputs.sourceName,
    ...(spec.metadata.description ? { description: spec.metadata.description } : {}),
    flavor: m.flavor,
    mesh: {
      istioVersion: m.istio.version,
      ...(m.istio.revision ? { revision: m.istio.revision } : {}),
      previousRevisions: [...(m.istio.previousRevisions ?? [])],
      trustDomain: m.trustDomain,
      clusterName: m.clusterName,
      meshID: m.meshID!,
      network: m.network,
      vmNetwork: m.vmNetwork,
      podCIDRs: [...(m.podCIDRs ?? [])],
      nodeCIDRs: [...(m.nodeCIDRs ?? [])],
      istiod: { namespace: m.istiod!.namespace!, service: m.istiod!.service!, host: `${m.istiod!.service!}.${m.istiod!.namespace!}.svc` },
      registration: m.registration!,
      autoRegistration: m.autoRegistration!,
      dnsCapture: m.dnsCapture!,
    },
    gateway: {
      address: spec.eastWestGateway.address,
      addressKind: isIP(spec.eastWestGateway.address) === 4 ? 'ipv4' : isIP(spec.eastWestGateway.address) === 6 ? 'ipv6' : 'dns',
      namespace: spec.eastWestGateway.namespace!,
      name: spec.eastWestGateway.name!,
      labels: { ...spec.eastWestGateway.labels },
      ports: Object.fromEntries(roles.map((r) => [r, ports[r]!])) as Model['gateway']['ports'],
      exposure: {
        sourceRanges: [...(spec.eastWestGateway.exposure?.sourceRanges ?? [])],
        internal: spec.eastWestGateway.exposure?.internal ?? false,
        ...(spec.eastWestGateway.exposure?.cloud ? { cloud: spec.eastWestGateway.exposure.cloud } : {}),
      },
    },
    trust: { meshRootCA, spireBundle },
    spire: {
      version: spec.spire!.version!,
      releaseName: spec.spire!.releaseName!,
      namespace: spec.spire!.namespace!,
      chartVersion: DEFAULT_VERSIONS.spireChart,
      crdsChartVersion: DEFAULT_VERSIONS.spireCrdsChart,
      className: `${spec.spire!.namespace!}-${spec.spire!.releaseName!}`,
      rebootstrapMode: spec.spire!.rebootstrapMode!,
      server: toServerCredentials(spec.spire?.server),
    },
    telemetry: {
      enabled: t?.enabled ?? false,
      collectorVersion: t?.collectorVersion ?? DEFAULT_VERSIONS['otelcol-contrib'],
      gateway: {
        host: t?.gateway.host ?? '',
        port: t?.gateway.port ?? 4317,
        sni: t?.gateway.sni ?? t?.gateway.host ?? '',
        ca: t?.gateway.ca ? loadTrust(inputs.files, t.gateway.ca, '/telemetry/gateway/ca', 'pem', out) : meshRootCA,
        clientCertificate: t?.gateway.clientCertificate ?? 'svid',
      },
      resourceAttributes: { ...(t?.resourceAttributes ?? {}) },
    },
    ...(spec.gloo ? { gloo: { version: spec.gloo.version, gatewayServiceAccount: spec.gloo.gatewayServiceAccount!, ...(spec.gloo.managementCluster ? { managementCluster: spec.gloo.managementCluster } : {}) } } : {}),
    platforms,
    workloads: spec.workloads.map((w, wi) => toWorkload(spec, w, wi, byName)),
    artifacts: {
      ...(a.mirror ? { mirror: a.mirror } : {}),
      ...(a.mirrorCA ? { mirrorCA: loadTrust(inputs.files, a.mirrorCA, '/artifacts/mirrorCA', 'pem', out) } : {}),
      proxy: { ...(a.proxy?.http ? { http: a.proxy.http } : {}), ...(a.proxy?.https ? { https: a.proxy.https } : {}), noProxy: [...(a.proxy?.noProxy ?? [])] },
      allowInsecureHttpMirror: a.allowInsecureHttpMirror ?? false,
      skipChecksums: a.allowInsecureSkipChecksums ?? false,
      samplePins: !inputs.ignoreLock && inputs.lock?.sample === 'true',
      pins: [],
    },
  };
  model.artifacts.pins = pinArtifacts(spec, platforms, inputs, out);
  if (model.artifacts.samplePins) {
    // Issue 15 §12: a field, not a comment, so tools and --strict can see it.
    out.push({ severity: 'warning', code: 'LOCK_SAMPLE_PINS', file: inputs.lockFile, message: `the lock file ${inputs.lockFile} holds SAMPLE pins (sample: true), not checksums of the real artifacts: VMs will refuse every download; run \`vmonboard pin\` to pin the real artifacts`, pointer: '/sample' });
  }
  return { model, diagnostics: out };
}
