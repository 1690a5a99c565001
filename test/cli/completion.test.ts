/**
 * `vmonboard completion bash|zsh|fish` (issue 17 §11): the scripts come from the commander tree
 * (a command added to the program appears without touching the generator), register with each
 * shell, and complete commands, options, choices and the spec's workload and platform names.
 * Runs the built CLI through a `vmonboard` shim on PATH, as an installed CLI would be found.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCommands } from '../../src/cli/completion-tree.js';
import { specNames } from '../../src/cli/commands/completion.js';
import { createProgram } from '../../src/cli/program.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { requireExecutable } from '../validators/require-tool.js';

const CLI = join(PROJECT_ROOT, 'dist/src/cli/main.js');
const bin = mkdtempSync(join(tmpdir(), 'vmonboard-completion-'));
const env = (): NodeJS.ProcessEnv => ({ ...process.env, PATH: `${bin}:${process.env.PATH}` });
afterAll(() => rmSync(bin, { recursive: true, force: true }));

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first (CLI tests run the built CLI)');
  writeFileSync(join(bin, 'vmonboard'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
  chmodSync(join(bin, 'vmonboard'), 0o755);
});

/** Runs a bash script after loading the completion; `_t word...` prints what TAB offers. */
function bash(script: string): string {
  const sh = requireExecutable('bash', 'bash');
  const prelude = `set -e\nsource <(vmonboard completion bash)\n_t() { COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); _vmonboard_complete; echo "\${COMPREPLY[*]}"; }\n`;
  return execFileSync(sh, ['-c', prelude + script], { cwd: PROJECT_ROOT, env: env(), encoding: 'utf8' });
}

describe('spec names for completion', () => {
  it('loads the spec with the input limits validate uses: an oversize list or an alias bomb completes nothing', () => {
    // 30,000 workloads: over LIMITS.maxListItems (20,000), refused by the pre-scan before parsing.
    const big = join(bin, 'big.yaml');
    writeFileSync(big, ['workloads:', ...Array.from({ length: 30_000 }, (_, i) => `  - name: w${i}`), ''].join('\n'));
    expect(specNames(big, 'workloads')).toEqual([]);
    const bomb = join(bin, 'bomb.yaml');
    const levels = Array.from({ length: 12 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`);
    writeFileSync(bomb, ['l0: &l0 [x]', ...levels, 'workloads: [{ name: a, list: *l12 }]', ''].join('\n'));
    expect(specNames(bomb, 'workloads')).toEqual([]);
    expect(specNames(join(PROJECT_ROOT, 'examples/quickstart.yaml'), 'workloads')).toEqual(['ratings', 'reviews']);
  });
});

describe('the completion tree', () => {
  it('is read from commander: a command registered later is included with its options and choices', () => {
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, readStdin: async () => '', isTTY: false };
    const program = createProgram(io);
    program.addCommand(new Command('frobnicate').option('--level <n>', 'how much').argument('<spec>'));
    const tree = collectCommands(program);
    expect(tree.find((c) => c.path.length === 0)!.subcommands).toEqual(expect.arrayContaining(['validate', 'render', 'userdata', 'aws', 'pin', 'schema', 'init', 'completion', 'frobnicate']));
    expect(tree.find((c) => c.path.join(' ') === 'frobnicate')!.options.map((o) => o.flags[0])).toEqual(['--level', '--help']);
    expect(tree.find((c) => c.path.join(' ') === 'render')!.options.find((o) => o.flags[0] === '--archive-format')!.choices).toEqual(['tar.gz', 'zip']);
    expect(tree.find((c) => c.path.join(' ') === 'aws launch-template')!.options.find((o) => o.flags[0] === '--workload')!.specNames).toBe('workloads');
  });
});

describe('bash', () => {
  it('registers the completion function for vmonboard', () => {
    expect(bash('complete -p vmonboard')).toBe('complete -o filenames -F _vmonboard_complete vmonboard\n');
  });

  it('completes commands, nested commands, options and choices', () => {
    const out = bash(['_t vmonboard re', '_t vmonboard aws ""', '_t vmonboard render --arch', '_t vmonboard render x.yaml --archive-format ""', '_t vmonboard schema --for ""'].join('\n')).split('\n');
    expect(out.slice(0, 5)).toEqual(['render', 'launch-template', '--archive --archive-format', 'tar.gz zip', 'spec lock']);
  });

  it("completes --workload and --platform with the spec's names, wherever the spec is on the line", () => {
    const out = bash(['_t vmonboard userdata examples/quickstart.yaml --workload ""', '_t vmonboard aws launch-template --workload ratings examples/quickstart.yaml --platform ""', '_t vmonboard userdata examples/quickstart.yaml --platform g'].join('\n')).split('\n');
    expect(out.slice(0, 3)).toEqual(['ratings reviews', 'aws-prod gcp-prod azure-prod dc1 metal', 'gcp-prod']);
  });

  it('offers a workload name two namespaces have as each <namespace>/<name> (issue 16 §2)', () => {
    // examples/fleet.yaml: `api` in payments and search; the other names are unique and stay plain.
    const out = bash(['_t vmonboard userdata examples/fleet.yaml --workload ""', '_t vmonboard userdata examples/fleet.yaml --workload s'].join('\n')).split('\n');
    expect(out.slice(0, 2)).toEqual(['payments/api search/api payments-db batch-worker', 'search/api']);
  });
});

describe('zsh', () => {
  it('registers the completion through bashcompinit', () => {
    const zsh = requireExecutable('zsh', 'zsh');
    const out = execFileSync(zsh, ['-c', 'source <(vmonboard completion zsh); print -r -- $_comps[vmonboard]'], { cwd: PROJECT_ROOT, env: env(), encoding: 'utf8' });
    expect(out).toMatch(/_bash_complete -o filenames -F _vmonboard_complete/);
  });
});

describe('fish', () => {
  it('completes commands, choices and spec names', () => {
    const fish = requireExecutable('fish', 'fish');
    const run = (line: string): string[] =>
      execFileSync(fish, ['-c', `vmonboard completion fish | source; complete -C ${JSON.stringify(line)}`], { cwd: PROJECT_ROOT, env: env(), encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]!);
    expect(run('vmonboard ren')).toEqual(['render']);
    expect(run('vmonboard render x.yaml --archive-format ')).toEqual(['tar.gz', 'zip']);
    expect(run('vmonboard userdata examples/quickstart.yaml --workload ')).toEqual(['ratings', 'reviews']);
  });
});
