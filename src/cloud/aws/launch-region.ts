/**
 * `aws launch-template --region` against the platform's `aws.regions`: the SPIRE server's
 * aws_iid attestor accepts identity documents only from the regions the spec lists (the
 * platform's attestation), so a launch template in another region makes VMs that never attest.
 * Kept apart from the EC2 client so the check loads without the SDK.
 */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { PlatformModel } from '../../model/model.js';

/** Returns the LAUNCH_TEMPLATE_REGION_UNLISTED warning when `region` is given and not one of the platform's regions. */
export function checkLaunchRegion(platform: PlatformModel, region: string | undefined): Array<Diagnostic & { atKey?: boolean }> {
  const a = platform.attestation;
  if (region === undefined || a.type !== 'aws_iid' || a.regions.includes(region)) return [];
  return [
    {
      severity: 'warning',
      code: 'LAUNCH_TEMPLATE_REGION_UNLISTED',
      message: `--region ${region} is not one of the regions of platform "${platform.name}" (${a.regions.join(', ')}): VMs launched there would fail SPIRE node attestation`,
      pointer: `${platform.pointer}/aws/regions`,
      atKey: true,
      hint: `add ${region} to platforms[].aws.regions of "${platform.name}", or pass --region ${a.regions[0]!}`,
    },
  ];
}
