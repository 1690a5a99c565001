/**
 * Issue 15 §1, §2, §4 repros through the CLI and the writer that existed before the fix (no option,
 * message or module the fix added), so each fails on dad2466 for the bug itself: the spec, lock,
 * files/ and tfstate deleted by `render -o . --force`; kustomization.yaml, .git and CODEOWNERS
 * deleted by a re-render; a victim file overwritten through a symlink planted at the old
 * `<file>.tmp-<pid>` name or at `init -o`. test/bundle/never-lose-a-file.test.ts checks the
 * messages and the new API; docs/security.md states the promise.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/bundle/write-dir.js';
import { runInProcess } from '../cli/cli-io.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';

const scratch = mkdtempSync(join(tmpdir(), 'vmonboard-issue15-files-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const cwd = process.cwd();
afterEach(() => process.chdir(cwd));
let n = 0;

function workspace(): string {
  const w = join(scratch, `ws-${++n}`);
  mkdirSync(w);
  for (const f of ['quickstart.yaml', 'quickstart.lock.yaml', 'files']) cpSync(join(PROJECT_ROOT, 'examples', f), join(w, f), { recursive: true });
  writeFileSync(join(w, 'terraform.tfstate'), '{"version": 4}\n');
  return w;
}
const present = (w: string, names: string[]): Record<string, boolean> => Object.fromEntries(names.map((f) => [f, existsSync(join(w, f))]));
const INPUTS = ['quickstart.yaml', 'quickstart.lock.yaml', 'files/mesh-root-ca.pem', 'terraform.tfstate'];

describe('§1 render -o . --force from the spec directory', () => {
  it('keeps the spec, its lock, files/ and terraform.tfstate', async () => {
    const w = workspace();
    process.chdir(w);
    const r = await runInProcess(['render', 'quickstart.yaml', '-o', '.', '--force']);
    expect({ files: present(w, INPUTS), code: r.code, stderr: r.stderr }).toMatchObject({ files: Object.fromEntries(INPUTS.map((f) => [f, true])) });
  });
});

describe('§2 a re-render without --force', () => {
  it('keeps kustomization.yaml and a .git repository added to the bundle directory', async () => {
    const w = workspace();
    const out = join(w, 'out');
    const spec = join(w, 'quickstart.yaml');
    expect((await runInProcess(['render', spec, '-o', out])).code).toBe(0);
    writeFileSync(join(out, 'kustomization.yaml'), 'resources: []\n');
    execFileSync('git', ['init', '-q', out]);
    const r = await runInProcess(['render', spec, '-o', out]);
    expect({ code: r.code, kept: present(out, ['kustomization.yaml', '.git/HEAD']) }).toEqual({ code: 0, kept: { 'kustomization.yaml': true, '.git/HEAD': true } });
  });

  it('a directory holding a parseable MANIFEST.json keeps the files it does not list (CODEOWNERS)', async () => {
    const w = workspace();
    const out = join(w, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'MANIFEST.json'), JSON.stringify({ apiVersion: 'vmonboard.bundle/v1', kind: 'BundleManifest', spec: 'x.yaml', files: {} }));
    writeFileSync(join(out, 'CODEOWNERS'), '* @team\n');
    const r = await runInProcess(['render', join(w, 'quickstart.yaml'), '-o', out]);
    expect({ code: r.code, kept: present(out, ['CODEOWNERS']) }).toEqual({ code: 0, kept: { CODEOWNERS: true } });
  });
});

describe('§4 a symlink planted at a predictable temp name', () => {
  it('render --archive never writes through <archive>.tmp-<pid>', async () => {
    const w = workspace();
    const victim = join(w, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const archive = join(w, 'b.tar.gz');
    symlinkSync(victim, `${archive}.tmp-${process.pid}`);
    const r = await runInProcess(['render', join(w, 'quickstart.yaml'), '--archive', archive]);
    expect({ code: r.code, victim: readFileSync(victim, 'latin1').slice(0, 9), archiveIsLink: lstatSync(archive).isSymbolicLink() }).toEqual({ code: 0, victim: 'precious\n', archiveIsLink: false });
  });

  it('the lock-file writer (writeFileAtomic, what `vmonboard pin` calls) never writes through <lock>.tmp-<pid>', async () => {
    const w = workspace();
    const victim = join(w, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const lock = join(w, 'quickstart.lock.yaml');
    symlinkSync(victim, `${lock}.tmp-${process.pid}`);
    await writeFileAtomic(lock, 'pins\n');
    expect({ victim: readFileSync(victim, 'utf8'), lock: readFileSync(lock, 'utf8'), lockIsLink: lstatSync(lock).isSymbolicLink() }).toEqual({ victim: 'precious\n', lock: 'pins\n', lockIsLink: false });
  });

  it('init -o never writes through a dangling symlink', async () => {
    const w = workspace();
    symlinkSync(join(w, 'planted-target'), join(w, 'spec.yaml'));
    await runInProcess(['init', '-o', join(w, 'spec.yaml')]);
    expect(existsSync(join(w, 'planted-target'))).toBe(false);
  });
});
