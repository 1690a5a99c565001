/**
 * Node selectors → SPIRE selector strings (`type:value`), in the exact forms the server
 * attestors produce (../shared/upstream/spiffe-spire/doc/plugin_server_nodeattestor_*.md,
 * "Selectors" tables). An alias entry matches only when every selector matches.
 */
import type { NodeSelectors } from '../../model/model.js';

/** Returns the sorted SPIRE selectors for one workload placement. */
export function toSpireSelectors(s: NodeSelectors): string[] {
  const out: string[] = [];
  const kv = (prefix: string, m?: Record<string, string>): void => {
    for (const [k, v] of Object.entries(m ?? {})) out.push(`${prefix}:${k}:${v}`);
  };
  if (s.aws) {
    kv('aws_iid:tag', s.aws.tags);
    if (s.aws.iamRole) out.push(`aws_iid:iamrole:${s.aws.iamRole}`);
    if (s.aws.securityGroupId) out.push(`aws_iid:sg:id:${s.aws.securityGroupId}`);
    if (s.aws.securityGroupName) out.push(`aws_iid:sg:name:${s.aws.securityGroupName}`);
  }
  if (s.gcp) {
    if (s.gcp.serviceAccount) out.push(`gcp_iit:sa:${s.gcp.serviceAccount}`);
    kv('gcp_iit:label', s.gcp.labels);
  }
  if (s.azure) {
    kv('azure_imds:vm-tag', s.azure.tags);
    if (s.azure.vmName) out.push(`azure_imds:vm-name:${s.azure.vmName}`);
    if (s.azure.resourceGroup) out.push(`azure_imds:resource-group:${s.azure.resourceGroup}`);
  }
  if (s.x509pop) {
    if (s.x509pop.subjectCN) out.push(`x509pop:subject:cn:${s.x509pop.subjectCN}`);
    kv('x509pop:san', s.x509pop.san);
  }
  return out.sort();
}

/**
 * The node-alias SPIFFE ID of a workload on a platform (our scheme, docs/identity.md):
 * spiffe://<td>/vmonboard/node/<platform>/<namespace>/<workload>. Every part is a DNS label, so
 * the ID needs no escaping.
 */
export function nodeAliasId(trustDomain: string, platform: string, namespace: string, workload: string): string {
  return `spiffe://${trustDomain}/vmonboard/node/${platform}/${namespace}/${workload}`;
}
