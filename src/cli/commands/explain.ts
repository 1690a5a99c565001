/** `vmonboard explain <spec>`: who can become which mesh identity, what each VM needs, the risks. */
import { Command, Option } from 'commander';
import { validateSpecFile } from '../../api.js';
import { isFatal } from '../../diagnostics/diagnostic.js';
import { CliExit, EXIT, UsageError, type CliIO } from '../io.js';
import { printReport } from '../report.js';
import type { ReviewFormat } from '../../explain/format.js';
import { findWorkload, WorkloadLookupError } from '../../model/find-workload.js';
import type { WorkloadModel } from '../../model/model.js';

/** Builds the explain command. */
export function explainCommand(io: CliIO): Command {
  return new Command('explain')
    .description('explain, per workload and platform, the SPIFFE identities, which machines can claim them, the risks, and what each VM needs')
    .argument('<spec>', 'spec file (YAML), or - to read it from stdin')
    .option('--workload <name>', 'only this workload: <namespace>/<name>, or its name when one namespace has it')
    .option('--platform <name>', 'only this platform')
    .addOption(new Option('--format <format>', 'output format (markdown: for a pull-request comment; json: schemas/explain-v1)').choices(['text', 'markdown', 'json']).default('text'))
    .option('--files-dir <dir>', 'directory local file references resolve under (default: the spec directory)')
    .option('--lock <file>', 'lock file (default: <spec>.lock.yaml beside the spec)')
    .addHelpText(
      'after',
      `
Examples:
  $ vmonboard explain examples/quickstart.yaml
  $ vmonboard explain spec.yaml --workload ratings --platform aws-prod
  $ vmonboard explain --format markdown spec.yaml > identities.md

Exit codes: 0 explained, 1 invalid spec, 2 usage error (unknown workload or platform), 3 internal error.`,
    )
    .action(async (spec: string, opts: { workload?: string; platform?: string; format: ReviewFormat; filesDir?: string; lock?: string }) => {
      const v = await validateSpecFile(spec, {
        ...(opts.filesDir ? { filesDir: opts.filesDir } : {}),
        ...(opts.lock ? { lockFile: opts.lock } : {}),
        ...(spec === '-' ? { stdinText: await io.readStdin() } : {}),
      });
      if (!v.model || isFatal(v.diagnostics)) {
        printReport(io, v.diagnostics, v.sources, { format: 'text', strict: false });
        throw new CliExit(EXIT.invalid);
      }
      const model = v.model;
      let workload: WorkloadModel | undefined;
      try {
        workload = opts.workload ? findWorkload(model.workloads, opts.workload) : undefined;
      } catch (err) {
        if (err instanceof WorkloadLookupError) throw new UsageError(err.message, err.code);
        throw err;
      }
      if (opts.platform && !model.platforms.some((p) => p.name === opts.platform)) throw new UsageError(`no platform "${opts.platform}" in ${spec} (platforms: ${model.platforms.map((p) => p.name).join(', ')})`);
      // Loaded here: validate-only start-up must not pay for the translators' modules.
      const { buildExplanation } = await import('../../explain/explanation.js');
      const { formatExplanation } = await import('../../explain/format.js');
      // The explained VMs' files, rendered to name each one's payload as the bundle holds it
      // (user-data.yaml, or user-data.yaml.gz when only compressed fits its platform).
      const { buildVmFiles } = await import('../../build-bundle.js');
      const { payloadsIn } = await import('../../bundle/readme.js');
      const { listVms } = await import('../../translate/vm-ref.js');
      const vms = listVms(model).filter((vm) => (!workload || vm.workload === workload) && (!opts.platform || vm.placement.platform === opts.platform));
      const files = buildVmFiles(model, vms);
      const filter = { ...(workload ? { workload } : {}), ...(opts.platform ? { platform: opts.platform } : {}) };
      io.stdout.write(formatExplanation(buildExplanation(model, filter, payloadsIn((path) => files.has(path))), opts.format));
    });
}
