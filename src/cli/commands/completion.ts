/**
 * `vmonboard completion bash|zsh|fish`: print a completion script generated from the command
 * tree as it is when the command runs, so every registered command is included.
 */
import { readFileSync } from 'node:fs';
import { Argument, Command, Option } from 'commander';
import { loadYaml } from '../../spec/load.js';
import { UsageError, type CliIO } from '../io.js';

const NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Workload or platform names of a spec file, for completing --workload and --platform; [] when
 * unreadable. A workload name that more than one namespace has is offered as each
 * `<namespace>/<name>`, the forms `--workload` accepts for it (issue 16 §2).
 */
export function specNames(file: string, kind: 'workloads' | 'platforms'): string[] {
  try {
    // Completion must never print errors into a prompt: a half-written spec completes nothing. The
    // spec is loaded as validate loads it (loadYaml: size, alias and collection limits), so a hostile
    // file cannot stall a shell's tab key.
    const doc = loadYaml(readFileSync(file, 'utf8'), file).loaded.data as Record<string, unknown> | undefined;
    const list = doc?.[kind];
    if (!Array.isArray(list)) return [];
    const field = (x: unknown, k: string): string | undefined => {
      const v = x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined;
      return typeof v === 'string' && NAME.test(v) ? v : undefined;
    };
    const items = list.map((x) => ({ name: field(x, 'name'), namespace: field(x, 'namespace') })).filter((x): x is { name: string; namespace: string | undefined } => x.name !== undefined);
    const namespacesOf = new Map<string, Set<string | undefined>>();
    for (const x of items) namespacesOf.set(x.name, (namespacesOf.get(x.name) ?? new Set()).add(x.namespace));
    const names = items.map((x) => (kind === 'workloads' && namespacesOf.get(x.name)!.size > 1 && x.namespace ? `${x.namespace}/${x.name}` : x.name));
    return [...new Set(names)];
  } catch {
    return [];
  }
}

/** Builds the completion command. */
export function completionCommand(io: CliIO): Command {
  return new Command('completion')
    .description('print a shell completion script (bash, zsh or fish) for vmonboard')
    .addArgument(new Argument('[shell]', 'the shell').choices(['bash', 'zsh', 'fish']))
    .addOption(new Option('--list <kind>', 'print the workload or platform names of --spec (used by the scripts)').choices(['workloads', 'platforms']).hideHelp())
    .addOption(new Option('--spec <file>', 'the spec --list reads').hideHelp())
    .addHelpText(
      'after',
      `
The script completes commands, options, option values and, for --workload and --platform, the
names in the spec already on the command line.

Examples:
  $ source <(vmonboard completion bash)         # this shell; add the line to ~/.bashrc to keep it
  $ vmonboard completion bash > ~/.local/share/bash-completion/completions/vmonboard
  $ vmonboard completion zsh > "\${fpath[1]}/_vmonboard"
  $ vmonboard completion fish > ~/.config/fish/completions/vmonboard.fish`,
    )
    .action(async function (this: Command, shell: string | undefined, opts: { list?: 'workloads' | 'platforms'; spec?: string }) {
      if (opts.list) {
        const names = opts.spec ? specNames(opts.spec, opts.list) : [];
        if (names.length > 0) io.stdout.write(`${names.join('\n')}\n`);
        return;
      }
      if (!shell) throw new UsageError('name the shell: vmonboard completion bash|zsh|fish');
      let root: Command = this;
      while (root.parent) root = root.parent;
      const [{ collectCommands }, scripts] = await Promise.all([import('../completion-tree.js'), import('../completion-scripts.js')]);
      const tree = collectCommands(root);
      const bin = root.name();
      io.stdout.write(shell === 'bash' ? scripts.bashCompletion(tree, bin) : shell === 'zsh' ? scripts.zshCompletion(tree, bin) : scripts.fishCompletion(tree, bin));
    });
}
