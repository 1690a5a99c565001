/**
 * Puts a VM's user data into an EC2 launch template as a new version. CreateLaunchTemplateVersion
 * with SourceVersion copies everything else (AMI, instance type, security groups...): without
 * SourceVersion the new version would hold nothing but UserData. SDK v3 sends UserData verbatim,
 * so it is base64-encoded here (cloud-init.md §1.1). The SDK is imported lazily, so commands
 * that never talk to AWS never load it.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { describeEc2Error, Ec2Error } from './errors.js';

/** What to create. */
export interface LaunchTemplateVersionRequest {
  /** Launch template ID (lt-...) or name. */
  template: string;
  /** A version number, or $Latest / $Default. */
  sourceVersion: string;
  /** User data bytes (raw or gzip), before base64. */
  userData: Uint8Array;
  /** VersionDescription (at most 255 characters). */
  description: string;
  /** Ask EC2 to check permissions only (DryRun); nothing is created. */
  dryRun: boolean;
  /** For messages only; the client carries the region it uses. */
  region?: string;
}

/** The created (or, with dryRun, checked) version. */
export interface LaunchTemplateVersionResult {
  launchTemplateId: string;
  launchTemplateName: string;
  /** The version copied from, resolved to a number. */
  sourceVersion: number;
  /** Undefined for a dry run. */
  versionNumber?: number;
  dryRun: boolean;
}

/** EC2 launch template IDs are lt- plus 17 hex digits (older ones: 8). */
const TEMPLATE_ID = /^lt-[0-9a-f]{8,17}$/;

/**
 * Creates an EC2 client with the SDK's default credential and region chain (environment,
 * shared config and SSO, instance role), `region` overriding the region. Endpoint overrides
 * come from the SDK's own AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL settings. With HTTPS_PROXY
 * (or https_proxy, HTTP_PROXY) set, the SDK's Node HTTP handler tunnels through that proxy,
 * except for hosts NO_PROXY lists: the SDK itself ignores those variables.
 */
export async function createEc2Client(region?: string): Promise<EC2Client> {
  const [{ EC2Client }, { createAwsProxyAgent }] = await Promise.all([import('@aws-sdk/client-ec2'), import('../../net/proxy.js')]);
  const agent = createAwsProxyAgent();
  // requestHandler as plain options: the client builds its NodeHttpHandler from them (@smithy/node-http-handler).
  return new EC2Client({ ...(region ? { region } : {}), ...(agent ? { requestHandler: { httpAgent: agent, httpsAgent: agent } } : {}) });
}

/**
 * Resolves the template and its source version (DescribeLaunchTemplates), then creates a new
 * version copying the source and replacing only UserData. Throws Ec2Error with a clear message
 * on any failure; a dry run succeeds when EC2 answers DryRunOperation.
 */
export async function createUserDataVersion(client: EC2Client, req: LaunchTemplateVersionRequest): Promise<LaunchTemplateVersionResult> {
  const { DescribeLaunchTemplatesCommand, CreateLaunchTemplateVersionCommand } = await import('@aws-sdk/client-ec2');
  const profile = process.env.AWS_PROFILE;
  const { proxyForDisplay } = await import('../../net/proxy.js');
  // The proxy for EC2's regional endpoint (or the override), for messages about a refused tunnel.
  const proxy = proxyForDisplay(process.env.AWS_ENDPOINT_URL_EC2 ?? process.env.AWS_ENDPOINT_URL ?? `https://ec2.${req.region ?? 'us-east-1'}.amazonaws.com`);
  const ctx = { template: req.template, sourceVersion: req.sourceVersion, ...(req.region ? { region: req.region } : {}), ...(profile ? { profile } : {}), ...(proxy ? { proxy } : {}) };
  if (!/^([1-9][0-9]*|\$Latest|\$Default)$/.test(req.sourceVersion)) {
    throw new Ec2Error(`--source-version must be a version number, $Latest or $Default, not ${JSON.stringify(req.sourceVersion)}`, 'InvalidSourceVersion', 'usage');
  }
  const byId = TEMPLATE_ID.test(req.template);
  let found;
  try {
    const out = await client.send(new DescribeLaunchTemplatesCommand(byId ? { LaunchTemplateIds: [req.template] } : { LaunchTemplateNames: [req.template] }));
    found = out.LaunchTemplates?.[0];
  } catch (err) {
    throw describeEc2Error(err, { ...ctx, action: 'DescribeLaunchTemplates' });
  }
  if (!found?.LaunchTemplateId) throw describeEc2Error({ name: byId ? 'InvalidLaunchTemplateId.NotFound' : 'InvalidLaunchTemplateName.NotFoundException' }, { ...ctx, action: 'DescribeLaunchTemplates' });
  const source =
    req.sourceVersion === '$Latest' ? found.LatestVersionNumber : req.sourceVersion === '$Default' ? found.DefaultVersionNumber : Number(req.sourceVersion);
  if (source === undefined) throw new Ec2Error(`EC2 did not report the ${req.sourceVersion} version of ${req.template}`, 'MissingVersion');
  const base = { launchTemplateId: found.LaunchTemplateId, launchTemplateName: found.LaunchTemplateName ?? req.template, sourceVersion: source };
  try {
    const out = await client.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: found.LaunchTemplateId,
        SourceVersion: String(source),
        VersionDescription: req.description.slice(0, 255),
        LaunchTemplateData: { UserData: Buffer.from(req.userData).toString('base64') },
        DryRun: req.dryRun,
      }),
    );
    const versionNumber = out.LaunchTemplateVersion?.VersionNumber;
    return { ...base, ...(versionNumber !== undefined ? { versionNumber } : {}), dryRun: false };
  } catch (err) {
    // EC2 answers a successful permission check with the DryRunOperation error.
    if (req.dryRun && ((err as { name?: string }).name === 'DryRunOperation' || (err as { Code?: string }).Code === 'DryRunOperation')) return { ...base, dryRun: true };
    throw describeEc2Error(err, { ...ctx, action: 'CreateLaunchTemplateVersion' });
  }
}
