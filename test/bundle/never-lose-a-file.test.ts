/**
 * Issue 15 §1, §2, §4: the repros of a red-team review, kept as regressions. `render -o . --force`
 * once deleted the spec, its lock and files/; a re-render deleted every file vmonboard had not
 * written (.git included); `--archive` and lock files followed a symlink planted at their
 * predictable temp name.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MANIFEST_API_VERSION } from '../../src/bundle/manifest.js';
import { writeFileAtomic, writeFileAtomicFrom, writeNewFile } from '../../src/bundle/safe-file.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { runInProcess } from '../cli/cli-io.js';
import { killWriterAt } from './kill-writer.js';
import { recoverBundleDir } from '../../src/bundle/recover.js';
import { sampleBundle } from './sample-bundle.js';
import { writeBundleToDir } from '../../src/bundle/write-dir.js';

const scratch = mkdtempSync(join(tmpdir(), 'vmonboard-never-lose-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const cwd = process.cwd();
const home = process.env.HOME;
afterEach(() => {
  process.chdir(cwd);
  process.env.HOME = home;
});

/** A working directory as a new user has it: the quickstart spec, its lock, files/ and a tfstate. */
function workspace(): string {
  const w = join(scratch, `ws-${++n}`);
  mkdirSync(w);
  for (const f of ['quickstart.yaml', 'quickstart.lock.yaml', 'files']) cpSync(join(PROJECT_ROOT, 'examples', f), join(w, f), { recursive: true });
  writeFileSync(join(w, 'terraform.tfstate'), '{"version": 4}\n');
  return w;
}
const listing = (d: string): string[] => readdirSync(d, { recursive: true, encoding: 'utf8' }).sort();

describe('§1 --force never replaces the spec, its inputs, the current directory, $HOME or /', () => {
  it('render quickstart.yaml -o . --force from the spec directory: refused, located, nothing lost', async () => {
    const w = workspace();
    const before = listing(w);
    process.chdir(w);
    const r = await runInProcess(['render', 'quickstart.yaml', '-o', '.', '--force']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: refusing to replace -o \.: it contains the spec \(quickstart\.yaml\), which --force would delete; .*-o bundle/m);
    expect(listing(w)).toEqual(before);
  });

  it.each([
    ['the spec directory (absolute)', (w: string) => ['render', join(w, 'quickstart.yaml'), '-o', w, '--force'], /it contains the spec/],
    ['--files-dir itself', (w: string) => {
      cpSync(join(w, 'files'), join(w, 'inputs', 'files'), { recursive: true });
      return ['render', join(w, 'quickstart.yaml'), '--files-dir', join(w, 'inputs'), '-o', join(w, 'inputs'), '--force'];
    }, /it is --files-dir/],
    ['a directory holding the --lock file', (w: string) => {
      mkdirSync(join(w, 'locks'));
      cpSync(join(w, 'quickstart.lock.yaml'), join(w, 'locks', 'q.lock.yaml'));
      return ['render', join(w, 'quickstart.yaml'), '--lock', join(w, 'locks', 'q.lock.yaml'), '-o', join(w, 'locks'), '--force'];
    }, /it contains the lock file/],
    ['a symlink to the spec directory', (w: string) => {
      symlinkSync(w, join(scratch, `link-${n}`));
      return ['render', join(w, 'quickstart.yaml'), '-o', join(scratch, `link-${n}`), '--force'];
    }, /not a directory|contains the spec/],
  ])('%s: refused', async (_name, args, message) => {
    const w = workspace();
    const argv = args(w);
    const before = listing(w);
    const r = await runInProcess(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(listing(w)).toEqual(before);
  });

  it('the current directory, $HOME and / are refused even when they hold none of the inputs', async () => {
    const w = workspace();
    const elsewhere = join(scratch, `cwd-${n}`);
    mkdirSync(join(elsewhere, 'home', 'alice'), { recursive: true });
    writeFileSync(join(elsewhere, 'home', 'alice', '.bashrc'), 'x\n');
    process.chdir(elsewhere);
    process.env.HOME = join(elsewhere, 'home', 'alice');
    const spec = join(w, 'quickstart.yaml');
    let r = await runInProcess(['render', spec, '-o', '.', '--force']);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/it is the current directory/)]);
    r = await runInProcess(['render', spec, '-o', join(elsewhere, 'home', 'alice'), '--force']);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/it is \$HOME/)]);
    process.chdir(w);
    r = await runInProcess(['render', spec, '-o', join(elsewhere, 'home'), '--force']);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/it contains \$HOME/)]);
    r = await runInProcess(['render', spec, '-o', '/', '--force']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to replace -o \/: it (contains|is)/);
    expect(readFileSync(join(elsewhere, 'home', 'alice', '.bashrc'), 'utf8')).toBe('x\n');
  });

  it('--force still replaces a directory that is not a bundle and holds none of them', async () => {
    const w = workspace();
    mkdirSync(join(w, 'old-output'));
    writeFileSync(join(w, 'old-output', 'stale.txt'), 'x');
    const r = await runInProcess(['render', join(w, 'quickstart.yaml'), '-o', join(w, 'old-output'), '--force']);
    expect(r.code).toBe(0);
    expect(existsSync(join(w, 'old-output', 'stale.txt'))).toBe(false);
    expect(existsSync(join(w, 'old-output', 'MANIFEST.json'))).toBe(true);
  });
});

describe('§2 a re-render replaces exactly the files the previous MANIFEST.json lists', () => {
  it('keeps kustomization.yaml, a .git repository and a note inside a VM directory; --check ignores them', async () => {
    const w = workspace();
    const out = join(w, 'out');
    const spec = join(w, 'quickstart.yaml');
    expect((await runInProcess(['render', spec, '-o', out])).code).toBe(0);
    writeFileSync(join(out, 'kustomization.yaml'), 'resources: []\n');
    execFileSync('git', ['init', '-q', out]);
    execFileSync('git', ['-C', out, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'add', '-A']);
    execFileSync('git', ['-C', out, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qm', 'bundle']);
    const vmDir = readdirSync(join(out, 'vms'))[0]!;
    writeFileSync(join(out, 'vms', vmDir, 'NOTES.md'), 'ours\n');
    const r = await runInProcess(['render', spec, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^note: kept 3 entries in ${out.replace(/[/.]/g, '\\$&')} that vmonboard did not write: \\.git, kustomization\\.yaml, vms/${vmDir}/NOTES\\.md$`, 'm'));
    expect(readFileSync(join(out, 'kustomization.yaml'), 'utf8')).toBe('resources: []\n');
    expect(readFileSync(join(out, 'vms', vmDir, 'NOTES.md'), 'utf8')).toBe('ours\n');
    expect(execFileSync('git', ['-C', out, 'status', '--porcelain'], { encoding: 'utf8' })).toBe(`?? vms/${vmDir}/NOTES.md\n`); // the committed bundle, kustomization.yaml included, is intact
    const check = await runInProcess(['render', '--check', spec, '-o', out]);
    expect([check.code, check.stderr]).toEqual([0, expect.stringMatching(/is up to date/)]);
  });

  it('a directory with a hand-made vmonboard MANIFEST.json loses only the files it lists', async () => {
    const w = workspace();
    const out = join(w, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'MANIFEST.json'), JSON.stringify({ apiVersion: MANIFEST_API_VERSION, kind: 'BundleManifest', spec: 'x.yaml', files: {} }));
    writeFileSync(join(out, 'CODEOWNERS'), '* @team\n');
    const r = await runInProcess(['render', join(w, 'quickstart.yaml'), '-o', out]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'CODEOWNERS'), 'utf8')).toBe('* @team\n');
  });

  it('a kept file where the new bundle writes one stops the render and changes nothing', async () => {
    const w = workspace();
    const out = join(w, 'out');
    const spec = join(w, 'quickstart.yaml');
    const first = sampleBundle('v1');
    await writeBundleToDir(first, out);
    writeFileSync(join(out, 'EXTRA.md'), 'mine\n');
    await expect(writeBundleToDir(sampleBundle('v2', { 'EXTRA.md': 'bundle\n' }), out)).rejects.toThrow(/holds entries vmonboard did not write where the new bundle writes: EXTRA\.md \(the bundle now writes a file there\)/);
    expect(readFileSync(join(out, 'EXTRA.md'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('v1');
    expect(spec).toBeTruthy();
  });

  it('a run killed between its renames loses no kept file: recovery restores the old directory whole', async () => {
    const w = workspace();
    const out = join(w, 'out');
    await writeBundleToDir(sampleBundle('v1'), out);
    writeFileSync(join(out, 'kustomization.yaml'), 'resources: []\n');
    await killWriterAt(sampleBundle('v2'), out, 'rename-new');
    recoverBundleDir(out);
    expect(readFileSync(join(out, 'kustomization.yaml'), 'utf8')).toBe('resources: []\n');
    const r = await writeBundleToDir(sampleBundle('v3'), out);
    expect(r.kept).toEqual(['kustomization.yaml']);
    expect(readFileSync(join(out, 'kustomization.yaml'), 'utf8')).toBe('resources: []\n');
  });
});

describe('§4 single output files never follow a planted symlink', () => {
  it('render --archive: a symlink at the old predictable temp name is never written through', async () => {
    const w = workspace();
    const victim = join(w, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const archive = join(w, 'b.tar.gz');
    symlinkSync(victim, `${archive}.tmp-${process.pid}`);
    const r = await runInProcess(['render', join(w, 'quickstart.yaml'), '--archive', archive]);
    expect(r.code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(readFileSync(archive).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(readdirSync(w).filter((f) => f.includes('.tmp-'))).toEqual([`b.tar.gz.tmp-${process.pid}`]);
  });

  it('render --archive into a directory that does not exist: exit 1, naming the archive, and nothing made', async () => {
    const w = workspace();
    const before = listing(w);
    const r = await runInProcess(['render', join(w, 'quickstart.yaml'), '--archive', join(w, 'missing', 'b.tar.gz')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: could not write the archive ${join(w, 'missing', 'b.tar.gz')}: its directory ${join(w, 'missing')} does not exist; create it first`);
    expect(r.stderr).toContain('Nothing was written.');
    expect(listing(w)).toEqual(before);
  });

  it('writeNewFile refuses an existing name, a symlink or a dangling one, and writes nothing through it', async () => {
    const w = workspace();
    const victim = join(w, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(w, 'link'));
    symlinkSync(join(w, 'nowhere'), join(w, 'dangling'));
    await expect(writeNewFile(join(w, 'link'), 'x')).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(writeNewFile(join(w, 'dangling'), 'x')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(existsSync(join(w, 'nowhere'))).toBe(false);
  });

  it('writeFileAtomic replaces a symlink at the destination instead of writing into its target', async () => {
    const w = workspace();
    const victim = join(w, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(w, 'spec.lock.yaml'));
    await writeFileAtomic(join(w, 'spec.lock.yaml'), 'pins\n');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(readFileSync(join(w, 'spec.lock.yaml'), 'utf8')).toBe('pins\n');
  });

  it('writeFileAtomicFrom (a streamed archive) replaces a symlink at the destination, and on a failure leaves the destination and no temp file', async () => {
    const w = workspace();
    const victim = join(w, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(w, 'b.tar.gz'));
    await writeFileAtomicFrom(join(w, 'b.tar.gz'), async (write) => {
      for (const piece of ['one ', 'two ', 'three\n']) write(Buffer.from(piece));
    });
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(readFileSync(join(w, 'b.tar.gz'), 'utf8')).toBe('one two three\n');
    await expect(
      writeFileAtomicFrom(join(w, 'b.tar.gz'), async (write) => {
        write(Buffer.from('half an archive'));
        throw new Error('gzip failed');
      }),
    ).rejects.toThrow('gzip failed');
    expect(readFileSync(join(w, 'b.tar.gz'), 'utf8')).toBe('one two three\n');
    expect(readdirSync(w).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('init -o: a dangling symlink is refused without --force and replaced, not followed, with it', async () => {
    const w = workspace();
    symlinkSync(join(w, 'planted-target'), join(w, 'spec.yaml'));
    let r = await runInProcess(['init', '-o', join(w, 'spec.yaml')]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/already exists \(a symbolic link\)/)]);
    r = await runInProcess(['init', '-o', join(w, 'spec.yaml'), '--force']);
    expect(r.code).toBe(0);
    expect(existsSync(join(w, 'planted-target'))).toBe(false);
    expect(readFileSync(join(w, 'spec.yaml'), 'utf8')).toMatch(/^apiVersion|^#/m);
  });
});
