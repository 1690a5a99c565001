/**
 * `vmonboard explain`: who can become what. Built only from the Model and the helpers the bundle
 * itself uses (registration.ts, firewall.ts, iam.ts, offboard.ts), so the explanation describes
 * exactly what render writes. Its JSON form is stable and documented by
 * schemas/explain-v1/explain.schema.json.
 */
import type { Model, PlatformModel, WorkloadKey, WorkloadModel, Placement } from '../model/model.js';
import { listFirewallRules, type FirewallRule } from '../bundle/firewall.js';
import { buildIamDocuments, type IamDocument } from '../cluster/iam.js';
import { listOffboardPlans, type OffboardPlan } from '../cluster/offboard.js';
import type { PayloadLookup } from '../bundle/readme.js';
import { describeGatewayExposure } from '../cluster/gateway-exposure.js';
import { PAYLOAD_FILE, vmDir } from '../bundle/layout.js';
import { shortWorkloadName } from '../model/find-workload.js';
import { describeAdmission } from './admission.js';
import { placementRisks, specRisks, type Risk } from './risks.js';

/** apiVersion of the explain JSON. */
export const EXPLAIN_API_VERSION = 'vmonboard.explain/v1';

/** One IAM document as explain shows it: where it applies and the permissions it grants. */
export interface IamNeed {
  file: string;
  cloud: IamDocument['cloud'];
  appliesTo: string;
  permissions: string[];
}

/** One workload × platform. */
export interface IdentityExplanation {
  workload: string;
  namespace: string;
  serviceAccount: string;
  platform: string;
  platformKind: PlatformModel['kind'];
  attestor: PlatformModel['attestation']['type'];
  sidecarSpiffeId: string;
  nodeAliasId: string;
  /** The alias entry's SPIRE node selectors (empty for join tokens). */
  selectors: string[];
  /** Which machines can claim the identity, in plain words. */
  admission: string;
  risks: Risk[];
  needs: {
    firewall: FirewallRule[];
    iam: IamNeed[];
    downloads: Array<{ component: string; version: string; format: string; arch: string; url: string; sha256: string | null }>;
  };
  payload: string;
  offboard: { script: string; agentIdForm: string; commands: string[] };
}

/** The whole explanation. */
export interface Explanation {
  apiVersion: typeof EXPLAIN_API_VERSION;
  spec: string;
  name: string;
  flavor: Model['flavor'];
  trustDomain: string;
  gateway: { address: string; exposure: { internal: boolean; cloud: string | null; sourceRanges: string[] }; summary: string };
  telemetry: { enabled: boolean; clientCertificate: 'svid' | 'none' };
  risks: Risk[];
  identities: IdentityExplanation[];
}

/** Actions a document grants, whatever its cloud's shape (AWS Statement, GCP role, Azure role and assignments). */
function permissionsOf(doc: IamDocument): string[] {
  const out: string[] = [];
  const body = doc.body as Record<string, unknown> | Array<Record<string, unknown>>;
  const add = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(add);
  };
  if (Array.isArray(body)) body.forEach((a) => add(`role ${String(a.roleDefinitionId)} on ${String(a.scope)}`));
  else {
    for (const st of (body.Statement as Array<Record<string, unknown>> | undefined) ?? []) add(st.Action);
    add(body.includedPermissions);
    add(body.DataActions);
    if (typeof body.subject === 'string') out.push(`federated credential for ${body.subject}`);
  }
  return [...new Set(out)];
}

/** The firewall rows one VM of `platform` / `workload` needs (rows for all VMs, its platform, or its workload). */
function firewallFor(rules: FirewallRule[], model: Model, w: WorkloadModel, platform: PlatformModel): FirewallRule[] {
  return rules.filter((r) => {
    if (r.appliesTo === 'all VMs' || r.appliesTo === `${shortWorkloadName(w, model.workloads)} VMs`) return true;
    const names = r.appliesTo.replace(/^image builds of /, '').split(', ');
    return names.includes(platform.name);
  });
}

/** IAM documents that concern a platform: its own files, and the shared ones of its attestor's cloud. */
function iamFor(docs: IamDocument[], model: Model, platform: PlatformModel): IamNeed[] {
  const others = model.platforms.filter((p) => p !== platform).map((p) => p.name);
  const attestorCloud = { aws_iid: 'aws', gcp_iit: 'gcp', azure_imds: 'azure' } as Record<string, string | undefined>;
  return docs
    .filter((d) => {
      const own = d.file.endsWith(`-${platform.name}.json`);
      const someoneElses = others.some((n) => d.file.endsWith(`-${n}.json`));
      return own || (!someoneElses && d.cloud === attestorCloud[platform.attestation.type]);
    })
    .map((d) => ({ file: `cluster/iam/${d.file}`, cloud: d.cloud, appliesTo: d.appliesTo, permissions: permissionsOf(d) }));
}

/** What explainPlacement reads besides the placement: listed once per explanation. */
interface ExplainContext {
  rules: FirewallRule[];
  iam: IamDocument[];
  /** Offboarding plans by `<namespace>/<workload>/<platform>`. */
  offboard: Map<string, OffboardPlan>;
  payloads?: PayloadLookup;
}

function explainPlacement(model: Model, w: WorkloadModel, pl: Placement, ctx: ExplainContext): IdentityExplanation {
  const platform = model.platforms.find((p) => p.name === pl.platform)!;
  const plan = ctx.offboard.get(`${w.namespace}/${w.name}/${pl.platform}`)!;
  const formats = new Set<string>([...platform.formats, 'tar.gz', 'bin']);
  return {
    workload: w.name,
    namespace: w.namespace,
    serviceAccount: w.serviceAccount,
    platform: platform.name,
    platformKind: platform.kind,
    attestor: platform.attestation.type,
    sidecarSpiffeId: w.spiffeId,
    nodeAliasId: pl.nodeAliasId,
    selectors: [...pl.spireSelectors],
    admission: describeAdmission(model, platform, pl),
    risks: placementRisks(model, w, pl, platform),
    needs: {
      firewall: firewallFor(ctx.rules, model, w, platform),
      iam: iamFor(ctx.iam, model, platform),
      downloads: model.artifacts.pins
        .filter((p) => platform.targets.arch.includes(p.arch) && formats.has(p.format))
        .map((p) => ({ component: p.component, version: p.version, format: p.format, arch: p.arch, url: p.url, sha256: p.sha256 })),
    },
    payload: ctx.payloads ? ctx.payloads(w, platform).path : `${vmDir(w, platform.name)}/${PAYLOAD_FILE[platform.delivery]}`,
    offboard: { script: plan.file, agentIdForm: plan.agentIdForm, commands: plan.steps.filter((s) => s.when === 'vm-gone' && s.id === 'evict-agent').flatMap((s) => s.commands) },
  };
}

/**
 * Builds the explanation, optionally narrowed to one workload and/or platform. `payloads` names the
 * payload file each VM's directory holds (payloadsIn over the rendered VM files); without it every
 * payload is named raw, which is what a bundle holds unless a payload was over its platform's limit.
 */
export function buildExplanation(model: Model, filter: { workload?: WorkloadKey; platform?: string } = {}, payloads?: PayloadLookup): Explanation {
  const ctx: ExplainContext = {
    rules: listFirewallRules(model),
    iam: buildIamDocuments(model),
    offboard: new Map(listOffboardPlans(model).map((p) => [`${p.namespace}/${p.workload}/${p.platform}`, p])),
    ...(payloads ? { payloads } : {}),
  };
  const identities = model.workloads
    .filter((w) => !filter.workload || (w.name === filter.workload.name && w.namespace === filter.workload.namespace))
    .flatMap((w) => w.placements.filter((pl) => !filter.platform || pl.platform === filter.platform).map((pl) => explainPlacement(model, w, pl, ctx)));
  const e = model.gateway.exposure;
  return {
    apiVersion: EXPLAIN_API_VERSION,
    spec: model.sourceName,
    name: model.name,
    flavor: model.flavor,
    trustDomain: model.mesh.trustDomain,
    gateway: { address: model.gateway.address, exposure: { internal: e.internal, cloud: e.cloud ?? null, sourceRanges: [...e.sourceRanges] }, summary: describeGatewayExposure(model) },
    telemetry: { enabled: model.telemetry.enabled, clientCertificate: model.telemetry.gateway.clientCertificate },
    risks: specRisks(model),
    identities,
  };
}
