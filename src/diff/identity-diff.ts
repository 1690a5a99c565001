/**
 * `vmonboard diff`: what a spec change does to the mesh's identities, not to its text. Both specs
 * are validated into Models and compared through the same explanation explain prints, plus the
 * trust material and versions every VM depends on. A change is identity-relevant when it adds or
 * removes an identity, changes who can claim one (selectors, attestor scope), changes a trust
 * root or the trust domain, changes who can reach the gateway or push telemetry, or upgrades a
 * component on every VM; the VMs whose payload changes are listed as well (they re-converge).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { listPemCertificateBlocks } from '../ca/pem-certificates.js';
import type { Attestation, Model, TrustSource } from '../model/model.js';
import { buildExplanation, type IdentityExplanation } from '../explain/explanation.js';

/** Kinds of identity-level change (schemas/diff-v1: change.kind). */
export type ChangeKind =
  | 'identity-added'
  | 'identity-removed'
  | 'admission-widened'
  | 'admission-narrowed'
  | 'admission-changed'
  | 'trust-domain-changed'
  | 'trust-root-changed'
  | 'exposure-widened'
  | 'exposure-narrowed'
  | 'exposure-changed'
  | 'telemetry-auth-changed'
  | 'version-bump';

/** One change. */
export interface Change {
  kind: ChangeKind;
  /** What changed: an identity key (namespace/workload@platform), a platform, a trust source, the gateway, a component. */
  subject: string;
  summary: string;
  before: string | string[] | null;
  after: string | string[] | null;
}

function key(i: Pick<IdentityExplanation, 'namespace' | 'workload' | 'platform'>): string {
  return `${i.namespace}/${i.workload}@${i.platform}`;
}

/** Compares two string sets: widened = `after` matches more (for selectors: fewer constraints). */
function setRelation(before: string[], after: string[]): 'equal' | 'subset' | 'superset' | 'other' {
  const b = new Set(before);
  const a = new Set(after);
  const aInB = [...a].every((x) => b.has(x));
  const bInA = [...b].every((x) => a.has(x));
  if (aInB && bInA) return 'equal';
  if (aInB) return 'subset';
  if (bInA) return 'superset';
  return 'other';
}

function identityChanges(oldIds: IdentityExplanation[], newIds: IdentityExplanation[]): Change[] {
  const out: Change[] = [];
  const before = new Map(oldIds.map((i) => [key(i), i]));
  const after = new Map(newIds.map((i) => [key(i), i]));
  for (const [k, i] of after) {
    const o = before.get(k);
    if (!o) {
      out.push({ kind: 'identity-added', subject: k, summary: `${i.sidecarSpiffeId} can now be claimed by ${i.admission}`, before: null, after: i.sidecarSpiffeId });
      continue;
    }
    if (o.sidecarSpiffeId !== i.sidecarSpiffeId) {
      out.push({ kind: 'identity-removed', subject: k, summary: `VMs of ${k} no longer get ${o.sidecarSpiffeId}`, before: o.sidecarSpiffeId, after: null });
      out.push({ kind: 'identity-added', subject: k, summary: `VMs of ${k} now get ${i.sidecarSpiffeId}`, before: null, after: i.sidecarSpiffeId });
    }
    // Selectors: fewer selectors match more machines (an alias matches when every selector does).
    const rel = setRelation(o.selectors, i.selectors);
    if (rel !== 'equal' || o.attestor !== i.attestor) {
      const kind: ChangeKind = o.attestor !== i.attestor || rel === 'other' ? 'admission-changed' : rel === 'subset' ? 'admission-widened' : 'admission-narrowed';
      out.push({ kind, subject: k, summary: `who can claim ${i.sidecarSpiffeId}: was ${o.admission}; now ${i.admission}`, before: o.selectors, after: i.selectors });
    }
  }
  for (const [k, o] of before) {
    if (!after.has(k)) out.push({ kind: 'identity-removed', subject: k, summary: `${o.sidecarSpiffeId} is no longer issued to VMs of ${o.platform}`, before: o.sidecarSpiffeId, after: null });
  }
  return out;
}

/** The scope lists of an attestation (accounts, regions, projects, subscriptions): more entries = more machines. */
function scopeOf(a: Attestation): string[] {
  switch (a.type) {
    case 'aws_iid':
      return [...a.accountIds.map((x) => `account:${x}`), ...a.regions.map((x) => `region:${x}`)];
    case 'gcp_iit':
      return a.projectIds.map((x) => `project:${x}`);
    case 'azure_imds':
      return [`tenant:${a.tenantId}`, ...a.subscriptions.map((x) => `subscription:${x}`)];
    case 'x509pop':
      return [`ca:${trustFingerprints(a.caBundle).join('+')}`, `certificate:${a.certificatePath}`];
    case 'join_token':
      return [`token:${a.token.uri}`];
  }
}

function platformChanges(oldM: Model, newM: Model): Change[] {
  const out: Change[] = [];
  for (const p of newM.platforms) {
    const o = oldM.platforms.find((x) => x.name === p.name);
    if (!o) continue;
    const before = scopeOf(o.attestation);
    const after = scopeOf(p.attestation);
    const rel = o.attestation.type !== p.attestation.type ? 'other' : setRelation(before, after);
    if (rel === 'equal') continue;
    // Scope entries are alternatives (any listed account): more of them admit more machines.
    const kind: ChangeKind = rel === 'superset' ? 'admission-widened' : rel === 'subset' ? 'admission-narrowed' : 'admission-changed';
    out.push({ kind, subject: `platform ${p.name}`, summary: `attestation scope of ${p.name} (${p.attestation.type}) changed`, before, after });
  }
  return out;
}

/** SHA-256 fingerprints of the certificates of an inline PEM bundle (or the URL, for a downloaded one). */
export function trustFingerprints(t: TrustSource): string[] {
  if (t.kind === 'url') return [`url:${t.url}`];
  const blocks = listPemCertificateBlocks(t.content);
  if (blocks.length === 0) return [`sha256:${createHash('sha256').update(t.content).digest('hex')}`];
  return blocks.map(({ pem: b }) => {
    try {
      return new X509Certificate(b).fingerprint256;
    } catch {
      return `sha256:${createHash('sha256').update(b).digest('hex')}`;
    }
  });
}

function trustChanges(oldM: Model, newM: Model): Change[] {
  const out: Change[] = [];
  if (oldM.mesh.trustDomain !== newM.mesh.trustDomain) {
    out.push({ kind: 'trust-domain-changed', subject: 'mesh.trustDomain', summary: 'every SPIFFE ID changes: every VM and the SPIRE server must move together', before: oldM.mesh.trustDomain, after: newM.mesh.trustDomain });
  }
  const roots: Array<[string, TrustSource, TrustSource]> = [
    ['trust.meshRootCA', oldM.trust.meshRootCA, newM.trust.meshRootCA],
    ['trust.spireBundle', oldM.trust.spireBundle, newM.trust.spireBundle],
    ['telemetry.gateway.ca', oldM.telemetry.gateway.ca, newM.telemetry.gateway.ca],
  ];
  for (const [subject, o, n] of roots) {
    const before = trustFingerprints(o);
    const after = trustFingerprints(n);
    if (setRelation(before, after) !== 'equal') out.push({ kind: 'trust-root-changed', subject, summary: `the certificates VMs trust for ${subject} changed`, before, after });
  }
  return out;
}

function exposureChanges(oldM: Model, newM: Model): Change[] {
  const out: Change[] = [];
  const o = oldM.gateway.exposure;
  const n = newM.gateway.exposure;
  // No source ranges means every source: model that as the universe when comparing.
  const open = (r: string[]): string[] => (r.length === 0 ? ['0.0.0.0/0', '::/0'] : r);
  const rel = setRelation(open(o.sourceRanges), open(n.sourceRanges));
  if (rel !== 'equal') {
    const kind: ChangeKind = rel === 'superset' || (n.sourceRanges.length === 0 && o.sourceRanges.length > 0) ? 'exposure-widened' : rel === 'subset' || (o.sourceRanges.length === 0 && n.sourceRanges.length > 0) ? 'exposure-narrowed' : 'exposure-changed';
    out.push({ kind, subject: 'eastWestGateway.exposure.sourceRanges', summary: 'the sources allowed to reach the east-west gateway changed', before: o.sourceRanges, after: n.sourceRanges });
  }
  if (o.internal !== n.internal || (n.internal && o.cloud !== n.cloud)) {
    out.push({ kind: n.internal && !o.internal ? 'exposure-narrowed' : !n.internal && o.internal ? 'exposure-widened' : 'exposure-changed', subject: 'eastWestGateway.exposure.internal', summary: `the gateway load balancer is now ${n.internal ? `internal (${n.cloud})` : 'public'}`, before: o.internal ? `internal (${o.cloud})` : 'public', after: n.internal ? `internal (${n.cloud})` : 'public' });
  }
  if (oldM.gateway.address !== newM.gateway.address) out.push({ kind: 'exposure-changed', subject: 'eastWestGateway.address', summary: 'every VM dials a new gateway address', before: oldM.gateway.address, after: newM.gateway.address });
  const ports = (m: Model): string[] => Object.entries(m.gateway.ports).map(([r, p]) => `${r}:${p}`).sort();
  if (setRelation(ports(oldM), ports(newM)) !== 'equal') out.push({ kind: 'exposure-changed', subject: 'eastWestGateway.ports', summary: 'gateway ports changed', before: ports(oldM), after: ports(newM) });
  const auth = (m: Model): string => (m.telemetry.enabled ? m.telemetry.gateway.clientCertificate : 'off');
  if (auth(oldM) !== auth(newM)) out.push({ kind: 'telemetry-auth-changed', subject: 'telemetry.gateway.clientCertificate', summary: `collectors authenticate to the OTel gateway with: ${auth(newM)}`, before: auth(oldM), after: auth(newM) });
  return out;
}

function versionChanges(oldM: Model, newM: Model): Change[] {
  const versions = (m: Model): Array<[string, string | undefined]> => [
    ['istio', m.mesh.istioVersion],
    ['spire', m.spire.version],
    ['otelcol-contrib', m.telemetry.enabled ? m.telemetry.collectorVersion : undefined],
    ['gloo', m.gloo?.version],
  ];
  const before = new Map(versions(oldM));
  return versions(newM)
    .filter(([c, v]) => before.get(c) !== v && (v !== undefined || before.get(c) !== undefined))
    .map(([c, v]) => ({ kind: 'version-bump' as const, subject: c, summary: `${c} ${before.get(c) ?? 'absent'} -> ${v ?? 'absent'} on every VM`, before: before.get(c) ?? null, after: v ?? null }));
}

/** Lists the identity-level changes from `oldM` to `newM`, in a fixed order. */
export function diffModels(oldM: Model, newM: Model): Change[] {
  return [
    ...trustChanges(oldM, newM),
    ...identityChanges(buildExplanation(oldM).identities, buildExplanation(newM).identities),
    ...platformChanges(oldM, newM),
    ...exposureChanges(oldM, newM),
    ...versionChanges(oldM, newM),
  ];
}
