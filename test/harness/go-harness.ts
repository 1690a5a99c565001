// TypeScript wrapper around the Go test harness in ./go (see main.go there for why it exists).
// The binary is built once per source hash and cached under node_modules/.cache so that
// concurrent vitest workers — separate processes — share it instead of each rebuilding.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const GO_SRC_DIR = fileURLToPath(new URL('./go/', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE_ROOT = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'vmonboard-go-harness');
const DEBIAN_PACKAGES =
  'golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev golang-github-hashicorp-hcl-dev';
const MAX_BUFFER = 256 * 1024 * 1024;
/** Line the harness prints between the manifests and the rendered NOTES.txt (see helm.go). */
const NOTES_MARKER = '---NOTES---';

interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command, optionally feeding stdin; rejects with an Error carrying stderr (or the spawn error). */
function run(
  file: string,
  args: string[],
  opts: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: MAX_BUFFER, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) {
          const detail = stderr.trim();
          const wrapped = new Error(detail !== '' ? detail : err.message) as Error & { code?: unknown };
          wrapped.code = (err as NodeJS.ErrnoException).code;
          reject(wrapped);
          return;
        }
        resolve({ stdout, stderr });
      },
    );
    // Ignore EPIPE if the child exits before reading all of stdin; the exit status reports the failure.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.input ?? '');
  });
}

let harnessPromise: Promise<string> | undefined;

/** Builds the Go harness binary once (per source hash, shared across processes) and resolves to its path. */
export function ensureHarness(): Promise<string> {
  harnessPromise ??= buildHarness().catch((err: unknown) => {
    harnessPromise = undefined; // let a later call retry, e.g. after installing packages
    throw err;
  });
  return harnessPromise;
}

async function buildHarness(): Promise<string> {
  // Never skip silently: a missing toolchain must fail the tests with an actionable message.
  let goVersion: string;
  try {
    goVersion = (await run('go', ['version'])).stdout.trim();
  } catch (err) {
    throw new Error(
      `Go toolchain not found on PATH (${(err as Error).message}); the test harness needs it. ` +
        `Install the Debian packages: apt-get install ${DEBIAN_PACKAGES}`,
    );
  }

  const hash = createHash('sha256');
  hash.update(goVersion + '\0');
  const sources = (await readdir(GO_SRC_DIR)).filter((f) => f.endsWith('.go')).sort();
  for (const f of sources) {
    hash.update(f + '\0');
    hash.update(await readFile(path.join(GO_SRC_DIR, f)));
    hash.update('\0');
  }
  const dir = path.join(CACHE_ROOT, hash.digest('hex'));
  const bin = path.join(dir, 'harness');
  try {
    await access(bin, fsConstants.X_OK);
    return bin;
  } catch {
    // not built yet
  }

  await mkdir(dir, { recursive: true });
  // Build under a unique temp name, then rename: rename is atomic within a directory, so a
  // concurrent worker either sees no binary or a complete one (both builds produce equal output).
  const tmp = path.join(dir, `harness.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GO111MODULE: 'off',
    GOPATH: '/usr/share/gocode',
    GOFLAGS: '',
    // The default cache lives under $HOME, which may be unset or read-only in CI sandboxes.
    GOCACHE: process.env.GOCACHE ?? path.join(CACHE_ROOT, 'gocache'),
  };
  try {
    await run('go', ['build', '-o', tmp, '.'], { cwd: GO_SRC_DIR, env });
  } catch (err) {
    await rm(tmp, { force: true });
    throw new Error(
      `building the Go test harness failed: ${(err as Error).message}\n` +
        `(it needs the Debian packages: ${DEBIAN_PACKAGES})`,
    );
  }
  await rename(tmp, bin);
  return bin;
}

/** Parses HCL v1 (or JSON) text with the real hashicorp/hcl v1 `hcl.Decode`, resolving to the decoded value; blocks come back as lists of maps (see go/hcl.go). */
export async function parseHcl(text: string): Promise<unknown> {
  const bin = await ensureHarness();
  const { stdout } = await run(bin, ['hcl2json'], { input: text });
  return JSON.parse(stdout) as unknown;
}

/**
 * Parses many HCL v1 (or JSON) texts in one harness process, in order: each result is the decoded
 * value or the parser's error, so one bad text does not hide the verdict on the others.
 */
export async function parseManyHcl(texts: string[]): Promise<Array<{ ok: unknown } | { error: string }>> {
  if (texts.length === 0) return [];
  const bin = await ensureHarness();
  const { stdout } = await run(bin, ['hcl2json-many'], { input: JSON.stringify(texts) });
  return JSON.parse(stdout) as Array<{ ok: unknown } | { error: string }>;
}

/**
 * Reads many single-document YAML texts with sigs.k8s.io/yaml, the reader Kubernetes (kubectl,
 * the API server) and Helm use, in one harness process; each result is the value or the error.
 */
export async function parseManyK8sYaml(texts: string[]): Promise<Array<{ ok: unknown } | { error: string }>> {
  if (texts.length === 0) return [];
  const bin = await ensureHarness();
  const { stdout } = await run(bin, ['yaml2json-many'], { input: JSON.stringify(texts) });
  return JSON.parse(stdout) as Array<{ ok: unknown } | { error: string }>;
}

/** Options for {@link helmTemplate}. */
export interface HelmTemplateOptions {
  /** Chart directory (containing Chart.yaml, values.yaml, templates/). */
  chartDir: string;
  /** User values merged over the chart's values.yaml with Helm's coalesce rules. */
  values?: unknown;
  /**
   * A user values file as text, read as `helm install -f` reads it (sigs.k8s.io/yaml); use it to
   * test a generated values file itself rather than its data re-serialized as JSON.
   */
  valuesText?: string;
  /** Release name; defaults to `release-name` like `helm template`. */
  releaseName?: string;
  /** Release namespace; defaults to `default`. */
  releaseNamespace?: string;
  /** Also return the rendered NOTES.txt. */
  notes?: boolean;
}

/** Renders a chart like `helm template` (Go text/template + sprig + Helm's functions), rejecting with the harness's stderr on failure. */
export async function helmTemplate(
  opts: HelmTemplateOptions,
): Promise<{ manifests: string; notes?: string }> {
  const bin = await ensureHarness();
  const args = ['helm-template', '--chart', path.resolve(opts.chartDir)];
  if (opts.releaseName !== undefined) args.push('--release-name', opts.releaseName);
  if (opts.releaseNamespace !== undefined) args.push('--release-namespace', opts.releaseNamespace);
  if (opts.notes) args.push('--notes');
  let tmp: string | undefined;
  try {
    if (opts.values !== undefined || opts.valuesText !== undefined) {
      tmp = await mkdtemp(path.join(tmpdir(), 'vmonboard-helm-values-'));
      const valuesFile = path.join(tmp, 'values.yaml');
      await writeFile(valuesFile, opts.valuesText ?? JSON.stringify(opts.values)); // JSON is valid YAML
      args.push('--values', valuesFile);
    }
    const { stdout } = await run(bin, args);
    if (!opts.notes) return { manifests: stdout };
    const m = new RegExp(`(^|\\n)${NOTES_MARKER}\\n`).exec(stdout);
    if (!m) throw new Error(`helm-template output lacks the ${NOTES_MARKER} marker`);
    return {
      manifests: stdout.slice(0, m.index + m[1]!.length),
      notes: stdout.slice(m.index + m[0].length),
    };
  } finally {
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
  }
}

/** Splits `helm template`-style output into parsed documents tagged with their `# Source:` path, dropping empty documents; parses with the YAML 1.1 schema, as Kubernetes' sigs.k8s.io/yaml does. */
export function parseManifests(manifests: string): Array<{ source: string; doc: unknown }> {
  const out: Array<{ source: string; doc: unknown }> = [];
  // Chunks start at each `# Source:` header; the text before the first header has no source.
  const header = /^# Source: (.*)$/gm;
  const starts: Array<{ index: number; source: string }> = [{ index: 0, source: '' }];
  for (let m = header.exec(manifests); m !== null; m = header.exec(manifests)) {
    starts.push({ index: m.index, source: m[1]!.trim() });
  }
  starts.forEach(({ index, source }, i) => {
    const chunk = manifests.slice(index, starts[i + 1]?.index ?? manifests.length);
    for (const d of parseAllDocuments(chunk, { version: '1.1' })) {
      if (d.errors.length > 0) {
        throw new Error(`YAML parse error in ${source || '<no source>'}: ${d.errors[0]!.message}`);
      }
      const doc: unknown = d.toJS();
      if (doc !== null && doc !== undefined) out.push({ source, doc });
    }
  });
  return out;
}

/**
 * Runs a JSON-in/JSON-out harness subcommand (the certificate commands of go/trust.go:
 * spire-mint, mint, x509-verify, mtls), rejecting with the harness's stderr on failure.
 */
export async function harnessJson<T>(subcommand: string, input: unknown): Promise<T> {
  const bin = await ensureHarness();
  const { stdout } = await run(bin, [subcommand], { input: JSON.stringify(input) });
  return JSON.parse(stdout) as T;
}
