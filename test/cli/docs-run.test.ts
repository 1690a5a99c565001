/**
 * Docs that run (issue 17 §12): every fenced block in README.md and docs/*.md whose language
 * claims to run (bash, sh, console, ts) is run here, unless its info string says `illustrative`
 * (for commands that need a registry, a cloud or a terminal: installs, Terraform, sample output).
 * Shell lines run with bash in a scratch directory holding a copy of examples/ and the built
 * dist/, with `vmonboard` on PATH; the EC2 commands talk to a loopback fake. Development commands
 * (`npm test`, `npm run <script>`, `npx vitest run <path>`, `node <script>`) are checked to exist
 * instead of run: running the suite inside itself proves nothing. TypeScript blocks run as ES
 * modules importing 'vmonboard' from this package, in a copy of the layout `vmonboard init` writes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { requireExecutable } from '../validators/require-tool.js';
import { startFakeEc2, type FakeEc2 } from './fake-ec2.js';

/** One fenced code block. */
interface Block {
  file: string;
  line: number;
  lang: string;
  illustrative: boolean;
  body: string;
}

const RUNNABLE = new Set(['bash', 'sh', 'console', 'ts']);
const DOCS = ['README.md', ...readdirSync(join(PROJECT_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const scripts = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** Every fenced block of a Markdown file, with its info string split into language and flags. */
function blocks(file: string): Block[] {
  const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
  const out: Block[] = [];
  for (const m of text.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)) {
    const info = m[1]!.trim().split(/\s+/);
    out.push({ file, line: text.slice(0, m.index).split('\n').length, lang: info[0] ?? '', illustrative: info.includes('illustrative'), body: m[2]! });
  }
  return out;
}

const all = DOCS.flatMap(blocks);
const runnable = all.filter((b) => RUNNABLE.has(b.lang) && !b.illustrative);

/** A development command: checked to exist, never run (returns a failure message, or undefined). */
function checkDevCommand(cmd: string): string | undefined | false {
  let m: RegExpExecArray | null;
  if (/^npm (ci|install)\b/.test(cmd)) return undefined;
  if (/^npm test\b/.test(cmd)) return scripts.test ? undefined : 'package.json has no test script';
  if ((m = /^npm run ([\w:-]+)/.exec(cmd))) return scripts[m[1]!] ? undefined : `package.json has no script ${m[1]}`;
  if ((m = /^npx vitest run ?(\S*)/.exec(cmd))) return !m[1] || existsSync(join(PROJECT_ROOT, m[1])) ? undefined : `${m[1]} does not exist`;
  if ((m = /^node ((?:bench|scripts)\/\S+)/.exec(cmd))) return existsSync(join(PROJECT_ROOT, m[1]!)) ? undefined : `${m[1]} does not exist`;
  return false;
}

/** A shell block as a bash script: comments dropped, dev commands checked and removed, `npm ci && X` run as X. */
function shellScript(b: Block): { script: string; problems: string[] } {
  const problems: string[] = [];
  const lines: string[] = [];
  for (const raw of b.body.split('\n')) {
    const line = raw.replace(/\s+#\s.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const cmd = line.replace(/^npm ci && /, '');
    const dev = checkDevCommand(cmd);
    if (dev === false) lines.push(cmd);
    else if (dev) problems.push(`${b.file}:${b.line}: ${dev}`);
  }
  return { script: lines.join('\n'), problems };
}

let scratch: string;
let bin: string;
let ec2: FakeEc2;
beforeAll(async () => {
  if (!existsSync(join(PROJECT_ROOT, 'dist/src/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  scratch = mkdtempSync(join(tmpdir(), 'vmonboard-docs-run-'));
  bin = join(scratch, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'vmonboard'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(PROJECT_ROOT, 'dist/src/cli/main.js'))} "$@"\n`);
  chmodSync(join(bin, 'vmonboard'), 0o755);
  ec2 = await startFakeEc2([{ id: 'lt-0fedcba9876543210', name: 'ratings', latest: 3, default: 3 }]);
});
afterAll(async () => {
  await ec2?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * The working directory of one document, made on first use: examples/ copied, dist/ linked (the
 * README's first command runs it). A document's blocks run in it in order, as a reader would.
 */
function workdir(file: string): string {
  const dir = join(scratch, file.replace(/[^\w.-]/g, '_'));
  if (!existsSync(dir)) {
    cpSync(join(PROJECT_ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
    symlinkSync(join(PROJECT_ROOT, 'dist'), join(dir, 'dist'));
  }
  return dir;
}

/** Runs a program without blocking this process (spawnSync would starve the in-process fake). */
function runAsync(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('docs that run', () => {
  it('finds the blocks this test must run, and every other shell or TypeScript block is marked illustrative', () => {
    expect(runnable.map((b) => `${b.file}:${b.lang}`)).toEqual(expect.arrayContaining(['README.md:bash', 'README.md:ts', 'docs/integrations.md:sh', 'docs/e2e.md:sh', 'docs/performance.md:sh']));
    // A block in another language that looks like a shell session would escape this test.
    const unlabelled = all.filter((b) => !RUNNABLE.has(b.lang) && !b.illustrative && /^\$ |^(npm|npx|vmonboard|node) /m.test(b.body));
    expect(unlabelled.map((b) => `${b.file}:${b.line} (${b.lang || 'no language'})`)).toEqual([]);
  });

  it.each(runnable.filter((b) => b.lang === 'bash' || b.lang === 'sh').map((b) => [`${b.file}:${b.line}`, b] as const))('runs the shell block at %s', async (_name, b) => {
    const { script, problems } = shellScript(b);
    expect(problems).toEqual([]);
    if (!script) return; // development commands only: checked above
    const cwd = workdir(b.file);
    // Asynchronously: the EC2 fake answers from this process's event loop.
    const r = await runAsync(requireExecutable('bash', 'bash'), ['-c', `set -euo pipefail\n${script}`], {
      cwd,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        AWS_ENDPOINT_URL_EC2: ec2.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDDOCSLOOPBACK',
        AWS_SECRET_ACCESS_KEY: 'docs-loopback-not-a-secret',
        AWS_CONFIG_FILE: join(cwd, 'no-aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(cwd, 'no-aws-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_MAX_ATTEMPTS: '1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    expect(r.status, `${b.file}:${b.line}\n${script}\n${r.stderr}`).toBe(0);
  });

  it.each(runnable.filter((b) => b.lang === 'ts').map((b) => [`${b.file}:${b.line}`, b] as const))('runs the TypeScript block at %s against the layout init writes', (_name, b) => {
    // spec.yaml + spec.lock.yaml + files/ in one directory: the quickstart in init's layout.
    const cwd = mkdtempSync(join(scratch, 'lib-'));
    cpSync(join(PROJECT_ROOT, 'examples/quickstart.yaml'), join(cwd, 'spec.yaml'));
    cpSync(join(PROJECT_ROOT, 'examples/quickstart.lock.yaml'), join(cwd, 'spec.lock.yaml'));
    cpSync(join(PROJECT_ROOT, 'examples/files'), join(cwd, 'files'), { recursive: true });
    mkdirSync(join(cwd, 'node_modules'));
    symlinkSync(PROJECT_ROOT, join(cwd, 'node_modules/vmonboard'));
    // The block has no type annotations, so it runs as JavaScript; the check after it reads its variables.
    expect(b.body).not.toMatch(/:\s*(string|number|boolean|Map<)|\binterface\b|\bas\s+\w/);
    writeFileSync(join(cwd, 'example.mjs'), `${b.body}\nconsole.log(JSON.stringify({ errors: diagnostics.filter((d) => d.severity === 'error').length, hasModel: Boolean(model), files: bundle?.size ?? 0 }));\n`);
    const r = spawnSync(process.execPath, ['example.mjs'], { cwd, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.errors).toBe(0);
    expect(out.hasModel).toBe(true);
    expect(out.files).toBeGreaterThan(50);
  });
});
