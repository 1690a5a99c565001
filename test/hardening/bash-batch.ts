/**
 * Batched bash checks for the property tests: `bash -n` over many scripts and sourcing many
 * cluster.env files, each in ONE bash process (a process per file from Node costs ~20 ms; a
 * subshell or child from bash itself costs ~2 ms). Outputs are NUL-separated, since no value that
 * bash can hold contains NUL.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireExecutable } from '../validators/require-tool.js';

const BASH = '/usr/bin/bash';

/** Runs bash with a script and arguments in an empty environment; resolves to stdout (throws on a non-zero exit). */
function runBashScript(script: string, args: string[], env: Record<string, string> = {}, cwd?: string): Promise<string> {
  requireExecutable(BASH, 'bash');
  return new Promise((resolve, reject) => {
    const child = spawn(BASH, ['--noprofile', '--norc', '-c', script, 'batch', ...args], { env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8', ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`batch bash exited ${code}: ${Buffer.concat(err).toString('utf8')}`));
      else resolve(Buffer.concat(out).toString('utf8'));
    });
  });
}

/** A scratch directory for one batch; removed by the caller through the returned function. */
export function scratchDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs `bash -n` on each script text; returns the syntax errors by index (empty map: all parse).
 * Scripts are written to a scratch directory and checked by one driver bash.
 */
export async function bashSyntaxErrors(scripts: string[]): Promise<Map<number, string>> {
  const scratch = scratchDir('vmonboard-bash-n-');
  try {
    const files = scripts.map((s, i) => {
      const f = join(scratch.dir, `${i}.sh`);
      writeFileSync(f, s);
      return f;
    });
    const out = await runBashScript('for f; do if ! e=$(bash -n "$f" 2>&1); then printf "%s\\0%s\\0" "${f##*/}" "$e"; fi; done', files);
    const parts = out.split('\0');
    const errors = new Map<number, string>();
    for (let i = 0; i + 1 < parts.length; i += 2) errors.set(Number(parts[i]!.replace(/\.sh$/, '')), parts[i + 1]!);
    return errors;
  } finally {
    scratch.remove();
  }
}

/**
 * Sources each env file the way istio-start.sh does (`set -a; . file`) in its own subshell of one
 * clean bash, and returns, per file, every variable the file created or whose value it set, for
 * the names in `keys` plus any new name. A canary in a value would run here, with `cwd` as the
 * working directory.
 */
export async function sourceEnvFiles(texts: string[], keys: string[], cwd: string): Promise<Array<Record<string, string>>> {
  const scratch = scratchDir('vmonboard-env-');
  try {
    const files = texts.map((t, i) => {
      const f = join(scratch.dir, `${i}.env`);
      writeFileSync(f, t);
      return f;
    });
    // Names existing before sourcing (including this driver's own) are remembered, so any name
    // the file introduces shows up; the expected keys are printed whatever happens.
    const driver = [
      'keys=$1; shift',
      'for f; do (',
      '  declare -A before=(); n=""; k=""',
      '  for n in $(compgen -v); do before[$n]=1; done',
      '  set -a; . "$f"; set +a',
      '  printf "FILE\\0%s\\0" "$f"',
      '  for n in $(compgen -v); do',
      '    if [[ -z ${before[$n]:-} || " $keys " == *" $n "* ]]; then [[ -v $n ]] && printf "%s\\0%s\\0" "$n" "${!n}"; fi',
      '  done',
      '); done',
    ].join('\n');
    const out = await runBashScript(driver, [keys.join(' '), ...files], {}, cwd);
    const results: Array<Record<string, string>> = texts.map(() => ({}));
    const parts = out.split('\0');
    let current: Record<string, string> | undefined;
    for (let i = 0; i + 1 < parts.length; i += 2) {
      if (parts[i] === 'FILE') current = results[Number(parts[i + 1]!.replace(/^.*\/(\d+)\.env$/, '$1'))];
      else if (current) current[parts[i]!] = parts[i + 1]!;
    }
    return results;
  } finally {
    scratch.remove();
  }
}
