/**
 * Cloud permission documents for cluster/iam/: exactly what the chosen attestors and secret
 * stores need, nothing more. Principals we cannot know (the identity the spire-server pod runs
 * as, a cluster's OIDC issuer) are `<UPPER_CASE>` placeholders: angle brackets are invalid in
 * ARNs, member names and URLs, so an unedited document fails to apply instead of granting wrongly.
 */
import type { Model, PlatformModel, SecretRef } from '../model/model.js';
import { AZURE_TOKEN_AUDIENCE, spireServerServiceAccount } from './attestors.js';

/** One IAM document: its bundle file name (under cluster/iam/) and JSON body. */
export interface IamDocument {
  file: string;
  /** Which cloud and what it is, for the README. */
  cloud: 'aws' | 'gcp' | 'azure';
  /** One sentence: where it applies. */
  appliesTo: string;
  body: unknown;
}

/** Placeholder for the IAM role the spire-server pod runs as (e.g. via EKS IAM roles for service accounts). */
export const AWS_SERVER_ROLE = '<SPIRE_SERVER_ROLE_ARN>';
/** Placeholder for the cluster's service-account token issuer URL. */
export const OIDC_ISSUER = '<CLUSTER_OIDC_ISSUER_URL>';
/** Placeholder for the EKS OIDC provider: the issuer URL without https:// (IAM's provider name). */
export const OIDC_PROVIDER = '<OIDC_PROVIDER>';
/** Placeholder for the object ID of the spire-server identity in Entra ID. */
export const AZURE_PRINCIPAL = '<SPIRE_SERVER_PRINCIPAL_OBJECT_ID>';
/** Azure built-in role "Reader" (learn.microsoft.com, Azure built-in roles for General: actions "*\/read" only). */
export const AZURE_READER_ROLE = '/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7';

const AWS_VERSION = '2012-10-17';

function secretRefsOf(p: PlatformModel): SecretRef[] {
  const a = p.attestation;
  if (a.type === 'join_token') return [a.token];
  if (a.type === 'x509pop') return [a.privateKey];
  return [];
}

function awsDocuments(model: Model): IamDocument[] {
  const aws = model.platforms.filter((p) => p.attestation.type === 'aws_iid');
  if (aws.length === 0) return [];
  const a = aws[0]!.attestation as Extract<PlatformModel['attestation'], { type: 'aws_iid' }>;
  const accounts = [...new Set(aws.flatMap((p) => (p.attestation as typeof a).accountIds))].sort();
  const docs: IamDocument[] = [
    {
      file: 'aws-spire-server-policy.json',
      cloud: 'aws',
      // doc/plugin_server_nodeattestor_aws_iid.md "AWS IAM Permissions".
      appliesTo: a.assumeRole
        ? `permission policy of role "${a.assumeRole}" in each VM account (${accounts.join(', ')}); the SPIRE server assumes it per attestation`
        : `permission policy of the IAM role the spire-server pod runs as, in account ${accounts.join(', ')}`,
      body: { Version: AWS_VERSION, Statement: [{ Sid: 'SpireAwsIidAttestation', Effect: 'Allow', Action: ['ec2:DescribeInstances', 'iam:GetInstanceProfile'], Resource: '*' }] },
    },
  ];
  const assumable: string[] = [];
  if (a.assumeRole) {
    assumable.push(...accounts.map((acct) => `arn:aws:iam::${acct}:role/${a.assumeRole}`));
    docs.push({ file: 'aws-attestation-role-trust.json', cloud: 'aws', appliesTo: `trust policy of role "${a.assumeRole}" in each VM account (${accounts.join(', ')})`, body: trustPolicy(model) });
  }
  const org = a.verifyOrganization;
  if (org?.assumeOrgRole) {
    assumable.push(`arn:aws:iam::${org.managementAccountId}:role/${org.assumeOrgRole}`);
    // Same doc, "AWS IAM Permissions for Organization Validation (API mode)".
    docs.push({ file: 'aws-org-role-policy.json', cloud: 'aws', appliesTo: `permission policy of role "${org.assumeOrgRole}" in management account ${org.managementAccountId}`, body: { Version: AWS_VERSION, Statement: [{ Sid: 'SpireOrganizationListAccounts', Effect: 'Allow', Action: 'organizations:ListAccounts', Resource: '*' }] } });
    docs.push({ file: 'aws-org-role-trust.json', cloud: 'aws', appliesTo: `trust policy of role "${org.assumeOrgRole}" in management account ${org.managementAccountId}`, body: trustPolicy(model) });
  }
  const trust = serverRoleTrust(model);
  if (trust) docs.push(trust);
  if (assumable.length > 0) {
    docs.push({ file: 'aws-spire-server-assume-policy.json', cloud: 'aws', appliesTo: 'permission policy of the IAM role the spire-server pod runs as: lets it assume the roles above', body: { Version: AWS_VERSION, Statement: [{ Sid: 'SpireAssumeAttestationRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: assumable }] } });
  }
  return docs;
}

/**
 * Instance-role policies for VMs that fetch a secret from SSM or Secrets Manager at boot. Account
 * and regions come from the platform's aws_iid settings when it has them; otherwise `*`, which
 * IAM accepts in resource ARNs and which still only reaches the instance's own account.
 */
function awsSecretDocuments(model: Model): IamDocument[] {
  const docs: IamDocument[] = [];
  for (const p of model.platforms.filter((x) => x.kind === 'aws')) {
    const iid = p.attestation.type === 'aws_iid' ? p.attestation : undefined;
    const ssm = secretRefsOf(p).filter((r): r is Extract<SecretRef, { scheme: 'aws-ssm' }> => r.scheme === 'aws-ssm');
    const sm = secretRefsOf(p).filter((r): r is Extract<SecretRef, { scheme: 'aws-secretsmanager' }> => r.scheme === 'aws-secretsmanager');
    if (ssm.length === 0 && sm.length === 0) continue;
    const arns = (service: string, region: string | undefined, resource: string): string[] =>
      (iid?.accountIds ?? ['*']).flatMap((acct) => (region ? [region] : iid?.regions ?? ['*']).map((r) => `arn:aws:${service}:${r}:${acct}:${resource}`));
    const statements = [];
    if (ssm.length > 0) statements.push({ Sid: 'ReadSsmParameters', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: ssm.flatMap((r) => arns('ssm', r.region, `parameter/${r.name.replace(/^\//, '')}`)).sort() });
    // Secrets Manager appends six random characters to a secret's ARN, hence the -?????? suffix.
    if (sm.length > 0) statements.push({ Sid: 'ReadSecrets', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: sm.flatMap((r) => (r.id.startsWith('arn:') ? [r.id] : arns('secretsmanager', r.region, `secret:${r.id}-??????`))).sort() });
    docs.push({ file: `aws-instance-role-${p.name}.json`, cloud: 'aws', appliesTo: `permission policy of the instance profile role of platform "${p.name}" VMs (they fetch their secret at boot)`, body: { Version: AWS_VERSION, Statement: statements } });
  }
  return docs;
}

/** The ARN the SPIRE server's AWS calls come from: the IRSA role when the spec names it. */
export function awsServerPrincipal(model: Model): string {
  const c = model.spire.server.aws;
  return c?.kind === 'irsa' ? c.roleArn : AWS_SERVER_ROLE;
}

function trustPolicy(model: Model): unknown {
  return { Version: AWS_VERSION, Statement: [{ Sid: 'TrustSpireServer', Effect: 'Allow', Principal: { AWS: awsServerPrincipal(model) }, Action: 'sts:AssumeRole' }] };
}

/**
 * Trust policy of the role the spire-server pod runs as. IRSA: the cluster's OIDC provider may
 * assume it for exactly the spire-server ServiceAccount (Amazon EKS user guide, "Assign IAM roles
 * to Kubernetes service accounts": Federated oidc-provider principal, sts:AssumeRoleWithWebIdentity,
 * `:sub` = system:serviceaccount:<ns>:<sa>, `:aud` = sts.amazonaws.com). Pod Identity: the EKS
 * Pod Identity agent's service principal (EKS user guide, "Create IAM role with trust policy
 * required by EKS Pod Identity": pods.eks.amazonaws.com, sts:AssumeRole and sts:TagSession).
 */
function serverRoleTrust(model: Model): IamDocument | undefined {
  const c = model.spire.server.aws;
  const sa = spireServerServiceAccount(model);
  if (c?.kind === 'irsa') {
    const [, partition, , , account] = c.roleArn.split(':');
    return {
      file: 'aws-spire-server-trust.json',
      cloud: 'aws',
      appliesTo: `trust policy of the spire-server role ${c.roleArn} (EKS IAM roles for service accounts)`,
      body: { Version: AWS_VERSION, Statement: [{ Sid: 'SpireServerIrsa', Effect: 'Allow', Principal: { Federated: `arn:${partition}:iam::${account}:oidc-provider/${OIDC_PROVIDER}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${OIDC_PROVIDER}:sub`]: `system:serviceaccount:${sa.namespace}:${sa.name}`, [`${OIDC_PROVIDER}:aud`]: 'sts.amazonaws.com' } } }] },
    };
  }
  if (c?.kind === 'pod-identity') {
    return { file: 'aws-spire-server-trust.json', cloud: 'aws', appliesTo: `trust policy of the spire-server role (EKS Pod Identity), associated with ServiceAccount ${sa.namespace}/${sa.name}`, body: { Version: AWS_VERSION, Statement: [{ Sid: 'SpireServerPodIdentity', Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] } };
  }
  return undefined;
}

function gcpDocuments(model: Model): IamDocument[] {
  const gcp = model.platforms.filter((p) => p.attestation.type === 'gcp_iit');
  const names = new Set(gcp.map((p) => p.name));
  const docs: IamDocument[] = [];
  const labels = model.workloads.some((w) => w.placements.some((pl) => names.has(pl.platform) && Object.keys(pl.selectors.gcp?.labels ?? {}).length > 0));
  if (labels) {
    // doc/plugin_server_nodeattestor_gcp_iit.md: use_instance_metadata queries compute.instances.get.
    docs.push({ file: 'gcp-spire-server-role.json', cloud: 'gcp', appliesTo: 'custom role for the Google service account the spire-server pod uses, granted in each VM project', body: { title: 'SPIRE gcp_iit instance metadata', description: 'Lets the SPIRE server read instance labels for gcp_iit node selectors.', stage: 'GA', includedPermissions: ['compute.instances.get'] } });
  }
  for (const p of model.platforms.filter((x) => x.kind === 'gcp')) {
    if (!secretRefsOf(p).some((r) => r.scheme === 'gcp-secretmanager')) continue;
    docs.push({ file: `gcp-vm-secret-role-${p.name}.json`, cloud: 'gcp', appliesTo: `custom role for the service account of platform "${p.name}" VMs, granted on each referenced secret`, body: { title: `vmonboard ${p.name} secret access`, description: 'Lets the VM read the secret versions it fetches at boot.', stage: 'GA', includedPermissions: ['secretmanager.versions.access'] } });
  }
  return docs;
}

function azureDocuments(model: Model): IamDocument[] {
  const az = model.platforms.filter((p) => p.attestation.type === 'azure_imds');
  const subs = [...new Set(az.flatMap((p) => (p.attestation as Extract<PlatformModel['attestation'], { type: 'azure_imds' }>).subscriptions))].sort();
  const docs: IamDocument[] = [];
  // The azure_imds server plugin only reads VMs, scale sets and network interfaces through Resource
  // Graph (spiffe/spire pkg/server/plugin/nodeattestor/azureimds/client.go), which Reader covers.
  if (az.length > 0) {
    docs.push({ file: 'azure-spire-server-role-assignments.json', cloud: 'azure', appliesTo: 'role assignments for the identity the SPIRE server authenticates as, one per VM subscription', body: subs.map((s) => ({ principalId: AZURE_PRINCIPAL, roleDefinitionId: `/subscriptions/${s}${AZURE_READER_ROLE}`, scope: `/subscriptions/${s}` })) });
  }
  const sa = spireServerServiceAccount(model);
  for (const p of az) {
    const a = p.attestation as Extract<PlatformModel['attestation'], { type: 'azure_imds' }>;
    if (!a.appId || docs.some((d) => d.file === `azure-federated-credential-${a.appId}.json`)) continue;
    docs.push({ file: `azure-federated-credential-${a.appId}.json`, cloud: 'azure', appliesTo: `federated credential of app ${a.appId}: trusts the spire-server ServiceAccount token that azure_imds token_auth presents`, body: { name: 'vmonboard-spire-server', issuer: OIDC_ISSUER, subject: `system:serviceaccount:${sa.namespace}:${sa.name}`, audiences: [AZURE_TOKEN_AUDIENCE], description: 'SPIRE server azure_imds token_auth (vmonboard)' } });
  }
  const wi = model.spire.server.azure;
  if (az.length > 0 && wi?.kind === 'workload-identity') {
    // AKS workload identity: Entra ID trusts the spire-server ServiceAccount token (issuer, subject, audience; learn.microsoft.com "Use Microsoft Entra Workload ID with AKS").
    docs.push({ file: 'azure-spire-server-federated-credential.json', cloud: 'azure', appliesTo: `federated credential of the identity with client ID ${wi.clientId}: trusts the spire-server ServiceAccount ${sa.namespace}/${sa.name} (AKS workload identity)`, body: { name: 'vmonboard-spire-server', issuer: OIDC_ISSUER, subject: `system:serviceaccount:${sa.namespace}:${sa.name}`, audiences: [AZURE_TOKEN_AUDIENCE], description: 'SPIRE server azure_imds through AKS workload identity (vmonboard)' } });
  }
  for (const p of model.platforms.filter((x) => x.kind === 'azure')) {
    if (!secretRefsOf(p).some((r) => r.scheme === 'azure-keyvault')) continue;
    docs.push({ file: `azure-vm-secret-role-${p.name}.json`, cloud: 'azure', appliesTo: `custom role for the managed identity of platform "${p.name}" VMs, assigned on each referenced key vault`, body: { Name: `vmonboard ${p.name} secret reader`, IsCustom: true, Description: 'Lets the VM read the Key Vault secrets it fetches at boot.', Actions: [], DataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action'], AssignableScopes: a2scopes(p) } });
  }
  return docs;
}

/** Where a VM secret role may be assigned: the platform's subscriptions, or any when it has no azure_imds settings. */
function a2scopes(p: PlatformModel): string[] {
  return p.attestation.type === 'azure_imds' ? p.attestation.subscriptions.map((s) => `/subscriptions/${s}`).sort() : ['/subscriptions/<SUBSCRIPTION_ID>'];
}

/** Lists the IAM documents the spec needs (empty for on-prem and bare metal only). */
export function buildIamDocuments(model: Model): IamDocument[] {
  return [...awsDocuments(model), ...awsSecretDocuments(model), ...gcpDocuments(model), ...azureDocuments(model)];
}
