/** `vmonboard diff <old> <new>` / `--base <rev> <spec>`: identity-level changes between two specs. */
import { Command, Option } from 'commander';
import { validateSpecFile } from '../../api.js';
import { validateSpec } from '../../spec/validate-spec.js';
import type { SpecInput } from '../../spec/validate-spec.js';
import { isFatal } from '../../diagnostics/diagnostic.js';
import type { Model } from '../../model/model.js';
import { CliExit, EXIT, UsageError, type CliIO } from '../io.js';
import { printReport } from '../report.js';
import type { ReviewFormat } from '../../explain/format.js';

/** Exit codes of diff (docs/review.md): 0 nothing identity-relevant, 1 something, 5 a spec does not validate. */
export const DIFF_EXIT = { unchanged: 0, changed: 1, cannotCompare: 5 } as const;

async function load(io: CliIO, spec: string | SpecInput, label: string): Promise<Model> {
  const v = typeof spec === 'string' ? await validateSpecFile(spec) : validateSpec(spec);
  if (!v.model || isFatal(v.diagnostics)) {
    io.stderr.write(`${label} does not validate, so it cannot be compared:\n`);
    printReport(io, v.diagnostics, v.sources, { format: 'text', strict: false });
    throw new CliExit(DIFF_EXIT.cannotCompare);
  }
  return v.model;
}

/** Builds the diff command. */
export function diffCommand(io: CliIO): Command {
  return new Command('diff')
    .description('show what a spec change does to the mesh identities: identities added or removed, admission widened or narrowed, trust roots, gateway exposure, version bumps, VMs whose payload changes')
    .argument('<spec>', 'the old spec, or with --base the new one')
    .argument('[new]', 'the new spec (without --base)')
    .option('--base <rev>', 'read the old spec (and the files beside it) from this Git revision of <new>')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  $ vmonboard diff old.yaml spec.yaml
  $ vmonboard diff --base origin/main spec.yaml --format markdown > comment.md

Exit codes (for CI gates): 0 nothing identity-relevant changed, 1 something did, 2 usage error,
3 internal error, 5 a spec does not validate (nothing compared).`,
    )
    .action(async (a: string | undefined, b: string | undefined, opts: { base?: string; format: ReviewFormat }) => {
      // One argument is the new spec (with --base); two are old and new.
      const [oldArg, newArg] = b === undefined ? [undefined, a] : [a, b];
      if (!newArg) throw new UsageError('diff needs <old> <new>, or --base <rev> <new>');
      if (opts.base && oldArg) throw new UsageError('give either <old> or --base, not both');
      if (!opts.base && !oldArg) throw new UsageError('diff needs the old spec: <old> <new>, or --base <rev> <new>');
      let base: { input: SpecInput; label: string } | undefined;
      if (opts.base) {
        const { readBaseSpec, GitBaseError } = await import('../../diff/git-base.js');
        try {
          base = readBaseSpec(newArg, opts.base);
        } catch (err) {
          if (err instanceof GitBaseError) throw new UsageError(err.message);
          throw err;
        }
      }
      const oldLabel = base?.label ?? oldArg!;
      const oldModel = await load(io, base?.input ?? oldArg!, oldLabel);
      const newModel = await load(io, newArg, newArg);
      const { diffSpecs } = await import('../../diff/spec-diff.js');
      const { formatDiff } = await import('../../diff/format.js');
      const report = diffSpecs(oldModel, newModel, { old: oldLabel, new: newArg });
      io.stdout.write(formatDiff(report, opts.format));
      if (report.identityRelevant) throw new CliExit(DIFF_EXIT.changed);
    });
}
