/**
 * `vmonboard aws launch-template`: put one VM's user data into an EC2 launch template as a new
 * version copying the source version. The EC2 modules are imported only when it runs.
 */
import { createHash } from 'node:crypto';
import { Command } from 'commander';
import { CliExit, EXIT, EXIT_CODES_HELP, UsageError, type CliIO } from '../io.js';
import { renderUserDataForCli, type VmCommandOptions } from './userdata.js';
import { checkLaunchRegion } from '../../cloud/aws/launch-region.js';

interface LaunchTemplateOptions extends VmCommandOptions {
  template: string;
  sourceVersion: string;
  region?: string;
  dryRun: boolean;
}

/** Builds `aws launch-template`. */
function launchTemplateCommand(io: CliIO): Command {
  return new Command('launch-template')
    .description("create a new EC2 launch template version that copies an existing one and replaces only its user data with this VM's payload")
    .argument('<spec>', 'spec file (YAML), or - to read it from stdin')
    .requiredOption('--workload <name>', 'workload: <namespace>/<name>, or its name when one namespace has it')
    .requiredOption('--platform <name>', 'platform name (an aws platform)')
    .requiredOption('--template <id|name>', 'launch template ID (lt-...) or name')
    .option('--source-version <version>', 'version to copy: a number, $Latest or $Default', '$Latest')
    .option('--region <region>', "AWS region (default: the platform's region when it lists exactly one, else the SDK chain: AWS_REGION, then your profile)")
    .option('--mime', 'send the payload as a MIME multipart part (AWS Batch and EKS node groups require MIME)', false)
    .option('--dry-run', 'ask EC2 to check permissions only (DryRun); create nothing', false)
    .option('--files-dir <dir>', 'directory local file references resolve under (default: the spec directory)')
    .option('--lock <file>', 'lock file (default: <spec>.lock.yaml beside the spec; for a spec on stdin, vmonboard.lock.yaml in the current directory)')
    .option('--strict', 'treat warnings as errors', false)
    .addHelpText(
      'after',
      `
Credentials come from the AWS SDK's default chain (environment, AWS_PROFILE, SSO, instance
role). AWS_ENDPOINT_URL_EC2 points the command at another EC2 endpoint; HTTPS_PROXY /
https_proxy and NO_PROXY are honoured. On success, stdout carries a JSON object with the new
version number.

Examples:
  $ vmonboard aws launch-template spec.yaml --workload ratings --platform aws-prod --template lt-0abc123def4567890
  $ vmonboard aws launch-template spec.yaml --workload ratings --platform aws-prod --template ratings --source-version 3 --dry-run

${EXIT_CODES_HELP}`,
    )
    .action(async (spec: string, opts: LaunchTemplateOptions) => {
      const { userData, payload } = await renderUserDataForCli(io, spec, opts, (p) => checkLaunchRegion(p.platform, opts.region));
      if (payload.platform.kind !== 'aws') throw new UsageError(`platform ${opts.platform} is ${payload.platform.kind}, not aws; launch templates are EC2's`);
      // Base64 on the wire is the API's own transport (added below), never a payload encoding.
      const { createEc2Client, createUserDataVersion } = await import('../../cloud/aws/launch-template.js');
      const { Ec2Error } = await import('../../cloud/aws/errors.js');
      const sha = createHash('sha256').update(userData.bytes).digest('hex').slice(0, 12);
      // The platform says where its VMs run: with exactly one region, that is the template's region.
      const regions = payload.platform.attestation.type === 'aws_iid' ? payload.platform.attestation.regions : [];
      const fromPlatform = !opts.region && regions.length === 1 ? regions[0] : undefined;
      if (fromPlatform) io.stderr.write(`region ${fromPlatform} (the only region platform ${opts.platform} lists)\n`);
      try {
        const client = await createEc2Client(opts.region ?? fromPlatform);
        const region = opts.region ?? fromPlatform ?? (await client.config.region().catch(() => undefined));
        const r = await createUserDataVersion(client, {
          template: opts.template,
          sourceVersion: opts.sourceVersion,
          userData: userData.bytes,
          description: `vmonboard ${payload.workload.namespace}/${payload.workload.name} on ${opts.platform} (user data sha256 ${sha})`,
          dryRun: opts.dryRun,
          ...(region ? { region } : {}),
        });
        io.stdout.write(`${JSON.stringify(r)}\n`);
        if (r.dryRun) {
          io.stderr.write(`dry run: EC2 would create a new version of ${r.launchTemplateName} (${r.launchTemplateId}) from version ${r.sourceVersion}; nothing was created\n`);
        } else {
          io.stderr.write(
            `created version ${r.versionNumber} of launch template ${r.launchTemplateName} (${r.launchTemplateId}) from version ${r.sourceVersion}; only UserData changed (${userData.bytes.length} bytes, ${userData.encoding}).\n` +
              `New launches use it once it is the default: aws ec2 modify-launch-template --launch-template-id ${r.launchTemplateId} --default-version ${r.versionNumber}\n`,
          );
        }
      } catch (err) {
        if (!(err instanceof Ec2Error)) throw err;
        if (err.kind === 'usage') throw new UsageError(err.message);
        io.stderr.write(`error: ${err.message}\n`);
        throw new CliExit(EXIT.remote);
      }
    });
}

/** Builds the `aws` command group. */
export function awsCommand(io: CliIO): Command {
  return new Command('aws').description('put user data into AWS resources (EC2 launch templates)').addCommand(launchTemplateCommand(io));
}
