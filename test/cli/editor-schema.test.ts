/**
 * The editor schema (issue 17 §4): the yaml-language-server modeline `vmonboard init` writes names
 * a file that exists and is the spec's JSON Schema. The language server resolves a relative
 * `$schema=` path against the YAML file's directory (redhat-developer/yaml-language-server README,
 * "modeline"); this test resolves it the same way, loads the file with ajv (draft-07, the
 * schema's dialect) and validates the starter spec with it.
 */
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import jsYaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from './cli-io.js';

const scratch = mkdtempSync(join(tmpdir(), 'vmonboard-editor-schema-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The schema file a spec's modeline names, resolved as the YAML language server does. */
function modelineTarget(specPath: string): string {
  const first = readFileSync(specPath, 'utf8').split('\n')[0]!;
  const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
  expect(m, first).not.toBeNull();
  expect(m![1]).not.toMatch(/^https?:/); // nothing serves vmonboard's schema on the web
  return resolve(dirname(specPath), m![1]!);
}

/** Loads the named file with ajv and validates the spec document with it. */
function validateWithNamedSchema(specPath: string): { valid: boolean; errors: unknown } {
  const schema = JSON.parse(readFileSync(modelineTarget(specPath), 'utf8'));
  const ajv = new Ajv.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  const valid = validate(jsYaml.load(readFileSync(specPath, 'utf8')));
  return { valid, errors: validate.errors };
}

describe('the yaml-language-server modeline', () => {
  it.each(['istio', 'gloo'])('init --flavor %s -o names a schema file it wrote beside the spec, which validates the spec', async (flavor) => {
    const dir = mkdtempSync(join(scratch, `${flavor}-`));
    const spec = join(dir, 'spec.yaml');
    const r = await runInProcess(['init', '--flavor', flavor, '-o', spec]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`and ${join(dir, 'vmonboard.schema.json')}`);
    expect(validateWithNamedSchema(spec)).toEqual({ valid: true, errors: null });
  });

  it('init > spec.yaml, then `vmonboard schema -o` as init suggests, gives the same working pair', async () => {
    const dir = mkdtempSync(join(scratch, 'stdout-'));
    const r = await runInProcess(['init']);
    expect(r.stderr).toContain('vmonboard schema -o vmonboard.schema.json');
    writeFileSync(join(dir, 'spec.yaml'), r.stdout);
    expect((await runInProcess(['schema', '-o', join(dir, 'vmonboard.schema.json')])).code).toBe(0);
    expect(validateWithNamedSchema(join(dir, 'spec.yaml')).valid).toBe(true);
    // The schema it names rejects what vmonboard rejects: an unknown key.
    writeFileSync(join(dir, 'spec.yaml'), r.stdout.replace('kind: OnboardingSpec', 'kind: OnboardingSpec\nkindd: typo'));
    expect(validateWithNamedSchema(join(dir, 'spec.yaml')).valid).toBe(false);
  });

  it('schema -o leaves an identical file alone and refuses a different one without --force', async () => {
    const file = join(scratch, 'mine.json');
    writeFileSync(file, '{"mine": true}\n');
    const r = await runInProcess(['schema', '-o', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already exists; pass --force to overwrite it');
    expect(readFileSync(file, 'utf8')).toBe('{"mine": true}\n');
    expect((await runInProcess(['schema', '-o', file, '--force'])).code).toBe(0);
    expect((await runInProcess(['schema', '-o', file])).code).toBe(0);
  });

  it('schema -o never writes through a symlink: a dangling one is refused, --force replaces the link and leaves its target alone', async () => {
    const dir = mkdtempSync(join(scratch, 'link-'));
    const target = join(dir, 'elsewhere.json');
    const link = join(dir, 'vmonboard.schema.json');
    symlinkSync(target, link);
    const r = await runInProcess(['schema', '-o', link]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already exists (a symbolic link)');
    expect(existsSync(target)).toBe(false);
    writeFileSync(target, 'theirs\n');
    expect((await runInProcess(['schema', '-o', link, '--force'])).code).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('theirs\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(JSON.parse(readFileSync(link, 'utf8'))).toHaveProperty('$schema');
  });

  it('init -o keeps an existing schema file beside the spec', async () => {
    const dir = mkdtempSync(join(scratch, 'keep-'));
    writeFileSync(join(dir, 'vmonboard.schema.json'), 'user file\n');
    expect((await runInProcess(['init', '-o', join(dir, 'spec.yaml')])).code).toBe(0);
    expect(readFileSync(join(dir, 'vmonboard.schema.json'), 'utf8')).toBe('user file\n');
  });
});
