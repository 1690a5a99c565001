/** CLI contract of the foundation commands: exit codes and the stdout (data) / stderr (people) split. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import jsYaml from 'js-yaml';
import { runInProcess } from './cli-io.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { validateSpec } from '../../src/spec/validate-spec.js';
import { memoryFileSource } from '../../src/spec/files.js';

const ex = (f: string): string => join(PROJECT_ROOT, 'examples', f);
const scratch = mkdtempSync(join(tmpdir(), 'vmonboard-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('vmonboard validate', () => {
  it.each(['quickstart.yaml', 'gloo.yaml', 'airgapped.yaml', 'fleet.yaml'])('accepts examples/%s; --strict fails only on its sample pins (and tag-only selectors)', async (f) => {
    const r = await runInProcess(['validate', ex(f)]);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toContain('valid');
    // The examples ship labelled sample pins (issue 15 §12): --strict must refuse them.
    const strict = await runInProcess(['validate', '--strict', ex(f), '--format', 'json']);
    expect(strict.code).toBe(1);
    const codes = new Set((JSON.parse(strict.stdout) as { diagnostics: Array<{ code: string }> }).diagnostics.map((d) => d.code));
    expect(codes.has('LOCK_SAMPLE_PINS')).toBe(true);
    expect([...codes].filter((c) => c !== 'LOCK_SAMPLE_PINS' && c !== 'SELECTORS_TAG_ONLY')).toEqual([]);
  });

  it('exits 1 on an invalid spec, with the report on stderr and nothing on stdout', async () => {
    const r = await runInProcess(['validate', join(PROJECT_ROOT, 'test/fixtures/invalid/schema-unknown-key.yaml'), '--files-dir', join(PROJECT_ROOT, 'test/fixtures/invalid/files')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error\[SCHEMA_UNKNOWN_KEY\]/);
    expect(r.stderr).toMatch(/schema-unknown-key\.yaml:\d+:\d+/);
  });

  it('prints JSON to stdout with --format json', async () => {
    const r = await runInProcess(['validate', '--format', 'json', join(PROJECT_ROOT, 'test/fixtures/invalid/trust-domain-invalid.yaml'), '--files-dir', join(PROJECT_ROOT, 'test/fixtures/invalid/files')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report.valid).toBe(false);
    expect(report.diagnostics.map((d: { code: string }) => d.code)).toContain('TRUST_DOMAIN_INVALID');
    expect(Object.keys(report.diagnostics[0]).sort()).toEqual(['code', 'column', 'file', 'hint', 'line', 'message', 'pointer', 'severity']);
  });

  it('passes warnings but fails them under --strict', async () => {
    const spec = jsYaml.load(readFileSync(ex('quickstart.yaml'), 'utf8')) as Record<string, any>;
    spec.gloo = { version: '2.9.1' }; // unused with flavor istio: a warning
    const r0 = validateSpec({ text: jsYaml.dump(spec), file: 's.yaml', lockFile: 'x', files: memoryFileSource({}), ignoreLock: true });
    expect(r0.diagnostics.some((d) => d.code === 'GLOO_SECTION_UNUSED' && d.severity === 'warning')).toBe(true);
    const stdin = jsYaml.dump(spec);
    const loose = await runInProcess(['validate', '--files-dir', join(PROJECT_ROOT, 'examples'), '--lock', ex('quickstart.lock.yaml'), '-'], stdin);
    expect(loose.code).toBe(0);
    expect(loose.stderr).toContain('warning[GLOO_SECTION_UNUSED]');
    const strict = await runInProcess(['validate', '--strict', '--files-dir', join(PROJECT_ROOT, 'examples'), '--lock', ex('quickstart.lock.yaml'), '-'], stdin);
    expect(strict.code).toBe(1);
  });

  it('reports an unreadable spec as a diagnostic, exit 1', async () => {
    const r = await runInProcess(['validate', join(scratch, 'nope.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FILE_NOT_READABLE');
  });

  it('names the supported versions for an unknown apiVersion', async () => {
    const r = await runInProcess(['validate', '--files-dir', scratch, '-'], 'apiVersion: vmonboard/v9\nkind: OnboardingSpec\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('supported versions: vmonboard/v1alpha1');
  });
});

describe('usage errors exit 2', () => {
  it.each([
    [['validate']],
    [['validate', '--format', 'xml', 'x.yaml']],
    [['frobnicate']],
    [['validate', '--no-such-flag', 'x.yaml']],
  ])('%j', async (args) => {
    const r = await runInProcess(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error|unknown/i);
  });
});

describe('help, schema and init', () => {
  it.each(['validate', 'render', 'schema', 'init'])('%s --help shows examples on stdout, exit 0', async (cmd) => {
    const r = await runInProcess([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
  });

  it('schema prints the JSON Schema to stdout', async () => {
    const r = await runInProcess(['schema']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).$id).toContain('v1alpha1');
    const lock = await runInProcess(['schema', '--for', 'lock']);
    expect(JSON.parse(lock.stdout).title).toContain('lock');
  });

  it.each(['istio', 'gloo'])('init --flavor %s prints a starter spec that passes schema and rules', async (flavor) => {
    const r = await runInProcess(['init', '--flavor', flavor]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# yaml-language-server: \$schema=/);
    const v = validateSpec({ text: r.stdout, file: 'starter.yaml', lockFile: 'x', files: memoryFileSource({}), ignoreLock: true });
    // Only the referenced certificate files are missing: the user adds them.
    expect([...new Set(v.diagnostics.map((d) => d.code))]).toEqual(['FILE_NOT_FOUND']);
  });

  it('init -o refuses to overwrite without --force', async () => {
    const out = join(scratch, 'spec.yaml');
    expect((await runInProcess(['init', '-o', out])).code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const again = await runInProcess(['init', '-o', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    expect((await runInProcess(['init', '-o', out, '--force'])).code).toBe(0);
  });
});

describe('the installed binary', () => {
  const bin = join(PROJECT_ROOT, 'dist/src/cli/main.js');
  it('is built (npm test builds it first)', () => {
    expect(existsSync(bin), 'run npm run build').toBe(true);
  });

  it('validates the quickstart as a real process', () => {
    const r = spawnSync(process.execPath, [bin, 'validate', ex('quickstart.yaml')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('prints its version', () => {
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('internal errors', () => {
  it('exit 3 with a bug report hint, never a silent failure', async () => {
    const { runCli } = await import('../../src/cli/program.js');
    let stderr = '';
    const code = await runCli(['node', 'vmonboard', 'validate', '-'], {
      stdout: { write: () => true },
      stderr: { write: (c) => { stderr += String(c); return true; } },
      readStdin: async () => { throw new TypeError('stdin exploded'); },
      isTTY: false,
    });
    expect(code).toBe(3);
    expect(stderr).toContain('internal error: stdin exploded');
    expect(stderr).toContain('please report');
  });
});
