/**
 * SPIRE server node attestors for the VM platforms, as spire chart 0.30.0 values, in addition to
 * the chart's default k8sPSAT (which the in-cluster agents use and we never touch).
 *
 * Key names are those of charts/spire/charts/spire-server/values.yaml `nodeAttestor.*`. The chart
 * has no Azure attestor, so azure_imds goes through `unsupportedBuiltInPlugins.nodeAttestor`,
 * whose plugin_data is the SPIRE plugin's own (doc/plugin_server_nodeattestor_azure_imds.md).
 */
import type { Model, PlatformModel, TrustSource } from '../model/model.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { spireServerName } from './names.js';

type Unlocated = Diagnostic & { atKey?: boolean };
type Attest<T extends PlatformModel['attestation']['type']> = Extract<PlatformModel['attestation'], { type: T }>;

/**
 * Where the spire-server pod finds the Entra ID federated token for azure_imds token_auth: a
 * projected ServiceAccount token mounted through the chart's extraVolumes/extraVolumeMounts.
 */
export const AZURE_TOKEN_DIR = '/var/run/secrets/azure/tokens';
/** File name of the projected token inside AZURE_TOKEN_DIR. */
export const AZURE_TOKEN_FILE = 'azure-identity-token';
/** Audience Entra ID requires in federated tokens (learn.microsoft.com/graph/api/resources/federatedidentitycredential: "should be set to api://AzureADTokenExchange"). */
export const AZURE_TOKEN_AUDIENCE = 'api://AzureADTokenExchange';

/** Node attestor settings for the spire-server subchart, plus findings. */
export interface AttestorValues {
  /** `spire-server.nodeAttestor` (only the attestors the platforms use). */
  nodeAttestor: Record<string, unknown>;
  /** `spire-server.unsupportedBuiltInPlugins.nodeAttestor` (azure_imds). */
  unsupportedNodeAttestor: Record<string, unknown>;
  /** `spire-server.extraVolumes` / `extraVolumeMounts` (the Azure federated token). */
  extraVolumes: unknown[];
  extraVolumeMounts: unknown[];
  diagnostics: Unlocated[];
}

function platformsOf<T extends PlatformModel['attestation']['type']>(model: Model, type: T): Array<{ p: PlatformModel; a: Attest<T> }> {
  return model.platforms.filter((p) => p.attestation.type === type).map((p) => ({ p, a: p.attestation as Attest<T> }));
}

/** Selector keys the workloads use on platforms of one attestation type (sorted, unique). */
function selectorKeys(model: Model, platforms: Set<string>, pick: (s: Model['workloads'][number]['placements'][number]['selectors']) => Record<string, string> | undefined): string[] {
  const keys = new Set<string>();
  for (const w of model.workloads) for (const pl of w.placements) if (platforms.has(pl.platform)) for (const k of Object.keys(pick(pl.selectors) ?? {})) keys.add(k);
  return [...keys].sort();
}

function awsAttestor(model: Model, out: Unlocated[]): Record<string, unknown> | undefined {
  const aws = platformsOf(model, 'aws_iid');
  if (aws.length === 0) return undefined;
  const first = aws[0]!;
  // The chart renders one aws_iid plugin, so every AWS platform must agree on how the server reaches accounts.
  for (const { p, a } of aws.slice(1)) {
    if ((a.assumeRole ?? '') !== (first.a.assumeRole ?? '')) {
      out.push({ severity: 'error', code: 'CLUSTER_ATTESTOR_CONFLICT', pointer: `${p.pointer}/aws${a.assumeRole ? '/assumeRole' : ''}`, message: `platform "${p.name}" and platform "${first.p.name}" need different aws_iid assume_role settings, but the SPIRE server runs one aws_iid attestor; use the same assumeRole on every AWS platform` });
    }
    if (JSON.stringify(a.verifyOrganization ?? null) !== JSON.stringify(first.a.verifyOrganization ?? null)) {
      out.push({ severity: 'error', code: 'CLUSTER_ATTESTOR_CONFLICT', pointer: `${p.pointer}/aws`, message: `platform "${p.name}" and platform "${first.p.name}" need different aws_iid verify_organization settings, but the SPIRE server runs one aws_iid attestor; use the same verifyOrganization on every AWS platform` });
    }
  }
  const accounts = new Set(aws.flatMap(({ a }) => a.accountIds));
  for (const { p, a } of aws) {
    // doc/plugin_server_nodeattestor_aws_iid.md: without assume_role the server calls EC2 with its own credentials, which see one account only.
    if (!a.assumeRole && accounts.size > 1) {
      out.push({ severity: 'error', code: 'CLUSTER_ATTESTOR_INCOMPLETE', pointer: `${p.pointer}/aws/accountIds`, message: `the AWS platforms span ${accounts.size} accounts, but without assumeRole the SPIRE server can only look up instances in its own account; set aws.assumeRole (a role the server assumes in each account)` });
    }
    // Same doc: management_account_id and assume_org_role are both required (account_list_file is not exposed by the chart).
    if (a.verifyOrganization && !a.verifyOrganization.assumeOrgRole) {
      out.push({ severity: 'error', code: 'CLUSTER_ATTESTOR_INCOMPLETE', pointer: `${p.pointer}/aws/verifyOrganization`, message: 'aws_iid verify_organization needs assume_org_role (the role in the management account allowed to call organizations:ListAccounts); set verifyOrganization.assumeOrgRole' });
    }
    // The chart renders assume_role without `partition`, so SPIRE builds arn:aws:... role ARNs (spire-otel.md §2.2).
    const foreign = a.regions.filter((r) => r.startsWith('cn-') || r.startsWith('us-gov-'));
    if (a.assumeRole && foreign.length > 0) {
      out.push({ severity: 'error', code: 'CLUSTER_UNSUPPORTED', pointer: `${p.pointer}/aws/regions`, message: `regions ${foreign.join(', ')} are outside the aws partition, but the spire chart 0.30.0 cannot set the aws_iid partition, so assume_role would name arn:aws roles; run these VMs in another platform without assumeRole` });
    }
  }
  const v = first.a.verifyOrganization;
  return {
    enabled: true,
    ...(first.a.assumeRole ? { assumeRole: first.a.assumeRole } : {}),
    ...(v ? { verifyOrganization: { enabled: true, managementAccountId: v.managementAccountId, assumeOrgRole: v.assumeOrgRole ?? '', managementAccountRegion: v.managementAccountRegion } } : {}),
  };
}

function gcpAttestor(model: Model): Record<string, unknown> | undefined {
  const gcp = platformsOf(model, 'gcp_iit');
  if (gcp.length === 0) return undefined;
  // Labels are only selectors with use_instance_metadata and an allow-list of keys (plugin_server_nodeattestor_gcp_iit.md).
  const labelKeys = selectorKeys(model, new Set(gcp.map(({ p }) => p.name)), (s) => s.gcp?.labels);
  return {
    enabled: true,
    projectIDAllowList: [...new Set(gcp.flatMap(({ a }) => a.projectIds))].sort(),
    ...(labelKeys.length > 0 ? { useInstanceMetadata: true, allowedLabelKeys: labelKeys } : {}),
  };
}

function x509Attestor(model: Model, out: Unlocated[]): Record<string, unknown> | undefined {
  const x = platformsOf(model, 'x509pop');
  if (x.length === 0) return undefined;
  const pems: string[] = [];
  for (const { p, a } of x) {
    const ca: TrustSource = a.caBundle;
    if (ca.kind === 'url') {
      out.push({ severity: 'error', code: 'CLUSTER_UNSUPPORTED', pointer: `${p.pointer}/x509pop/caBundle/url`, message: 'the spire chart takes the x509pop CA bundle inline (nodeAttestor.x509POP.caBundle.bundle), so vmonboard needs it as a file; use caBundle.file' });
    } else if (!pems.includes(ca.content)) pems.push(ca.content);
  }
  // externalPKI: agents present certificates from the operator's PKI, checked against this bundle (values.yaml x509POP.mode).
  return { enabled: true, mode: 'externalPKI', caBundle: { bundle: pems.join('') } };
}

function azureAttestor(model: Model, out: Unlocated[]): { plugin?: Record<string, unknown>; token: boolean } {
  const az = platformsOf(model, 'azure_imds');
  if (az.length === 0) return { token: false };
  const tenants: Record<string, { subs: Set<string>; appId?: string; tags: Set<string>; from: string }> = {};
  for (const { p, a } of az) {
    const t = (tenants[a.tenantDomain] ??= { subs: new Set(), tags: new Set(), from: p.name, ...(a.appId ? { appId: a.appId } : {}) });
    if ((t.appId ?? '') !== (a.appId ?? '')) {
      out.push({ severity: 'error', code: 'CLUSTER_ATTESTOR_CONFLICT', pointer: `${p.pointer}/azure/appId`, message: `platform "${p.name}" and platform "${t.from}" use tenant ${a.tenantDomain} with different appId values, but azure_imds takes one credential per tenant` });
    }
    for (const s of a.subscriptions) t.subs.add(s);
    for (const k of selectorKeys(model, new Set([p.name]), (s) => s.azure?.tags)) t.tags.add(k);
  }
  let token = false;
  const plugin: Record<string, unknown> = {};
  for (const domain of Object.keys(tenants).sort()) {
    const t = tenants[domain]!;
    // token_auth, never secret_auth: secret_auth would put an app secret into the server ConfigMap.
    if (t.appId) token = true;
    plugin[domain] = {
      restrict_to_subscriptions: [...t.subs].sort(),
      ...(t.appId ? { token_auth: { app_id: t.appId, token_path: `${AZURE_TOKEN_DIR}/${AZURE_TOKEN_FILE}` } } : {}),
      ...(t.tags.size > 0 ? { allowed_vm_tags: [...t.tags].sort() } : {}),
    };
  }
  return { plugin: { plugin_data: { tenants: plugin } }, token };
}

/** Computes the node attestor values every platform needs; conflicting platforms are errors. */
export function buildAttestorValues(model: Model): AttestorValues {
  const diagnostics: Unlocated[] = [];
  const nodeAttestor: Record<string, unknown> = {};
  const aws = awsAttestor(model, diagnostics);
  if (aws) nodeAttestor.awsIID = aws;
  const gcp = gcpAttestor(model);
  if (gcp) nodeAttestor.gcpIIT = gcp;
  const x509 = x509Attestor(model, diagnostics);
  if (x509) nodeAttestor.x509POP = x509;
  if (model.platforms.some((p) => p.attestation.type === 'join_token')) nodeAttestor.joinToken = { enabled: true };
  const azure = azureAttestor(model, diagnostics);
  const volume = 'vmonboard-azure-token';
  return {
    nodeAttestor,
    unsupportedNodeAttestor: azure.plugin ? { azure_imds: azure.plugin } : {},
    // A projected token of the spire-server ServiceAccount with the Entra audience (Kubernetes
    // serviceAccountToken projection); Entra trusts it through the federated credential in cluster/iam/azure/.
    extraVolumes: azure.token ? [{ name: volume, projected: { sources: [{ serviceAccountToken: { path: AZURE_TOKEN_FILE, audience: AZURE_TOKEN_AUDIENCE, expirationSeconds: 3600 } }] } }] : [],
    extraVolumeMounts: azure.token ? [{ name: volume, mountPath: AZURE_TOKEN_DIR, readOnly: true }] : [],
    diagnostics,
  };
}

/** The ServiceAccount the spire-server pod runs as (chart default: the fullname), for IAM bindings. */
export function spireServerServiceAccount(model: Model): { namespace: string; name: string } {
  return { namespace: model.spire.namespace, name: spireServerName(model) };
}
