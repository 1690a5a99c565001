/**
 * The parallel renderer (src/parallel/) against the single-threaded reference, buildBundle: a
 * mid-size fleet rendered both ways must agree on every path, byte, mode, source pointer and
 * finding. Worker threads need compiled JavaScript, so the sources are compiled into a private
 * package under a temp directory (fresh, whatever the state of dist/) and imported from there;
 * from the TypeScript sources (this vitest process) the renderer must fall back to buildBundle.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../src/build-bundle.js';
import { buildBundleParallel, parallelAvailable } from '../../src/parallel/render-parallel.js';
import { precompiledTemplatesLoaded } from '../../src/delivery/shell-helpers.js';
import type { Bundle } from '../../src/bundle/bundle.js';
import type { Model } from '../../src/model/model.js';
import { goldenCases, goldenModel, PROJECT_ROOT } from '../helpers/golden-cases.js';
import { requireExecutable } from '../validators/require-tool.js';

/** 60 workloads × 4 platforms: 240 VMs, over PARALLEL_MIN_VMS. */
const WORKLOADS = 60;

let pkg: string;
let specPath: string;
/** The compiled package's modules. */
let api: { validateSpecFile(p: string): Promise<{ model?: Model }> };
let compiled: {
  buildBundle: typeof buildBundle;
  buildBundleParallel: typeof buildBundleParallel;
  parallelAvailable: typeof parallelAvailable;
  precompiledTemplatesLoaded(): boolean;
};

const bytes = (c: string | Uint8Array): Buffer => (typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c.buffer, c.byteOffset, c.byteLength));

/** Every difference between two bundles (path sets, then bytes, modes and sources). */
function differences(a: Bundle, b: Bundle): string[] {
  const out: string[] = [];
  if ([...a.keys()].join('\n') !== [...b.keys()].join('\n')) out.push(`paths differ: ${a.size} vs ${b.size}`);
  for (const [path, f] of a) {
    const g = b.get(path);
    if (!g) continue;
    if (!bytes(f.content).equals(bytes(g.content))) out.push(`${path}: content`);
    if (f.mode !== g.mode) out.push(`${path}: mode`);
    if (f.source !== g.source) out.push(`${path}: source`);
  }
  return out;
}

beforeAll(async () => {
  pkg = mkdtempSync(join(tmpdir(), 'vmonboard-parallel-'));
  // A private build of the current sources, laid out like the package (assets beside dist/).
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(PROJECT_ROOT, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist'), '--declaration', 'false'], { stdio: 'pipe' });
  // As `npm run build` does: precompiled templates beside the compiled shell helpers.
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts/generate-templates.mjs'), join(pkg, 'dist/src/delivery/generated/shell-templates.gen.js')], { stdio: 'pipe' });
  for (const entry of ['package.json', 'templates', 'schemas', 'charts', 'node_modules']) symlinkSync(join(PROJECT_ROOT, entry), join(pkg, entry));
  const load = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(join(pkg, 'dist/src', rel)).href)) as T;
  api = await load('api.js');
  compiled = {
    ...(await load<Pick<typeof compiled, 'buildBundle'>>('build-bundle.js')),
    ...(await load<Pick<typeof compiled, 'buildBundleParallel' | 'parallelAvailable'>>('parallel/render-parallel.js')),
    ...(await load<Pick<typeof compiled, 'precompiledTemplatesLoaded'>>('delivery/shell-helpers.js')),
  };

  // The benchmark's fleet, with a mesh root CA of 20 distinct certificates: every AWS payload is
  // then over 16 KiB raw, so every AWS VM has a finding (PAYLOAD_GZIP_REQUIRED) whose order counts,
  // and a gzipped payload (user-data.yaml.gz): bytes that must cross from the workers unchanged.
  const { writeFleetSpec } = (await import(join(PROJECT_ROOT, 'bench/fleet-spec.mjs'))) as { writeFleetSpec(dir: string, n: number, o: { api: string }): Promise<string> };
  specPath = await writeFleetSpec(join(pkg, 'fleet'), WORKLOADS, { api: join(pkg, 'dist/src/api.js') });
  const openssl = requireExecutable('openssl', 'openssl');
  const pems: string[] = [];
  for (let i = 0; i < 20; i++) {
    execFileSync(openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(pkg, 'k.pem'), '-out', join(pkg, 'c.pem'), '-days', '2', '-subj', `/CN=vmonboard parallel test ${i}`], { stdio: 'ignore' });
    pems.push(readFileSync(join(pkg, 'c.pem'), 'utf8'));
  }
  writeFileSync(join(pkg, 'fleet/files/mesh-root-ca.pem'), pems.join(''));
}, 300_000);

afterAll(() => {
  if (pkg) rmSync(pkg, { recursive: true, force: true });
});

/**
 * The fleet spec with a JWT in its last workload's labels, as `<name>.yaml` beside it (with its
 * lock): the JWT reaches that workload's VM files, which stream before the scan's verdict.
 */
async function writeSecretSpec(name: string): Promise<string> {
  const jsYaml = (await import('js-yaml')).default;
  const spec = jsYaml.load(readFileSync(specPath, 'utf8')) as { workloads: Array<{ labels?: Record<string, string> }> };
  const jwt = `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"system:serviceaccount:a:b"}').toString('base64url')}.${'s'.repeat(43)}`;
  spec.workloads[WORKLOADS - 1]!.labels = { token: jwt };
  const path = join(pkg, 'fleet', `${name}.yaml`);
  writeFileSync(path, jsYaml.dump(spec, { lineWidth: -1 }));
  writeFileSync(join(pkg, 'fleet', `${name}.lock.yaml`), readFileSync(join(pkg, 'fleet', 'fleet.lock.yaml')));
  return path;
}

/**
 * The fleet spec with some workloads renamed everywhere they are named (selectors too), as
 * `<name>.yaml`: they stay in their family, so their VMs are filled from its template.
 */
async function writeRenamedSpec(name: string, names: Record<number, string>): Promise<string> {
  const jsYaml = (await import('js-yaml')).default;
  const spec = jsYaml.load(readFileSync(specPath, 'utf8')) as { workloads: unknown[] };
  for (const [i, to] of Object.entries(names)) spec.workloads[Number(i)] = JSON.parse(JSON.stringify(spec.workloads[Number(i)]).replace(new RegExp(`app-${i}(?![0-9])`, 'g'), to));
  const path = join(pkg, 'fleet', `${name}.yaml`);
  writeFileSync(path, jsYaml.dump(spec, { lineWidth: -1 }));
  writeFileSync(join(pkg, 'fleet', `${name}.lock.yaml`), readFileSync(join(pkg, 'fleet', 'fleet.lock.yaml')));
  return path;
}

describe('the parallel renderer', () => {
  it('is available from compiled JavaScript and renders a mid-size fleet on workers, byte for byte as buildBundle', async () => {
    expect(compiled.parallelAvailable()).toBe(true);
    const v = await api.validateSpecFile(specPath);
    expect(v.model).toBeDefined();
    const reference = compiled.buildBundle(v.model!);
    // The build's precompiled templates render what the sources' compiled-at-run-time ones do.
    expect(compiled.precompiledTemplatesLoaded()).toBe(true);
    expect(precompiledTemplatesLoaded()).toBe(false);
    expect(differences(buildBundle(v.model!).bundle, reference.bundle)).toEqual([]);
    const parallel = await compiled.buildBundleParallel(v.model!, { workers: 2 });
    // The workers really ran: their files come back as bytes.
    expect(typeof parallel.bundle.get('vms/team-0/app-0/aws-prod/bootstrap.sh')!.content).not.toBe('string');
    expect(parallel.bundle.has('vms/team-0/app-0/aws-prod/user-data.yaml')).toBe(false);
    expect([...bytes(parallel.bundle.get('vms/team-0/app-0/aws-prod/user-data.yaml.gz')!.content).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(reference.bundle.size).toBeGreaterThan(WORKLOADS * 4 * 10);
    expect(differences(reference.bundle, parallel.bundle)).toEqual([]);
    expect(reference.diagnostics.filter((d) => d.code === 'PAYLOAD_GZIP_REQUIRED')).toHaveLength(WORKLOADS);
    expect(parallel.diagnostics).toEqual(reference.diagnostics);
  }, 300_000);

  it('renders the same bytes with 3 workers and with chunk boundaries that split workloads', async () => {
    const v = await api.validateSpecFile(specPath);
    const reference = compiled.buildBundle(v.model!);
    const parallel = await compiled.buildBundleParallel(v.model!, { workers: 3, minVms: 1 });
    expect(differences(reference.bundle, parallel.bundle)).toEqual([]);
    expect(parallel.diagnostics).toEqual(reference.diagnostics);
  }, 300_000);

  it('finds a secret in a workload name filled into a family template, as buildBundle finds it', async () => {
    // DNS labels that are also tokens the scanner refuses: the template held placeholders, so the
    // workers find these near the slots (security/template-scan.ts), not in the template's text.
    const path = await writeRenamedSpec('token-names', { 7: `glpat-${'a'.repeat(20)}`, 8: 'xoxb-0123456789ab', 9: 'plain-name-nine' });
    const v = await api.validateSpecFile(path);
    expect(v.model).toBeDefined();
    const reference = compiled.buildBundle(v.model!);
    const parallel = await compiled.buildBundleParallel(v.model!, { workers: 2 });
    expect(differences(reference.bundle, parallel.bundle)).toEqual([]);
    expect(parallel.diagnostics).toEqual(reference.diagnostics);
    const secrets = reference.diagnostics.filter((d) => d.code === 'BUNDLE_SECRET');
    expect(secrets.some((d) => d.message.includes('GitLab')), JSON.stringify(secrets.slice(0, 2))).toBe(true);
    expect(secrets.some((d) => d.message.includes('Slack'))).toBe(true);
  }, 300_000);

  it('renders every golden case (both flavors, every delivery, their findings) the same on workers', async () => {
    for (const name of goldenCases()) {
      const model = await goldenModel(name);
      const reference = compiled.buildBundle(model);
      const parallel = await compiled.buildBundleParallel(model, { workers: 2, minVms: 1 });
      expect(differences(reference.bundle, parallel.bundle), name).toEqual([]);
      expect(parallel.diagnostics, name).toEqual(reference.diagnostics);
      // Streamed (render -o): the sink's files plus the in-memory MANIFEST.json are the same bundle.
      const sunk = new Map<string, { content: Uint8Array; mode: 0o755 | 0o644 | 0o600; source: string }>();
      const streamed = await compiled.buildBundleParallel(model, { workers: 2, minVms: 1, sink: { write: (path, content, mode) => void sunk.set(path, { content: Buffer.from(content), mode, source: '' }) } });
      for (const [path, f] of streamed.written ?? []) sunk.get(path)!.source = f.source;
      const whole = new Map([...sunk, ...streamed.bundle].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(differences(reference.bundle, whole), `${name} streamed`).toEqual([]);
      expect(streamed.diagnostics, `${name} streamed`).toEqual(reference.diagnostics);
    }
  }, 300_000);

  it('rejects, like buildBundle throws, when a translator fails in a worker', async () => {
    const v = await api.validateSpecFile(specPath);
    // Two workloads of one namespace and name: both render vms/team-1/app-1/..., a translator bug buildBundle reports by throwing.
    const model = structuredClone(v.model!);
    model.workloads[2] = { ...model.workloads[2]!, name: model.workloads[1]!.name, namespace: model.workloads[1]!.namespace };
    expect(() => compiled.buildBundle(model)).toThrow(/duplicate bundle path/);
    await expect(compiled.buildBundleParallel(model, { workers: 2 })).rejects.toThrow(/duplicate bundle path/);
  }, 300_000);

  it('rejects with a clear error, and writes nothing more, when the end worker runs out of its heap', async () => {
    const v = await api.validateSpecFile(specPath);
    const written: string[] = [];
    const sink = { write: (path: string) => void written.push(path) };
    // 8 MB holds neither the worker's modules and model nor the cluster values and READMEs of 240
    // VMs. (Not much less: under Node 24 an isolate whose heap cannot hold its own start-up snapshot,
    // 2 MB, aborts the whole process instead of failing the worker.)
    await expect(compiled.buildBundleParallel(v.model!, { workers: 2, sink: sink as never, endWorkerHeapMb: 8 })).rejects.toThrow(/ran out of its 8 MB heap/);
    // The VM files streamed; of the end worker's files (cluster/, the READMEs) none or only whole batches did.
    expect(written.some((p) => p.startsWith('vms/'))).toBe(true);
    expect(written).not.toContain('README.md');
  }, 300_000);

  it('is what `vmonboard render` writes for a fleet', async () => {
    const v = await api.validateSpecFile(specPath);
    const reference = compiled.buildBundle(v.model!);
    const out = join(pkg, 'out');
    const r = spawnSync(process.execPath, [join(pkg, 'dist/src/cli/main.js'), 'render', specPath, '-o', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const written = new Map<string, Buffer>();
    const walk = (d: string): void => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else written.set(relative(out, p), readFileSync(p));
      }
    };
    walk(out);
    expect([...written.keys()].sort()).toEqual([...reference.bundle.keys()]);
    for (const [path, f] of reference.bundle) {
      expect(written.get(path)!.equals(bytes(f.content)), path).toBe(true);
      expect(statSync(join(out, path)).mode & 0o777, path).toBe(f.mode);
    }
  }, 300_000);

  it('streams a fleet into a sink: every file goes there once with its bytes and mode, only MANIFEST.json stays in memory', async () => {
    const v = await api.validateSpecFile(specPath);
    const reference = compiled.buildBundle(v.model!);
    const sunk = new Map<string, { content: Buffer; mode: number }>();
    const sink = {
      write(path: string, content: Uint8Array, mode: number): void {
        expect(sunk.has(path), path).toBe(false);
        sunk.set(path, { content: Buffer.from(content), mode });
      },
    };
    const streamed = await compiled.buildBundleParallel(v.model!, { workers: 2, sink: sink as never });
    // Every file but MANIFEST.json went to the sink (the workers' VM files and the main thread's
    // cluster values, offboarding scripts and READMEs), byte for byte and mode for mode.
    const paths = [...reference.bundle.keys()].filter((p) => p !== 'MANIFEST.json');
    expect([...sunk.keys()].sort()).toEqual(paths);
    for (const p of paths) {
      expect(sunk.get(p)!.content.equals(bytes(reference.bundle.get(p)!.content)), p).toBe(true);
      expect(sunk.get(p)!.mode, p).toBe(reference.bundle.get(p)!.mode);
    }
    expect([...streamed.written!.keys()].sort()).toEqual(paths);
    // Only MANIFEST.json stays in memory, the same bytes as buildBundle's; so are the findings.
    expect([...streamed.bundle.keys()]).toEqual(['MANIFEST.json']);
    expect(bytes(streamed.bundle.get('MANIFEST.json')!.content).equals(bytes(reference.bundle.get('MANIFEST.json')!.content))).toBe(true);
    expect(streamed.diagnostics).toEqual(reference.diagnostics);
  }, 300_000);

  it('streams a secret into the temp tree only: the render fails with BUNDLE_SECRET and -o keeps its old bundle, with no temp tree left', async () => {
    const out = join(pkg, 'out-secret');
    const cli = (spec: string): ReturnType<typeof spawnSync> => spawnSync(process.execPath, [join(pkg, 'dist/src/cli/main.js'), 'render', spec, '-o', out], { encoding: 'utf8' });
    expect(cli(specPath).status).toBe(0);
    const before = readFileSync(join(out, 'MANIFEST.json'), 'utf8');
    const r = cli(await writeSecretSpec('secret'));
    expect(r.status, String(r.stderr)).toBe(1);
    expect(String(r.stderr)).toMatch(/BUNDLE_SECRET/);
    expect(readFileSync(join(out, 'MANIFEST.json'), 'utf8')).toBe(before);
    expect(readdirSync(pkg).filter((e) => e.startsWith('out-secret.'))).toEqual([]);
  }, 300_000);
});

describe('render --archive of a fleet (streamed through a scratch tree beside the archive)', () => {
  it.each(['tar.gz', 'zip'] as const)('writes the %s archive of the in-memory bundle, byte for byte, and leaves no scratch tree', async (format) => {
    const v = await api.validateSpecFile(specPath);
    const reference = compiled.buildBundle(v.model!);
    const { buildBundleArchive } = (await import(pathToFileURL(join(pkg, 'dist/src/bundle/archive.js')).href)) as { buildBundleArchive(b: Bundle, f: string): Promise<Buffer> };
    const dir = mkdtempSync(join(pkg, 'archive-'));
    const file = join(dir, `bundle.${format}`);
    const r = spawnSync(process.execPath, [join(pkg, 'dist/src/cli/main.js'), 'render', specPath, '--archive', file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`(${reference.bundle.size} files,`);
    expect(readFileSync(file).equals(await buildBundleArchive(reference.bundle, format))).toBe(true);
    expect(readdirSync(dir)).toEqual([`bundle.${format}`]);
    // To stdout, the scratch tree goes to the temp directory (TMPDIR), and is removed too.
    const tmp = mkdtempSync(join(pkg, 'tmp-'));
    const out = spawnSync(process.execPath, [join(pkg, 'dist/src/cli/main.js'), 'render', specPath, '--archive', '-', '--archive-format', format], { env: { ...process.env, TMPDIR: tmp }, maxBuffer: 1 << 30 });
    expect(out.status, String(out.stderr)).toBe(0);
    expect(out.stdout.equals(readFileSync(file))).toBe(true);
    // (Node 24 keeps its module compile cache there too: only the scratch tree's name counts.)
    expect(readdirSync(tmp).filter((e) => e.startsWith('.vmonboard-archive.files-'))).toEqual([]);
  }, 300_000);

  it.each(['tar.gz', 'zip'] as const)('with -o too, writes the directory and makes the %s archive from it, byte for byte, to a file or to stdout, leaving nothing beside', async (format) => {
    const v = await api.validateSpecFile(specPath);
    const reference = compiled.buildBundle(v.model!);
    const { buildBundleArchive } = (await import(pathToFileURL(join(pkg, 'dist/src/bundle/archive.js')).href)) as { buildBundleArchive(b: Bundle, f: string): Promise<Buffer> };
    const expected = await buildBundleArchive(reference.bundle, format);
    const dir = mkdtempSync(join(pkg, 'dir-archive-'));
    const cli = (...args: string[]): ReturnType<typeof spawnSync> => spawnSync(process.execPath, [join(pkg, 'dist/src/cli/main.js'), 'render', specPath, ...args], { maxBuffer: 1 << 30 });
    const toFile = cli('-o', join(dir, 'out'), '--archive', join(dir, `bundle.${format}`));
    expect(toFile.status, String(toFile.stderr)).toBe(0);
    expect(readFileSync(join(dir, `bundle.${format}`)).equals(expected)).toBe(true);
    expect(readFileSync(join(dir, 'out/MANIFEST.json')).equals(bytes(reference.bundle.get('MANIFEST.json')!.content))).toBe(true);
    // Again over the bundle it just wrote (the old one is swapped out), the archive to stdout.
    const toStdout = cli('-o', join(dir, 'out'), '--archive', '-', '--archive-format', format);
    expect(toStdout.status, String(toStdout.stderr)).toBe(0);
    expect(Buffer.from(toStdout.stdout as Buffer).equals(expected)).toBe(true);
    expect(String(toStdout.stderr)).toMatch(/^wrote \d+ files to /m);
    // No temp tree, old bundle, lock file or temp archive is left.
    expect(readdirSync(dir).sort()).toEqual([`bundle.${format}`, 'out']);
  }, 300_000);

  it('removes the scratch tree of --archive - when the reader goes away mid-archive (exit 0, as pipes.ts makes it)', () => {
    const tmp = mkdtempSync(join(pkg, 'tmp-epipe-'));
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${join(pkg, 'dist/src/cli/main.js')}" render "${specPath}" --archive - 2>/dev/null | head -c 4 | od -An -tx1; echo "status=\${PIPESTATUS[0]}"`], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: tmp },
    });
    expect(r.stdout).toMatch(/^ 1f 8b 08 00\nstatus=0\n$/);
    expect(readdirSync(tmp).filter((e) => e.startsWith('.vmonboard-archive.files-'))).toEqual([]);
  }, 300_000);

  it('writes no archive and leaves no scratch tree when a secret fails the render', async () => {
    const secretSpec = await writeSecretSpec('archive-secret');
    const dir = mkdtempSync(join(pkg, 'archive-secret-'));
    const r = spawnSync(process.execPath, [join(pkg, 'dist/src/cli/main.js'), 'render', secretSpec, '--archive', join(dir, 'bundle.tar.gz')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/BUNDLE_SECRET/);
    expect(readdirSync(dir)).toEqual([]);
  }, 300_000);

  it('removes the scratch tree when interrupted (SIGTERM) and ends as the signal would', async () => {
    const dir = mkdtempSync(join(pkg, 'archive-killed-'));
    const child = spawn(process.execPath, [join(pkg, 'dist/src/cli/main.js'), 'render', specPath, '--archive', join(dir, 'bundle.tar.gz')], { stdio: 'ignore' });
    // Wait until the scratch tree holds files (the render is streaming), then interrupt it.
    const deadline = Date.now() + 120_000;
    const scratchFiles = (): number => {
      const s = readdirSync(dir).find((e) => e.startsWith('.bundle.tar.gz.files-'));
      return s ? readdirSync(join(dir, s), { recursive: true }).length : 0;
    };
    while (scratchFiles() < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(scratchFiles()).toBeGreaterThanOrEqual(50);
    child.kill('SIGTERM');
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    expect(readdirSync(dir)).toEqual([]);
  }, 300_000);
});

describe('listing the committed bundle on a worker thread (render --check, list-tree-background.ts)', () => {
  it('gives exactly listTree\'s listing, over several messages, and listTree\'s answer for a directory that is not there', async () => {
    const { listTreeInBackground } = (await import(pathToFileURL(join(pkg, 'dist/src/bundle/list-tree-background.js')).href)) as typeof import('../../src/bundle/list-tree-background.js');
    const { listTree } = (await import(pathToFileURL(join(pkg, 'dist/src/bundle/read-dir.js')).href)) as typeof import('../../src/bundle/read-dir.js');
    const dir = mkdtempSync(join(pkg, 'listed-'));
    // More than a megabyte of listing (list-tree-worker.ts posts a megabyte at a time).
    const long = 'x'.repeat(180);
    for (let d = 0; d < 60; d++) {
      mkdirSync(join(dir, `vms/w${d}`), { recursive: true });
      for (let f = 0; f < 110; f++) writeFileSync(join(dir, `vms/w${d}/${long}-${f}.sh`), '');
    }
    writeFileSync(join(dir, 'vms/ünïcode ✓'), '');
    symlinkSync('vms', join(dir, 'link'));
    const listing = listTreeInBackground(dir);
    const listed = await listing.result();
    expect(listing.madeOnWorker).toBe(true);
    expect(listed.size).toBe(60 * 110 + 2);
    expect([...listed]).toEqual([...listTree(dir)]);
    const missing = listTreeInBackground(join(dir, 'not-there'));
    expect((await missing.result()).size).toBe(0);
    expect(missing.madeOnWorker).toBe(false);
  }, 120_000);
});

describe('render --check of a fleet (streamed: each file compared as it is rendered)', () => {
  it('reports the drift, JSON and all, exactly as the in-memory check of the whole bundle does', async () => {
    const out = join(pkg, 'out-check');
    const cli = (...args: string[]): ReturnType<typeof spawnSync> => spawnSync(process.execPath, [join(pkg, 'dist/src/cli/main.js'), 'render', ...args], { encoding: 'utf8' });
    expect(cli(specPath, '-o', out).status).toBe(0);
    const upToDate = cli('--check', specPath, '-o', out);
    expect(upToDate.status, String(upToDate.stderr)).toBe(0);
    expect(String(upToDate.stderr)).toMatch(/is up to date \(\d+ files\)/);
    // A changed VM script, a lost executable bit, a deleted cluster file, a listed file that is
    // no longer rendered, and a user's own file (not drift).
    writeFileSync(join(out, 'vms/team-3/app-3/aws-prod/bootstrap.sh'), 'echo tampered\n', { mode: 0o755 });
    chmodSync(join(out, 'vms/team-7/app-7/dc1/install.sh'), 0o644);
    rmSync(join(out, 'cluster/README.md'));
    const manifest = JSON.parse(readFileSync(join(out, 'MANIFEST.json'), 'utf8')) as { files: Record<string, unknown> };
    manifest.files['vms/team-0/app-0/aws-prod/gone.txt'] = { sha256: '0'.repeat(64), mode: '0644', source: '' };
    writeFileSync(join(out, 'MANIFEST.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(join(out, 'vms/team-0/app-0/aws-prod/gone.txt'), 'old\n');
    writeFileSync(join(out, 'kustomization.yaml'), 'resources: []\n');
    const r = cli('--check', '--format', 'json', specPath, '-o', out);
    expect(r.status, String(r.stderr)).toBe(4);
    const { compareBundleWithDir, formatDriftJson } = (await import(pathToFileURL(join(pkg, 'dist/src/bundle/check.js')).href)) as typeof import('../../src/bundle/check.js');
    const v = await api.validateSpecFile(specPath);
    const expected = formatDriftJson(compareBundleWithDir(compiled.buildBundle(v.model!).bundle, out, { unified: true }), out);
    expect(String(r.stdout)).toBe(expected);
    const drift = JSON.parse(String(r.stdout)) as { added: Array<{ path: string }>; removed: Array<{ path: string }>; changed: Array<{ path: string }> };
    expect(drift.added.map((x) => x.path)).toEqual(['cluster/README.md']);
    expect(drift.removed.map((x) => x.path)).toEqual(['vms/team-0/app-0/aws-prod/gone.txt']);
    expect(drift.changed.map((x) => x.path)).toEqual(['MANIFEST.json', 'vms/team-3/app-3/aws-prod/bootstrap.sh', 'vms/team-7/app-7/dc1/install.sh']);
  }, 300_000);
});

describe('from the TypeScript sources', () => {
  it('finds no worker entry and builds on the main thread, as buildBundle', async () => {
    expect(parallelAvailable()).toBe(false);
    const v = await api.validateSpecFile(specPath);
    const r = await buildBundleParallel(v.model!, { workers: 2, minVms: 1 });
    expect(typeof r.bundle.get('vms/team-0/app-0/aws-prod/bootstrap.sh')!.content).toBe('string');
    expect(differences(buildBundle(v.model!).bundle, r.bundle)).toEqual([]);
  }, 300_000);
});
