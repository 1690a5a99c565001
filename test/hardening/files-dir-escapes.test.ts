/**
 * Local files the spec references resolve only under --files-dir, checked against a real
 * directory on disk: `../` paths, absolute paths and symlinks whose target leaves the directory
 * are FILE_ESCAPES_FILES_DIR, located at the field, and nothing outside is read. A symlink that
 * stays inside is fine, so the check is about where a path leads, not about symlinks as such.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesDirSource } from '../../src/spec/files.js';
import { validateSpec } from '../../src/spec/validate-spec.js';
import { baseSpec } from '../spec/spec-builder.js';
import { HOSTILE_FILES } from './hostile-spec.js';

let top: string;
let filesDir: string;

beforeAll(() => {
  // top/files is the files-dir; top/outside.pem is a valid certificate just outside it, so only
  // the escape check (not a missing or invalid file) can refuse it.
  top = mkdtempSync(join(tmpdir(), 'vmonboard-files-dir-'));
  filesDir = join(top, 'files');
  mkdirSync(join(filesDir, 'sub'), { recursive: true });
  const cert = HOSTILE_FILES['mesh-root-ca.pem']!;
  for (const f of ['root.pem', 'bundle.pem', 'hosts-ca.pem']) writeFileSync(join(filesDir, f), cert);
  writeFileSync(join(top, 'outside.pem'), cert);
  symlinkSync(join(top, 'outside.pem'), join(filesDir, 'abs-link.pem'));
  symlinkSync('../outside.pem', join(filesDir, 'rel-link.pem'));
  symlinkSync('../..', join(filesDir, 'sub', 'up'));
  symlinkSync('root.pem', join(filesDir, 'inside-link.pem'));
});

afterAll(() => rmSync(top, { recursive: true, force: true }));

/** Validates the base spec with meshRootCA.file set to `file`, against the real files-dir. */
function withRootCA(file: string): { codes: Array<[string, string]>; ok: boolean } {
  const spec = baseSpec();
  spec.trust.meshRootCA = { file };
  const r = validateSpec({ text: jsYaml.dump(spec), file: 'spec.yaml', lockFile: 'spec.lock.yaml', files: filesDirSource(filesDir), ignoreLock: true });
  return { codes: r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.pointer]), ok: r.model !== undefined };
}

const ESCAPE: Array<[string, string]> = [['FILE_ESCAPES_FILES_DIR', '/trust/meshRootCA/file']];

describe('the files-dir sandbox, on a real directory', () => {
  it('refuses ../ paths, even ones that would come back inside', () => {
    expect(withRootCA('../outside.pem').codes).toEqual(ESCAPE);
    expect(withRootCA('sub/../../outside.pem').codes).toEqual(ESCAPE);
    expect(withRootCA('sub/../root.pem').codes).toEqual(ESCAPE);
  });

  it('refuses absolute paths, even to a file inside the files-dir', () => {
    expect(withRootCA(join(top, 'outside.pem')).codes).toEqual(ESCAPE);
    expect(withRootCA(join(filesDir, 'root.pem')).codes).toEqual(ESCAPE);
    expect(withRootCA('/etc/passwd').codes).toEqual(ESCAPE);
  });

  it('refuses symlinks that leave it: absolute target, relative target, a linked directory', () => {
    expect(withRootCA('abs-link.pem').codes).toEqual(ESCAPE);
    expect(withRootCA('rel-link.pem').codes).toEqual(ESCAPE);
    expect(withRootCA('sub/up/outside.pem').codes).toEqual(ESCAPE);
  });

  it('accepts a plain file and a symlink that stays inside (the check can pass)', () => {
    expect(withRootCA('root.pem')).toEqual({ codes: [], ok: true });
    expect(withRootCA('inside-link.pem')).toEqual({ codes: [], ok: true });
    // The file outside is a real, valid certificate: only the sandbox kept it out.
    expect(readFileSync(join(top, 'outside.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
  });
});
