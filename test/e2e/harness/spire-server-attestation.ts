/**
 * The SPIRE server stand-in's node attestation: it judges the evidence the stand-in agent sends
 * (the IID document, the GCE identity token, the Azure attested document, the x509pop
 * certificate and proof of possession, the join token) as the real server's attestors do, turns
 * it into the selectors they produce, and matches the spec's node-alias entries
 * (src/cluster/registration.ts) against them. Sources, SPIRE v1.15.3:
 * ../shared/upstream/spiffe-spire/doc/plugin_server_nodeattestor_{aws_iid,gcp_iit,azure_imds,x509pop,jointoken}.md
 * ("Selectors" tables, the allow lists, agent SPIFFE ID forms).
 *
 * - aws_iid: the document's signature must verify; the server reaches only the accounts and
 *   regions its IAM policy names (src/cluster/iam.ts; assume_role per account), and reads the
 *   instance (DescribeInstances) for tags, instance profile role and security groups.
 * - gcp_iit: the token's signature, audience `spire-gcp-node-attestor` and expiry must verify;
 *   its project must be in projectid_allow_list; labels become selectors only for label keys the
 *   chart allow-lists (those the selectors use).
 * - azure_imds: challenge (nonce) and response; the tenant domain must be configured, the
 *   document's signature and nonce must verify, its subscription must be in restrict_to_subscriptions;
 *   VM tags become selectors only for allowed_vm_tags (those the selectors use).
 * - x509pop: Go's crypto/x509 must verify the leaf, through the intermediates the agent sent (at
 *   most 4), to the platform's CA bundle (go-x509.ts); the agent proves possession of its key by
 *   signing the server's nonce.
 * - join_token: the token must have been minted (`spire-server token generate -spiffeID <alias>`)
 *   and is single use.
 * A node alias applies when ALL its selectors are among the node's (SPIRE entry matching). An
 * attested node that matches no alias is not refused by SPIRE, but no entry is parented to it,
 * so its workloads get no SVID: the stand-in agent then answers "no identity issued".
 *
 * Not modelled: TOFU (gcp_iit/azure_imds refuse a second attestation of the same node; the
 * stand-in agent re-attests on every start), EKS/organization validation, agent_path_template.
 */
import { X509Certificate, createHash, randomBytes, verify, type KeyObject } from 'node:crypto';
import { listSpireEntries, type SpireEntry } from '../../../src/cluster/registration.js';
import type { Model } from '../../../src/model/model.js';
import { goVerify } from './go-x509.js';
import { GCP_IIT_AUDIENCE } from './metadata-stub.js';
import type { NodeIdentity } from './node-identity.js';

/** What the stand-in agent sends: a first message, or the response to a challenge. */
export interface AttestRequest {
  attestor: string;
  payload?: Record<string, unknown>;
  session?: string;
  response?: Record<string, unknown>;
}

/** The server's answer: a challenge, a refusal, or the attested node with its entries. */
export type AttestReply =
  | { challenge: string; session: string }
  | { error: string }
  | {
      agent_id: string;
      selectors: string[];
      aliases: string[];
      /** Entries the agent serves to workloads: SPIFFE ID and the workload selectors that get it. */
      entries: Array<{ spiffe_id: string; selectors: string[] }>;
      /** Why no alias matched (empty when one did). */
      unmatched: string[];
    };

/** What the server is configured with: the spec it serves and the clouds' verification key. */
export interface AttestationConfig {
  model: Model;
  /** The public key the metadata stubs sign with (AWS, Google and Azure signatures stand in). */
  cloudKey: KeyObject;
  /** DescribeInstances / compute.instances.get / ARM: the stubs' record of the VM. */
  cloud: () => NodeIdentity;
  /** Join tokens minted for this server: token → alias SPIFFE ID. */
  joinTokens: Map<string, string>;
}

const strings = (v: unknown): string => (typeof v === 'string' ? v : '');

function awsSelectors(c: AttestationConfig, p: Record<string, unknown>): { id: string; selectors: string[] } | string {
  const doc = strings(p.document);
  if (!verify('sha256', Buffer.from(doc), c.cloudKey, Buffer.from(strings(p.signature), 'base64'))) return 'aws_iid: the instance identity document signature does not verify';
  const d = JSON.parse(doc) as { accountId: string; region: string; instanceId: string; availabilityZone: string; imageId: string };
  const aws = c.model.platforms.flatMap((x) => (x.attestation.type === 'aws_iid' ? [x.attestation] : []));
  if (aws.length === 0) return 'aws_iid: the server has no aws_iid attestor configured';
  if (!aws.some((a) => a.accountIds.includes(d.accountId))) return `aws_iid: account ${d.accountId} is not one the server can reach (accountIds ${aws.flatMap((a) => a.accountIds).join(', ')}): AssumeRole/DescribeInstances is denied`;
  if (!aws.some((a) => a.regions.includes(d.region))) return `aws_iid: region ${d.region} is not in the server's IAM policy (regions ${aws.flatMap((a) => a.regions).join(', ')}): DescribeInstances is denied`;
  const i = c.cloud().aws;
  if (i.instanceId !== d.instanceId) return `aws_iid: DescribeInstances found no instance ${d.instanceId}`;
  const s = [`aws_iid:account_id:${d.accountId}`, `aws_iid:az:${d.availabilityZone}`, `aws_iid:image:id:${d.imageId}`, `aws_iid:instance:id:${d.instanceId}`, `aws_iid:region:${d.region}`];
  for (const [k, v] of Object.entries(i.tags)) s.push(`aws_iid:tag:${k}:${v}`);
  if (i.iamRole) s.push(`aws_iid:iamrole:${i.iamRole}`);
  for (const g of i.securityGroups) s.push(`aws_iid:sg:id:${g.id}`, `aws_iid:sg:name:${g.name}`);
  return { id: `aws_iid/${d.accountId}/${d.region}/${d.instanceId}`, selectors: s };
}

function gcpSelectors(c: AttestationConfig, p: Record<string, unknown>): { id: string; selectors: string[] } | string {
  const [h, b, sig] = strings(p.token).split('.');
  if (!h || !b || !sig || !verify('sha256', Buffer.from(`${h}.${b}`), c.cloudKey, Buffer.from(sig, 'base64url'))) return 'gcp_iit: the identity token signature does not verify';
  const claims = JSON.parse(Buffer.from(b, 'base64url').toString()) as { aud: string; exp: number; email: string; google?: { compute_engine?: Record<string, string | number> } };
  if (claims.aud !== GCP_IIT_AUDIENCE) return `gcp_iit: the identity token audience is ${JSON.stringify(claims.aud)}, want ${GCP_IIT_AUDIENCE}`;
  if (claims.exp * 1000 < Date.now()) return 'gcp_iit: the identity token expired';
  const ce = claims.google?.compute_engine;
  if (!ce) return 'gcp_iit: the identity token has no google.compute_engine claims (the agent must ask for format=full)';
  const allow = c.model.platforms.flatMap((x) => (x.attestation.type === 'gcp_iit' ? x.attestation.projectIds : []));
  if (!allow.includes(String(ce.project_id))) return `gcp_iit: project ${String(ce.project_id)} is not in projectid_allow_list (${allow.join(', ')})`;
  const s = [`gcp_iit:project-id:${ce.project_id}`, `gcp_iit:zone:${ce.zone}`, `gcp_iit:instance-name:${ce.instance_name}`, `gcp_iit:sa:${claims.email}`];
  // use_instance_metadata + allowed_label_keys: only the label keys the alias selectors use.
  const allowedLabels = new Set(c.model.workloads.flatMap((w) => w.placements.flatMap((pl) => Object.keys(pl.selectors.gcp?.labels ?? {}))));
  for (const [k, v] of Object.entries(c.cloud().gcp.labels)) if (allowedLabels.has(k)) s.push(`gcp_iit:label:${k}:${v}`);
  return { id: `gcp_iit/${ce.project_id}/${ce.instance_id}`, selectors: s };
}

function azureSelectors(c: AttestationConfig, nonce: string, first: Record<string, unknown>, r: Record<string, unknown>): { id: string; selectors: string[] } | string {
  const tenantDomain = strings(first.tenant_domain);
  const az = c.model.platforms.flatMap((x) => (x.attestation.type === 'azure_imds' && x.attestation.tenantDomain === tenantDomain ? [x.attestation] : []));
  if (az.length === 0) return `azure_imds: tenant ${JSON.stringify(tenantDomain)} is not configured on the server`;
  const wrapped = JSON.parse(Buffer.from(strings(r.document), 'base64').toString()) as { document: string; signature: string };
  if (!verify('sha256', Buffer.from(wrapped.document), c.cloudKey, Buffer.from(wrapped.signature, 'base64'))) return 'azure_imds: the attested document signature does not verify';
  const d = JSON.parse(wrapped.document) as { nonce: string; vmId: string; subscriptionId: string };
  if (d.nonce !== nonce) return 'azure_imds: the attested document does not carry the challenge nonce';
  const subs = az.flatMap((a) => a.subscriptions);
  if (!subs.includes(d.subscriptionId)) return `azure_imds: subscription ${d.subscriptionId} is not in restrict_to_subscriptions (${subs.join(', ')})`;
  const vm = c.cloud().azure;
  if (vm.vmId !== d.vmId) return `azure_imds: no VM ${d.vmId} in subscription ${d.subscriptionId}`;
  const s = [`azure_imds:subscription-id:${d.subscriptionId}`, `azure_imds:vm-name:${vm.name}`, `azure_imds:resource-group:${vm.resourceGroupName}`, `azure_imds:vm-location:${vm.location}`];
  const allowedTags = new Set(c.model.workloads.flatMap((w) => w.placements.flatMap((pl) => Object.keys(pl.selectors.azure?.tags ?? {}))));
  for (const [k, v] of Object.entries(vm.tags)) if (allowedTags.has(k)) s.push(`azure_imds:vm-tag:${k}:${v}`);
  return { id: `azure_imds/${az[0]!.tenantId}/${d.subscriptionId}/${d.vmId}`, selectors: s };
}

/** max_intermediates default (spiffe/spire v1.15.3 pkg/server/plugin/nodeattestor/x509pop/x509pop.go defaultMaxIntermediates). */
const X509POP_MAX_INTERMEDIATES = 4;

async function x509Selectors(c: AttestationConfig, nonce: string, first: Record<string, unknown>, r: Record<string, unknown>): Promise<{ id: string; selectors: string[] } | string> {
  const pems = Array.isArray(first.certificates) ? first.certificates.map(String) : [];
  if (pems.length === 0) return 'x509pop: the agent sent no certificate';
  if (pems.length - 1 > X509POP_MAX_INTERMEDIATES) return 'x509pop: too many intermediate certificates';
  const leaf = new X509Certificate(pems[0]!);
  // The real server verifies with Go's crypto/x509 (leaf.Verify with the sent intermediates, the
  // ca_bundle_path roots and ExtKeyUsageAny: x509pop.go), so the stand-in asks Go too: validity,
  // CA flags, path lengths and signatures are judged by the verifier, not by hand.
  const roots = c.model.platforms.flatMap((x) => (x.attestation.type === 'x509pop' && x.attestation.caBundle.kind === 'inline' ? [x.attestation.caBundle.content] : [])).join('\n');
  const verdict = await goVerify(pems.map((p) => `${p.trim()}\n`).join(''), roots, 'any');
  if (!verdict.ok) return `x509pop: certificate verification failed: ${verdict.error}`;
  if (!verify('sha256', Buffer.from(nonce), leaf.publicKey, Buffer.from(strings(r.signature), 'base64'))) return 'x509pop: the proof of possession (signature over the challenge) does not verify with the certificate\'s key';
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(leaf.subject)?.[1] ?? '';
  const s = [`x509pop:subject:cn:${cn}`, `x509pop:serialnumber:${leaf.serialNumber.toLowerCase().replace(/^0+(?=.)/, '')}`, ...(verdict.caSha1 ?? []).map((fp) => `x509pop:ca:fingerprint:${fp}`)];
  const td = c.model.mesh.trustDomain;
  for (const san of (leaf.subjectAltName ?? '').split(/,\s*/)) {
    const m = new RegExp(`^URI:x509pop://${td.replace(/\./g, '\\.')}/([^/]+)/(.+)$`).exec(san);
    if (m) s.push(`x509pop:san:${m[1]}:${m[2]}`);
  }
  return { id: `x509pop/${createHash('sha1').update(leaf.raw).digest('hex')}`, selectors: s };
}

/** Node alias entries whose selectors are all among the node's; and, per alias, what is missing. */
export function matchAliases(entries: SpireEntry[], nodeSelectors: string[]): { matched: SpireEntry[]; unmatched: string[] } {
  const have = new Set(nodeSelectors);
  const aliases = entries.filter((e) => e.kind === 'node-alias');
  const matched = aliases.filter((e) => e.selectors.every((s) => have.has(s)));
  const unmatched = matched.length > 0 ? [] : aliases.map((e) => `${e.spiffeID} needs ${e.selectors.filter((s) => !have.has(s)).join(', ')}`);
  return { matched, unmatched };
}

/**
 * Attests one node. Challenge-response attestors (azure_imds, x509pop) answer the first message
 * with a nonce; `sessions` keeps it until the response arrives.
 */
export async function attestNode(c: AttestationConfig, req: AttestRequest, sessions: Map<string, { nonce: string; first: AttestRequest }>): Promise<AttestReply> {
  let result: { id: string; selectors: string[] } | string;
  const first = req.session ? sessions.get(req.session)?.first : req;
  if (!first) return { error: 'unknown attestation session' };
  const payload = first.payload ?? {};
  if ((first.attestor === 'azure_imds' || first.attestor === 'x509pop') && !req.session) {
    const session = randomBytes(12).toString('hex');
    const nonce = randomBytes(32).toString('hex');
    sessions.set(session, { nonce, first: req });
    return { challenge: nonce, session };
  }
  const nonce = req.session ? sessions.get(req.session)!.nonce : '';
  if (req.session) sessions.delete(req.session);
  try {
    switch (first.attestor) {
      case 'aws_iid':
        result = awsSelectors(c, payload);
        break;
      case 'gcp_iit':
        result = gcpSelectors(c, payload);
        break;
      case 'azure_imds':
        result = azureSelectors(c, nonce, payload, req.response ?? {});
        break;
      case 'x509pop':
        result = await x509Selectors(c, nonce, payload, req.response ?? {});
        break;
      case 'join_token': {
        const token = strings(payload.token).trim();
        const alias = c.joinTokens.get(token);
        if (!alias) return { error: 'join_token: the token was never minted or was already used' };
        c.joinTokens.delete(token); // single use
        const td = c.model.mesh.trustDomain;
        const entries = listSpireEntries(c.model).filter((e) => e.kind === 'sidecar' && e.parentID === alias);
        return { agent_id: `spiffe://${td}/spire/agent/join_token/${token}`, selectors: [], aliases: [alias], entries: entries.map((e) => ({ spiffe_id: e.spiffeID, selectors: e.selectors })), unmatched: [] };
      }
      default:
        return { error: `the server has no NodeAttestor ${JSON.stringify(first.attestor)}` };
    }
  } catch (e) {
    return { error: `${first.attestor}: malformed evidence: ${(e as Error).message}` };
  }
  if (typeof result === 'string') return { error: result };
  const all = listSpireEntries(c.model);
  const { matched, unmatched } = matchAliases(all, result.selectors);
  const parents = new Set(matched.map((e) => e.spiffeID));
  const entries = all.filter((e) => e.kind === 'sidecar' && parents.has(e.parentID));
  return {
    agent_id: `spiffe://${c.model.mesh.trustDomain}/spire/agent/${result.id}`,
    selectors: [...result.selectors].sort(),
    aliases: [...parents].sort(),
    entries: entries.map((e) => ({ spiffe_id: e.spiffeID, selectors: e.selectors })),
    unmatched,
  };
}
