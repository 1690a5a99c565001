/**
 * Risk notes for explain: each says what could go wrong, why, and the stronger alternative.
 * Identity risks (who else could claim an identity) are per placement; exposure risks (who can
 * reach the gateway, who can push telemetry) are spec-wide. The wording of the tag-only note
 * follows the same idea as the validation warning for tag-only AWS selectors: a tag is written
 * by whoever may write tags, not by the machine.
 */
import type { Model, Placement, PlatformModel, WorkloadModel } from '../model/model.js';

/** Stable risk codes (schemas/explain-v1: risk.code). */
export type RiskCode = 'TAG_ONLY_SELECTOR' | 'SHARED_SELECTOR' | 'SECRET_IN_SHARED_DIRECTORY' | 'PUBLIC_GATEWAY' | 'TELEMETRY_PLAIN_TLS';

/** One risk note. */
export interface Risk {
  code: RiskCode;
  /** What an attacker could do, and through which permission or path. */
  reason: string;
  /** The stronger alternative. */
  alternative: string;
}

/** Directories any local user can write to or read from (a secret there is readable or replaceable by others). */
const SHARED_DIRS = ['/tmp/', '/var/tmp/', '/dev/shm/'];

function tagOnly(model: Model, platform: PlatformModel, pl: Placement): Risk | undefined {
  const s = pl.selectors;
  const a = platform.attestation;
  if (a.type === 'aws_iid' && s.aws && Object.keys(s.aws.tags ?? {}).length > 0 && !s.aws.iamRole && !s.aws.securityGroupId && !s.aws.securityGroupName) {
    return {
      code: 'TAG_ONLY_SELECTOR',
      reason: `the selectors are EC2 tags only: anyone allowed ec2:CreateTags on instances in account ${a.accountIds.join(', ')} can tag any instance there and it attests as this identity`,
      alternative: 'add iamRole (attaching an instance profile needs iam:PassRole on that role) or securityGroupId, or deny ec2:CreateTags and ec2:DeleteTags on these tag keys with an SCP',
    };
  }
  if (a.type === 'azure_imds' && s.azure && Object.keys(s.azure.tags ?? {}).length > 0 && !s.azure.vmName && !s.azure.resourceGroup) {
    return {
      code: 'TAG_ONLY_SELECTOR',
      reason: `the selectors are VM tags only: anyone with Microsoft.Compute/virtualMachines/write in subscription ${a.subscriptions.join(', ')} can tag any VM there and it attests as this identity`,
      alternative: 'add resourceGroup and grant Microsoft.Compute/virtualMachines/write on that resource group only to those who may create this workload\'s VMs (or add vmName)',
    };
  }
  if (a.type === 'gcp_iit' && s.gcp && Object.keys(s.gcp.labels ?? {}).length > 0 && !s.gcp.serviceAccount) {
    return {
      code: 'TAG_ONLY_SELECTOR',
      reason: `the selectors are instance labels only: anyone with compute.instances.setLabels in project ${a.projectIds.join(', ')} can label any VM there and it attests as this identity`,
      alternative: 'add serviceAccount (running a VM as a service account needs iam.serviceAccounts.actAs on it)',
    };
  }
  void model;
  return undefined;
}

/** Placements on the same platform whose alias selectors are a superset of this one's: their VMs match this alias too. */
function shared(model: Model, w: WorkloadModel, pl: Placement): Risk[] {
  if (pl.spireSelectors.length === 0) return [];
  const mine = new Set(pl.spireSelectors);
  const out: Risk[] = [];
  for (const other of model.workloads) {
    for (const op of other.placements) {
      if (op === pl || op.platform !== pl.platform || other.spiffeId === w.spiffeId) continue;
      if (![...mine].every((s) => op.spireSelectors.includes(s))) continue;
      const equal = op.spireSelectors.length === mine.size;
      out.push({
        code: 'SHARED_SELECTOR',
        reason: equal
          ? `workload ${other.namespace}/${other.name} uses exactly the same selectors on ${pl.platform}: every VM of either workload matches both node aliases and can take both identities`
          : `every VM of workload ${other.namespace}/${other.name} on ${pl.platform} also matches all of this alias's selectors (${pl.spireSelectors.join(', ')}), so it can take this identity too`,
        alternative: `add a selector only this workload's VMs carry (a distinct tag value, IAM role or service account), so ${other.name}'s VMs no longer match`,
      });
    }
  }
  return out;
}

function sharedDirSecret(platform: PlatformModel): Risk | undefined {
  const a = platform.attestation;
  const ref = a.type === 'join_token' ? a.token : a.type === 'x509pop' ? a.privateKey : undefined;
  if (ref?.scheme !== 'file' || !SHARED_DIRS.some((d) => ref.path.startsWith(d))) return undefined;
  const what = a.type === 'join_token' ? 'join token' : 'x509pop private key';
  return {
    code: 'SECRET_IN_SHARED_DIRECTORY',
    reason: `the ${what} is read from ${ref.path}, in a directory every local user can write to: another user can read it before the agent does, or plant their own`,
    alternative: `keep it in a root-only directory (for example /etc/vmonboard/, mode 0600 owned by root)${a.type === 'join_token' ? ', or move the platform to a cloud attestor' : ''}`,
  };
}

/** Risks of one workload placement. */
export function placementRisks(model: Model, w: WorkloadModel, pl: Placement, platform: PlatformModel): Risk[] {
  return [tagOnly(model, platform, pl), ...shared(model, w, pl), sharedDirSecret(platform)].filter((r): r is Risk => r !== undefined);
}

/** Spec-wide risks: the gateway's exposure and unauthenticated telemetry. */
export function specRisks(model: Model): Risk[] {
  const out: Risk[] = [];
  const e = model.gateway.exposure;
  if (!e.internal && e.sourceRanges.length === 0) {
    out.push({
      code: 'PUBLIC_GATEWAY',
      reason: `the east-west gateway ${model.gateway.address} is a public load balancer open to every source, and it exposes istiod, the SPIRE server and OTLP`,
      alternative: 'set eastWestGateway.exposure.sourceRanges to the VM networks, or exposure.internal with the cluster\'s cloud',
    });
  }
  if (model.flavor === 'istio' && model.telemetry.enabled && model.telemetry.gateway.clientCertificate === 'none') {
    out.push({
      code: 'TELEMETRY_PLAIN_TLS',
      reason: `the collectors send OTLP with server-only TLS: anyone who reaches port ${model.gateway.ports.otlp} can push metrics as any VM`,
      alternative: 'set telemetry.gateway.clientCertificate: svid and client_ca_file (the mesh root) on the OTel gateway receiver',
    });
  }
  return out;
}
