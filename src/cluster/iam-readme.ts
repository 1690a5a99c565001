/**
 * cluster/iam/README.md: where each IAM document applies, with the commands that apply it.
 * Prose is built here in TypeScript from the documents themselves, so the README can never name a
 * file the bundle lacks, and it explains exactly the `<PLACEHOLDERS>` its documents and commands
 * use: role names, the server role and the service account come from the spec.
 */
import type { Model, PlatformModel } from '../model/model.js';
import type { IamDocument } from './iam.js';
import { AWS_SERVER_ROLE, AZURE_PRINCIPAL, OIDC_ISSUER, OIDC_PROVIDER } from './iam.js';
import { shellCommand } from './shell-words.js';
import { AZURE_TOKEN_AUDIENCE, spireServerServiceAccount } from './attestors.js';

/** What each placeholder is and how to find it. */
const PLACEHOLDERS: Record<string, (m: Model) => string> = {
  [AWS_SERVER_ROLE]: (m) => `the ARN of the IAM role (or, with a credentials Secret, the IAM user) the spire-server pod's AWS calls come from (ServiceAccount \`${sv(m)}\`).`,
  '<SPIRE_SERVER_ROLE_NAME>': () => 'the name of that IAM role.',
  [OIDC_PROVIDER]: () => 'the EKS cluster\'s OIDC provider, its issuer URL without `https://` (`aws eks describe-cluster --query cluster.identity.oidc.issuer --output text --name` and the cluster name); it must be registered as an IAM OIDC identity provider (`eksctl utils associate-iam-oidc-provider`).',
  '<EKS_CLUSTER_NAME>': () => 'the name of the EKS cluster the spire-server runs in.',
  [OIDC_ISSUER]: () => 'the issuer of the cluster\'s ServiceAccount tokens (AKS: `az aks show -n <cluster> -g <group> --query oidcIssuerProfile.issuerUrl -o tsv`; any cluster: `kubectl get --raw /.well-known/openid-configuration`).',
  [AZURE_PRINCIPAL]: () => 'the object ID of the service principal or managed identity the SPIRE server authenticates as.',
  '<MANAGED_IDENTITY_NAME>': () => 'the user-assigned managed identity whose client ID is in the spec (skip this command for an app registration).',
  '<RESOURCE_GROUP>': () => 'the resource group of that managed identity.',
  '<INSTANCE_ROLE_NAME>': () => 'the IAM role of the VMs\' instance profile.',
  '<PROJECT_ID>': () => 'the GCP project the role is created in (see "Applies to").',
  '<SUBSCRIPTION_ID>': () => 'an Azure subscription the VMs run in.',
};

function sv(m: Model): string {
  const sa = spireServerServiceAccount(m);
  return `${sa.namespace}/${sa.name}`;
}

function serverRoleName(model: Model): string {
  const c = model.spire.server.aws;
  return c?.kind === 'irsa' ? c.roleArn.slice(c.roleArn.indexOf(':role/') + ':role/'.length).split('/').pop()! : '<SPIRE_SERVER_ROLE_NAME>';
}

function awsIid(model: Model): Extract<PlatformModel['attestation'], { type: 'aws_iid' }> | undefined {
  const p = model.platforms.find((x) => x.attestation.type === 'aws_iid');
  return p?.attestation as Extract<PlatformModel['attestation'], { type: 'aws_iid' }> | undefined;
}

function commandsFor(model: Model, doc: IamDocument): string[] {
  const f = `file://${doc.file}`;
  const iid = awsIid(model);
  const putPolicy = (role: string): string[] => [shellCommand('aws', 'iam', 'put-role-policy', '--role-name', role, '--policy-name', doc.file.replace(/\.json$/, ''), '--policy-document', f)];
  const sa = spireServerServiceAccount(model);
  switch (doc.file) {
    case 'aws-spire-server-policy.json':
      return putPolicy(iid?.assumeRole ?? serverRoleName(model));
    case 'aws-spire-server-assume-policy.json':
      return putPolicy(serverRoleName(model));
    case 'aws-org-role-policy.json':
      return putPolicy(iid?.verifyOrganization?.assumeOrgRole ?? '<ROLE_NAME>');
    case 'aws-attestation-role-trust.json':
      return [shellCommand('aws', 'iam', 'update-assume-role-policy', '--role-name', iid?.assumeRole ?? '', '--policy-document', f)];
    case 'aws-org-role-trust.json':
      return [shellCommand('aws', 'iam', 'update-assume-role-policy', '--role-name', iid?.verifyOrganization?.assumeOrgRole ?? '', '--policy-document', f)];
    case 'aws-spire-server-trust.json': {
      const out = [shellCommand('aws', 'iam', 'update-assume-role-policy', '--role-name', serverRoleName(model), '--policy-document', f)];
      // EKS Pod Identity: the association, not an annotation, binds the role to the ServiceAccount (EKS user guide, "Assign an IAM role to a Kubernetes service account").
      if (model.spire.server.aws?.kind === 'pod-identity') out.push(shellCommand('aws', 'eks', 'create-pod-identity-association', '--cluster-name', '<EKS_CLUSTER_NAME>', '--namespace', sa.namespace, '--service-account', sa.name, '--role-arn', AWS_SERVER_ROLE));
      return out;
    }
    case 'azure-spire-server-federated-credential.json': {
      const wi = model.spire.server.azure;
      const id = wi?.kind === 'workload-identity' ? wi.clientId : '';
      return [
        '# an app registration:',
        shellCommand('az', 'ad', 'app', 'federated-credential', 'create', '--id', id, '--parameters', doc.file),
        '# or a user-assigned managed identity:',
        shellCommand('az', 'identity', 'federated-credential', 'create', '--name', 'vmonboard-spire-server', '--identity-name', '<MANAGED_IDENTITY_NAME>', '--resource-group', '<RESOURCE_GROUP>', '--issuer', OIDC_ISSUER, '--subject', `system:serviceaccount:${sa.namespace}:${sa.name}`, '--audiences', AZURE_TOKEN_AUDIENCE),
      ];
    }
    case 'azure-spire-server-role-assignments.json':
      return ['# for each entry: az role assignment create --assignee-object-id <principalId> --assignee-principal-type ServicePrincipal --role <roleDefinitionId> --scope <scope>'];
    default:
      break;
  }
  if (doc.file.startsWith('aws-instance-role-')) return putPolicy('<INSTANCE_ROLE_NAME>');
  if (doc.file.startsWith('gcp-')) return [shellCommand('gcloud', 'iam', 'roles', 'create', doc.file.replace(/\.json$/, '').replace(/-/g, '_'), '--project', '<PROJECT_ID>', '--file', doc.file)];
  if (doc.file.startsWith('azure-federated-credential-')) return [shellCommand('az', 'ad', 'app', 'federated-credential', 'create', '--id', doc.file.slice('azure-federated-credential-'.length, -'.json'.length), '--parameters', doc.file)];
  return [shellCommand('az', 'role', 'definition', 'create', '--role-definition', `@${doc.file}`)];
}

/** Every `<UPPER_CASE>` placeholder in `text`, in order of first appearance. */
export function listPlaceholders(text: string): string[] {
  return [...new Set(text.match(/<[A-Z][A-Z0-9_]*>/g) ?? [])];
}

/** Renders cluster/iam/README.md for the given documents. */
export function renderIamReadme(model: Model, docs: IamDocument[]): string {
  const head = ['# Cloud permissions', '', `Generated by vmonboard from ${model.sourceName} — do not edit.`, ''];
  if (docs.length === 0) return [...head, 'No cloud permissions are needed: the platforms of this spec use x509pop or join tokens, and no cloud secret store.', ''].join('\n');
  const body: string[] = [];
  for (const d of docs) body.push(`## ${d.file}`, '', `Applies to: ${d.appliesTo}.`, '', '```sh', ...commandsFor(model, d), '```', '');
  if (docs.some((d) => d.file === 'gcp-spire-server-role.json')) {
    body.push('Grant the role to the Google service account the spire-server pod uses (for example through GKE Workload Identity), in every project of the gcp_iit allow-list.', '');
  }
  // Only the placeholders the documents and commands above really use, each explained once.
  const used = listPlaceholders(body.join('\n') + docs.map((d) => JSON.stringify(d.body)).join('\n')).filter((p) => PLACEHOLDERS[p] || p === '<ROLE_NAME>');
  const intro = used.length === 0
    ? ['Each file below grants only what the chosen node attestors and secret stores need. Every name comes from the spec; nothing needs to be filled in.', '']
    : [
        'Each file below grants only what the chosen node attestors and secret stores need. Values in',
        '`<ANGLE_BRACKETS>` are placeholders vmonboard cannot know; they are invalid on purpose, so an',
        'unedited document fails to apply. Replace them first:',
        '',
        ...used.map((p) => `- \`${p}\`: ${PLACEHOLDERS[p] ? PLACEHOLDERS[p]!(model) : 'the role the document is for (see "Applies to").'}`),
        '',
      ];
  return [...head, ...intro, ...body].join('\n');
}
