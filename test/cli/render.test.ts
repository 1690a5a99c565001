/**
 * `vmonboard render` writing behaviour (issue 6 §1–§3): the whole bundle, deterministic and
 * atomic, refusing foreign directories; `--check` for CI (0 fresh, 4 after one changed byte,
 * 1 still "invalid spec"); archives to a file or stdout with equal sha256 across runs.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTree } from '../../src/bundle/read-dir.js';
import { MANIFEST_FILE, parseManifest } from '../../src/bundle/manifest.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { runInProcess } from './cli-io.js';
import { runBinary } from './binary-io.js';

const SPEC = join(PROJECT_ROOT, 'examples/quickstart.yaml');
const INVALID = join(PROJECT_ROOT, 'test/fixtures/invalid/schema-unknown-key.yaml');
const scratch = mkdtempSync(join(tmpdir(), 'vmonboard-render-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const out = (): string => join(scratch, `out-${++n}`);
const snapshot = (dir: string): string[] => [...readTree(dir)].map(([p, e]) => `${p} ${e.mode.toString(8)} ${createHash('sha256').update(e.content).digest('hex')}`);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('render -o', () => {
  it('writes the whole bundle with a manifest covering every file, data-free stdout', async () => {
    const dir = out();
    const r = await runInProcess(['render', SPEC, '-o', dir]);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toMatch(/^wrote \d+ files to /m);
    const tree = readTree(dir);
    expect(tree.has('README.md')).toBe(true);
    const m = parseManifest(tree.get(MANIFEST_FILE)!.content.toString('utf8'))!;
    expect(Object.keys(m.files)).toEqual([...tree.keys()].filter((p) => p !== MANIFEST_FILE));
  });

  it('gives identical trees on two renders', async () => {
    const a = out();
    const b = out();
    expect((await runInProcess(['render', SPEC, '-o', a])).code).toBe(0);
    expect((await runInProcess(['render', SPEC, '-o', b])).code).toBe(0);
    expect(snapshot(b)).toEqual(snapshot(a));
    expect((await runInProcess(['render', SPEC, '-o', a])).code).toBe(0); // over itself
    expect(snapshot(a)).toEqual(snapshot(b));
    expect(readdirSync(scratch).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
  });

  it('refuses a directory that is not a bundle (exit 2) unless --force', async () => {
    const dir = out();
    mkdirSync(dir);
    writeFileSync(join(dir, 'precious.txt'), 'keep me\n');
    const r = await runInProcess(['render', SPEC, '-o', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not empty and is not a vmonboard bundle .*pass --force to replace it/);
    expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep me\n');
    expect((await runInProcess(['render', SPEC, '-o', dir, '--force'])).code).toBe(0);
    expect(existsSync(join(dir, 'precious.txt'))).toBe(false);
  });

  it('writes nothing for an invalid spec (exit 1)', async () => {
    const dir = out();
    const r = await runInProcess(['render', INVALID, '-o', dir, '--files-dir', join(PROJECT_ROOT, 'test/fixtures/invalid/files')]);
    expect(r.code).toBe(1);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('render --check', () => {
  it('exits 0 on a fresh render and 4 after one changed byte, naming the file', async () => {
    const dir = out();
    await runInProcess(['render', SPEC, '-o', dir]);
    const ok = await runInProcess(['render', '--check', SPEC, '-o', dir]);
    expect(ok).toMatchObject({ code: 0, stdout: '' });
    expect(ok.stderr).toMatch(/is up to date \(\d+ files\)/);
    const readme = join(dir, 'README.md');
    const text = readFileSync(readme, 'utf8');
    writeFileSync(readme, text.replace('# quickstart:', '# quickstarT:'));
    const before = snapshot(dir);
    const drift = await runInProcess(['render', '--check', SPEC, '-o', dir]);
    expect(drift.code).toBe(4);
    expect(drift.stdout).toBe('');
    expect(drift.stderr).toContain('is out of date: 1 file differs from what the spec renders');
    expect(drift.stderr).toContain('  changed: README.md\n');
    expect(drift.stderr).toContain('      -# quickstarT: VM onboarding bundle\n');
    expect(drift.stderr).toContain('      +# quickstart: VM onboarding bundle\n');
    expect(snapshot(dir)).toEqual(before); // --check writes nothing
  });

  it('exits 4 for a missing bundle directory, saying it does not exist, and creates nothing', async () => {
    const dir = out();
    const r = await runInProcess(['render', '--check', SPEC, '-o', dir]);
    expect(r.code).toBe(4);
    // The quickstart's lock is a labelled sample (issue 15 §12), so its LOCK_SAMPLE_PINS warning (and its
    // deliberate tag-only selector) come first.
    expect(r.stderr.endsWith(`\n${dir} does not exist: there is no bundle to compare with; render it with \`vmonboard render ${SPEC} -o ${dir}\` and commit it\n`)).toBe(true);
    expect(r.stderr.replace(/^warning\[LOCK_SAMPLE_PINS\][\s\S]*?\n0 errors, \d+ warnings?\n/, '')).toBe(`${dir} does not exist: there is no bundle to compare with; render it with \`vmonboard render ${SPEC} -o ${dir}\` and commit it\n`);
    expect(existsSync(dir)).toBe(false);
  });

  it('keeps exit 1 for an invalid spec', async () => {
    const r = await runInProcess(['render', '--check', INVALID, '-o', out(), '--files-dir', join(PROJECT_ROOT, 'test/fixtures/invalid/files')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[SCHEMA_UNKNOWN_KEY\]/);
  });
});

describe('render --archive', () => {
  it.each(['tar.gz', 'zip'])('writes %s archives with equal sha256 on two runs, and the same bytes to stdout with -', async (format) => {
    const a = join(scratch, `a-${format}.${format}`);
    const b = join(scratch, `b-${format}.${format}`);
    expect((await runInProcess(['render', SPEC, '--archive', a])).code).toBe(0);
    expect((await runInProcess(['render', SPEC, '--archive', b])).code).toBe(0);
    expect(sha(readFileSync(b))).toBe(sha(readFileSync(a)));
    const piped = await runBinary(['render', SPEC, '--archive', '-', '--archive-format', format]);
    expect(piped.code).toBe(0);
    expect(sha(piped.stdout)).toBe(sha(readFileSync(a)));
    expect(piped.stderr).not.toMatch(/^wrote /m); // findings may go to stderr; the archive only to stdout
  });

  it('rejects ambiguous or contradictory options with exit 2', async () => {
    expect((await runInProcess(['render', SPEC])).stderr).toMatch(/render needs -o <dir> or --archive <file>/);
    expect((await runInProcess(['render', SPEC, '--archive', join(scratch, 'x.tar')])).code).toBe(2);
    expect((await runInProcess(['render', '--check', SPEC, '-o', out(), '--archive', join(scratch, 'y.zip')])).code).toBe(2);
    expect((await runInProcess(['render', SPEC, '--archive', '-', '--format', 'json'])).code).toBe(2);
  });

  it('refuses an archive in a directory that does not exist before it renders (exit 1), writing nothing, -o included', async () => {
    const dir = out();
    const r = await runInProcess(['render', SPEC, '-o', dir, '--archive', join(scratch, 'no-such-dir', 'b.tar.gz')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: could not write the archive .*no-such-dir\/b\.tar\.gz: its directory .*no-such-dir does not exist; create it first\nNothing was written\.$/m);
    expect(r.stderr).not.toMatch(/^wrote /m);
    expect(existsSync(dir)).toBe(false);
  });

  it('reports an archive it could not write (exit 1) without a stack, and says what was written', async () => {
    // A directory where the archive should go: the rename over it fails (EISDIR), even for root.
    const parent = mkdtempSync(join(scratch, 'archive-blocked-'));
    mkdirSync(join(parent, 'b.tar.gz'));
    writeFileSync(join(parent, 'b.tar.gz', 'mine.txt'), 'a user file\n');
    const alone = await runInProcess(['render', SPEC, '--archive', join(parent, 'b.tar.gz')]);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toMatch(/^error: could not write the archive .*b\.tar\.gz: EISDIR.*\nNothing was written\.$/m);
    const dir = out();
    const withDir = await runInProcess(['render', SPEC, '-o', dir, '--archive', join(parent, 'b.tar.gz')]);
    expect(withDir.code).toBe(1);
    expect(withDir.stderr).toContain(`${dir} was written; only the archive is missing.`);
    expect(withDir.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'MANIFEST.json'))).toBe(true);
    // The user's directory is as it was, and no temp file is left beside it.
    expect(readdirSync(parent)).toEqual(['b.tar.gz']);
    expect(readdirSync(join(parent, 'b.tar.gz'))).toEqual(['mine.txt']);
  });
});
