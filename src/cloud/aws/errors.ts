/**
 * Turns EC2 API and SDK errors into messages that say what went wrong and what to do. Error
 * codes are EC2's (docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html); the SDK
 * puts the code in `name` (and `Code`) of the thrown ServiceException.
 */

/**
 * Whose move it is: `usage` when the command line must change (a malformed --source-version, no
 * region anywhere), `remote` when AWS, the network, a proxy or the credentials for them failed
 * (CLI exit 5: retry later or fix the access, not the spec).
 */
export type Ec2ErrorKind = 'usage' | 'remote';

/** A failed EC2 call, with a message for people. */
export class Ec2Error extends Error {
  constructor(
    message: string,
    /** The EC2 error code, or the SDK error name. */
    readonly code: string,
    readonly kind: Ec2ErrorKind = 'remote',
  ) {
    super(message);
  }
}

/** What the failing call was about, for the message. */
export interface Ec2ErrorContext {
  /** The API action, e.g. CreateLaunchTemplateVersion. */
  action: string;
  /** The launch template as the user named it. */
  template: string;
  /** The source version asked for. */
  sourceVersion?: string;
  region?: string;
  /** AWS_PROFILE when set, to name it when its credentials cannot be found. */
  profile?: string;
  /** The proxy requests go through (credentials removed), when one is set. */
  proxy?: string;
}

const THROTTLING = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'TooManyRequestsException']);
const DENIED = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException', 'AuthFailure']);
const NOT_FOUND = new Set(['InvalidLaunchTemplateId.NotFound', 'InvalidLaunchTemplateName.NotFoundException', 'InvalidLaunchTemplateId.Malformed', 'InvalidLaunchTemplateName.MalformedException']);

/** Returns an Ec2Error with a clear, actionable message for any error an EC2 call threw. */
export function describeEc2Error(err: unknown, ctx: Ec2ErrorContext): Ec2Error {
  const e = err as { name?: string; Code?: string; message?: string };
  const code = e.Code ?? e.name ?? 'Error';
  const detail = e.message ? ` (${code}: ${e.message})` : ` (${code})`;
  const where = ctx.region ? ` in region ${ctx.region}` : '';
  if (DENIED.has(code)) {
    return new Ec2Error(`access denied: these AWS credentials may not call ec2:${ctx.action} on launch template ${ctx.template}${where}; grant ec2:DescribeLaunchTemplates and ec2:CreateLaunchTemplateVersion on it, or use another profile${detail}`, code);
  }
  if (NOT_FOUND.has(code)) {
    return new Ec2Error(`launch template ${ctx.template} was not found${where}; check the ID or name, and the region (--region or AWS_REGION)${detail}`, code);
  }
  if (code === 'InvalidLaunchTemplateId.VersionNotFound') {
    return new Ec2Error(`launch template ${ctx.template} has no version ${ctx.sourceVersion ?? ''}${where}; pass an existing --source-version or $Latest${detail}`, code);
  }
  if (THROTTLING.has(code)) {
    return new Ec2Error(`EC2 throttled ${ctx.action}${where} and the SDK's retries ran out; wait a minute and run the command again, or raise AWS_MAX_ATTEMPTS${detail}`, code);
  }
  if (code === 'CredentialsProviderError' || /credential/i.test(e.message ?? '') && code !== 'AuthFailure') {
    // The SDK names the profile it looked for as "profile: [name]" (@aws-sdk/credential-provider-ini).
    const profile = /profile:? \[([^\]]+)\]/.exec(e.message ?? '')?.[1] ?? ctx.profile;
    if (profile) {
      return new Ec2Error(
        `no usable AWS credentials for profile "${profile}" (AWS_PROFILE): it is not in the shared config or credentials file (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE; default ~/.aws/config and ~/.aws/credentials) or holds no credentials; fix the profile name, add it, or run \`aws sso login --profile ${profile}\`${detail}`,
        code,
      );
    }
    return new Ec2Error(`no usable AWS credentials: the SDK's default chain (environment, AWS_PROFILE, SSO, instance role) found none; configure one and run again${detail}`, code);
  }
  const net = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
  if (net && ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EPROTO'].includes(net)) {
    return new Ec2Error(`could not reach the EC2 endpoint${where} (${net}); check the network, the proxy (HTTPS_PROXY, NO_PROXY), or AWS_ENDPOINT_URL_EC2 if you set one${detail}`, net);
  }
  // https-proxy-agent hands a refused CONNECT's answer (403, 407...) to the SDK as if EC2 had sent
  // it: no EC2 error code, so the SDK calls it Unknown.
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (ctx.proxy && code === 'Unknown' && status !== undefined) {
    return new Ec2Error(`could not reach the EC2 endpoint${where}: the proxy ${ctx.proxy} answered HTTP ${status} instead of opening a tunnel; check the proxy (HTTPS_PROXY, its credentials) or exempt the endpoint with NO_PROXY${detail}`, code);
  }
  if (/tunnel|proxy/i.test(e.message ?? '')) {
    return new Ec2Error(`could not reach the EC2 endpoint${where} through the proxy HTTPS_PROXY names; check the proxy, or exempt the endpoint with NO_PROXY${detail}`, code);
  }
  if (/region is missing/i.test(e.message ?? '')) {
    return new Ec2Error(`no AWS region: pass --region, list exactly one region in the platform, or set AWS_REGION or a region in your AWS profile${detail}`, code, 'usage');
  }
  return new Ec2Error(`EC2 ${ctx.action} for launch template ${ctx.template}${where} failed${detail}`, code);
}
