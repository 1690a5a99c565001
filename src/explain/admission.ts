/**
 * Who can claim an identity, in plain words: the attestor's scope (account and regions, project,
 * tenant and subscriptions, CA, join token) narrowed by the placement's node selectors. The words
 * follow the SPIRE server attestors' selector meanings (../shared/upstream/spiffe-spire/doc/
 * plugin_server_nodeattestor_*.md): an alias entry matches a node only when every selector does.
 */
import { X509Certificate } from 'node:crypto';
import { listPemCertificateBlocks } from '../ca/pem-certificates.js';
import type { Model, Placement, PlatformModel, TrustSource } from '../model/model.js';

function list(values: string[]): string {
  return values.join(', ');
}

function pairs(m: Record<string, string> | undefined): string[] {
  return Object.entries(m ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
}

/** The subjects of the certificates in a PEM bundle, in file order. */
function certificateSubjects(pem: string): string[] {
  return listPemCertificateBlocks(pem).map(({ pem: b }) => {
    try {
      // Node prints the subject one RDN a line; a reader wants them on one line, as openssl -nameopt oneline does.
      return new X509Certificate(b).subject.split('\n').join(', ');
    } catch {
      return 'an unreadable certificate';
    }
  });
}

function caWords(ca: TrustSource): string {
  if (ca.kind === 'url') return `a CA in the bundle downloaded from ${ca.url}`;
  const subjects = certificateSubjects(ca.content);
  return subjects.length === 0 ? `a CA in ${ca.file}` : subjects.map((s) => `"${s}"`).join(' or ');
}

/** One sentence: which machines can become this placement's node alias (and so its sidecar identity). */
export function describeAdmission(model: Model, platform: PlatformModel, placement: Placement): string {
  const a = platform.attestation;
  const s = placement.selectors;
  const parts: string[] = [];
  switch (a.type) {
    case 'aws_iid': {
      parts.push(`any EC2 instance in account${a.accountIds.length > 1 ? 's' : ''} ${list(a.accountIds)}, region${a.regions.length > 1 ? 's' : ''} ${list(a.regions)}`);
      const tags = pairs(s.aws?.tags);
      if (tags.length > 0) parts.push(`tagged ${tags.join(' and ')}`);
      if (s.aws?.iamRole) parts.push(`running with IAM role ${s.aws.iamRole}`);
      if (s.aws?.securityGroupId) parts.push(`in security group ${s.aws.securityGroupId}`);
      if (s.aws?.securityGroupName) parts.push(`in a security group named ${s.aws.securityGroupName}`);
      break;
    }
    case 'gcp_iit': {
      parts.push(`any GCE VM in project${a.projectIds.length > 1 ? 's' : ''} ${list(a.projectIds)}`);
      if (s.gcp?.serviceAccount) parts.push(`running as service account ${s.gcp.serviceAccount}`);
      const labels = pairs(s.gcp?.labels);
      if (labels.length > 0) parts.push(`labelled ${labels.join(' and ')}`);
      break;
    }
    case 'azure_imds': {
      parts.push(`any Azure VM in tenant ${a.tenantDomain} (${a.tenantId}), subscription${a.subscriptions.length > 1 ? 's' : ''} ${list(a.subscriptions)}`);
      if (s.azure?.resourceGroup) parts.push(`in resource group ${s.azure.resourceGroup}`);
      if (s.azure?.vmName) parts.push(`named ${s.azure.vmName}`);
      const tags = pairs(s.azure?.tags);
      if (tags.length > 0) parts.push(`tagged ${tags.join(' and ')}`);
      break;
    }
    case 'x509pop': {
      const what = [
        ...(s.x509pop?.subjectCN ? [`CN ${s.x509pop.subjectCN}`] : []),
        ...pairs(s.x509pop?.san).map((kv) => `URI SAN x509pop://${model.mesh.trustDomain}/${kv.replace('=', '/')}`),
      ];
      parts.push(`the host holding the private key of a certificate with ${what.join(' and ') || 'any subject'} issued by ${caWords(a.caBundle)}`);
      break;
    }
    case 'join_token': {
      const where = a.token.scheme === 'file' ? a.token.path : a.token.uri;
      parts.push(`whoever holds the single-use join token minted for this node alias (the VM reads it from ${where})`);
      break;
    }
  }
  return parts.join(', ');
}
