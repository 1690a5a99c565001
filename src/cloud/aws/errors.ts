/**
 * Turns EC2 API and SDK errors into messages that say what went wrong and what to do. Error
 * codes are EC2's (docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html); the SDK
 * puts the code in `name` (and `Code`) of the thrown ServiceException.
 */

/** A failed EC2 call, with a message for people. */
export class Ec2Error extends Error {
  constructor(
    message: string,
    /** The EC2 error code, or the SDK error name. */
    readonly code: string,
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
    return new Ec2Error(`no usable AWS credentials: the SDK's default chain (environment, AWS_PROFILE, SSO, instance role) found none; configure one and run again${detail}`, code);
  }
  const net = (err as { code?: string }).code;
  if (net && ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(net)) {
    return new Ec2Error(`could not reach the EC2 endpoint${where} (${net}); check the network, a proxy, or AWS_ENDPOINT_URL_EC2 if you set one${detail}`, net);
  }
  if (/region is missing/i.test(e.message ?? '')) {
    return new Ec2Error(`no AWS region: pass --region, or set AWS_REGION or a region in your AWS profile${detail}`, code);
  }
  return new Ec2Error(`EC2 ${ctx.action} for launch template ${ctx.template}${where} failed${detail}`, code);
}
