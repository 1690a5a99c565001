/**
 * The identity a booted VM presents, derived from the spec: the account, region, project,
 * subscription and tenant its platform allows, and the tags, labels, service account, VM name,
 * resource group, subject CN and SANs its placement's selectors name. The metadata stubs report
 * it, the on-prem host certificate carries it, and the SPIRE server stand-in turns it into
 * selectors the way the real attestors do (spire-server-attestation.ts). A scenario that wants a
 * VM which does NOT match (the negative scenario) overrides one value with {@link NodeIdentityOverrides}.
 */
import type { Model, PlatformModel, Placement, WorkloadModel } from '../../../src/model/model.js';
import { findWorkload, shortWorkloadName, WorkloadLookupError } from '../../../src/model/find-workload.js';

/** An EC2 instance as IMDS and DescribeInstances describe it. */
export interface AwsInstance {
  instanceId: string;
  accountId: string;
  region: string;
  zone: string;
  privateIp: string;
  imageId: string;
  instanceType: string;
  tags: Record<string, string>;
  /** ARN of the role in the instance profile (aws_iid:iamrole), if any. */
  iamRole?: string;
  securityGroups: Array<{ id: string; name: string }>;
}

/** A GCE instance as the metadata server and compute.instances.get describe it. */
export interface GcpInstance {
  id: string;
  name: string;
  projectId: string;
  projectNumber: string;
  /** Short zone (us-central1-a); the metadata server reports projects/<n>/zones/<zone>. */
  zone: string;
  serviceAccount: string;
  labels: Record<string, string>;
}

/** An Azure VM as IMDS and the Azure Resource Manager describe it. */
export interface AzureInstance {
  vmId: string;
  name: string;
  location: string;
  subscriptionId: string;
  resourceGroupName: string;
  tenantDomain: string;
  tags: Record<string, string>;
}

/** The on-prem host certificate's identity (x509pop). */
export interface HostCertIdentity {
  cn: string;
  /** URI SANs of the x509pop scheme, x509pop://<trust domain>/<key>/<value> (plugin_server_nodeattestor_x509pop.md, "San"). */
  uriSans: string[];
}

/** Everything a booted VM can show; the metadata stubs serve all three clouds at once. */
export interface NodeIdentity {
  aws: AwsInstance;
  gcp: GcpInstance;
  azure: AzureInstance;
  x509: HostCertIdentity;
}

/** Values a scenario replaces to build a VM that does not match its spec (tags merge over the derived ones). */
export interface NodeIdentityOverrides {
  awsTags?: Record<string, string>;
  gcpServiceAccount?: string;
  azureTags?: Record<string, string>;
  subjectCN?: string;
}

/** The identity the stubs report when no spec says otherwise (the values the harness always used). */
export function defaultNodeIdentity(): NodeIdentity {
  return {
    aws: {
      instanceId: 'i-0e2e0000000000001', accountId: '123456789012', region: 'us-east-1', zone: 'us-east-1a', privateIp: '10.0.0.5',
      imageId: 'ami-0e2e0000000000001', instanceType: 't3.small', tags: {}, securityGroups: [],
    },
    gcp: {
      id: '4242424242424242', name: 'e2e-vm', projectId: 'e2e-project', projectNumber: '1234567890', zone: 'us-central1-a',
      serviceAccount: '1234567890-compute@developer.gserviceaccount.com', labels: {},
    },
    azure: {
      vmId: 'e2e00000-0000-4000-8000-000000000001', name: 'e2e-vm', location: 'eastus', subscriptionId: '5f3b1d2c-2222-4a4b-8c8d-9e0f1a2b3c4d',
      resourceGroupName: 'e2e-rg', tenantDomain: 'e2e.onmicrosoft.com', tags: {},
    },
    x509: { cn: 'e2e-host', uriSans: [] },
  };
}

/** The VMs a spec places, as the `--workload <w> --platform <p>` arguments that name each. */
export function listVmArguments(model: Model): string {
  return model.workloads.flatMap((w) => w.placements.map((pl) => `--workload ${shortWorkloadName(w, model.workloads)} --platform ${pl.platform}`)).join(', ');
}

/**
 * Finds the placement of `workload` (`<namespace>/<name>`, or a plain name one namespace has:
 * src/model/find-workload.ts, as the CLI) on `platform`. A plain name two namespaces have throws
 * the CLI's WorkloadLookupError (WORKLOAD_AMBIGUOUS); a VM the spec does not place throws naming
 * the ones it does.
 */
export function findPlacement(model: Model, workload: string, platform: string): { w: WorkloadModel; p: PlatformModel; pl: Placement } {
  let w: WorkloadModel | undefined;
  try {
    w = findWorkload(model.workloads, workload);
  } catch (e) {
    if (!(e instanceof WorkloadLookupError) || e.reason === 'ambiguous') throw e;
  }
  const p = model.platforms.find((x) => x.name === platform);
  const pl = w?.placements.find((x) => x.platform === platform);
  if (!w || !p || !pl) throw new Error(`the spec places no workload "${workload}" on platform "${platform}"; it has: ${listVmArguments(model)}`);
  return { w, p, pl };
}

/** Derives the identity of a VM of `workload` on `platform` from the spec's platform and selectors. */
export function deriveNodeIdentity(model: Model, workload: string, platform: string, overrides: NodeIdentityOverrides = {}): NodeIdentity {
  const { w, p, pl } = findPlacement(model, workload, platform);
  const id = defaultNodeIdentity();
  const s = pl.selectors;
  const a = p.attestation;
  if (a.type === 'aws_iid') {
    id.aws.accountId = a.accountIds[0]!;
    id.aws.region = a.regions[0]!;
    id.aws.zone = `${a.regions[0]}a`;
  }
  id.aws.tags = { ...(s.aws?.tags ?? {}), ...(overrides.awsTags ?? {}) };
  if (s.aws?.iamRole) id.aws.iamRole = s.aws.iamRole;
  if (s.aws?.securityGroupId || s.aws?.securityGroupName) id.aws.securityGroups = [{ id: s.aws.securityGroupId ?? 'sg-0e2e0000000000001', name: s.aws.securityGroupName ?? 'e2e' }];

  if (a.type === 'gcp_iit') id.gcp.projectId = a.projectIds[0]!;
  id.gcp.serviceAccount = overrides.gcpServiceAccount ?? s.gcp?.serviceAccount ?? `${id.gcp.projectNumber}-compute@developer.gserviceaccount.com`;
  id.gcp.labels = { ...(s.gcp?.labels ?? {}) };

  if (a.type === 'azure_imds') {
    id.azure.subscriptionId = a.subscriptions[0]!;
    id.azure.tenantDomain = a.tenantDomain;
  }
  id.azure.tags = { ...(s.azure?.tags ?? {}), ...(overrides.azureTags ?? {}) };
  if (s.azure?.vmName) id.azure.name = s.azure.vmName;
  if (s.azure?.resourceGroup) id.azure.resourceGroupName = s.azure.resourceGroup;

  id.x509 = {
    cn: overrides.subjectCN ?? s.x509pop?.subjectCN ?? `${w.name}.${platform}.e2e`,
    uriSans: Object.entries(s.x509pop?.san ?? {}).map(([k, v]) => `x509pop://${model.mesh.trustDomain}/${k}/${v}`),
  };
  return id;
}
