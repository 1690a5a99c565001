import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeTopLevel, runCloudInitSchema, validateCloudConfigSchema } from './cloud-config.js';
import { readWithPyYAML } from './pyyaml.js';
import { PROJECT_ROOT, readUpstream } from './upstream.js';

const DIR = path.join(PROJECT_ROOT, 'test/fixtures/validators/cloud-config');
const read = (name: string): string => fs.readFileSync(path.join(DIR, name), 'utf8');

describe('runCloudInitSchema (Debian cloud-init 22.4.2; exit code is the contract)', () => {
  it('accepts the valid user data (exit 0)', async () => {
    const result = await runCloudInitSchema(read('valid.yaml'));
    expect(result).toMatchObject({ exitCode: 0, output: expect.stringContaining('Valid cloud-config') });
  });

  it('rejects nested defects (exit 1): wrong types, bad enum, unknown key inside a write_files item', async () => {
    const result = await runCloudInitSchema(read('nested-defects.yaml'));
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain("('bogus_key' was unexpected)");
    expect(result.output).toContain("write_files.0.permissions: 416 is not of type 'string'");
  });

  it('rejects a missing header, an unquoted "=" (PyYAML error) and a BOM (exit 1)', async () => {
    expect((await runCloudInitSchema('packages: [curl]\n')).exitCode).toBe(1);
    expect((await runCloudInitSchema('#cloud-config\nfinal_message: =\n')).exitCode).toBe(1);
    expect((await runCloudInitSchema('\uFEFF#cloud-config\npackages: [curl]\n')).exitCode).toBe(1);
  });

  it('does NOT report an unknown top-level key on 22.4.2 (exit 0): the ajv schema check below must catch it', async () => {
    // cloud-init.md §3.2: "The unknown top-level key is not reported on 22.4.2". This pins that
    // blind spot, so the day Debian's cloud-init starts reporting it this test says so.
    expect((await runCloudInitSchema(read('unknown-top-level-key.yaml'))).exitCode).toBe(0);
  });
});

describe('validateCloudConfigSchema', () => {
  it.each(['v22.4.2', 'newest'] as const)('accepts the valid user data (%s)', async (which) => {
    expect(validateCloudConfigSchema(await readWithPyYAML(read('valid.yaml')), which)).toEqual([]);
  });

  it.each(['v22.4.2', 'newest'] as const)('rejects an unknown top-level key (%s)', async (which) => {
    const errors = validateCloudConfigSchema(await readWithPyYAML(read('unknown-top-level-key.yaml')), which);
    expect(errors).toEqual(['/: unknown key "runcmds"']);
  });

  it.each(['v22.4.2', 'newest'] as const)('reports the same nested defects as cloud-init (%s)', async (which) => {
    const errors = validateCloudConfigSchema(await readWithPyYAML(read('nested-defects.yaml')), which);
    expect(errors).toEqual(
      expect.arrayContaining([
        '/packages: must be array',
        '/write_files/0: unknown key "bogus_key"',
        '/write_files/0/permissions: must be string',
        expect.stringMatching(/^\/write_files\/0\/encoding: must be equal to one of the allowed values/),
      ]),
    );
  });

  it('knows the version gap: write_files[].source is valid only in the newest schema (cloud-init.md §2.2)', () => {
    const cfg = { write_files: [{ path: '/etc/x', source: { uri: 'https://example.com/x' } }] };
    expect(validateCloudConfigSchema(cfg, 'newest')).toEqual([]);
    expect(validateCloudConfigSchema(cfg, 'v22.4.2')).toEqual(['/write_files/0: unknown key "source"']);
  });

  it('closes the 22.4.2 root with exactly the keys of its allOf modules, all of which the newest schema also lists', () => {
    const closed = closeTopLevel(JSON.parse(readUpstream('cloud-init/schema-cloud-config-v1.22.4.json')));
    const old = Object.keys(closed.properties as object);
    const newest = Object.keys(JSON.parse(readUpstream('cloud-init/schema-cloud-config-v1.json')).properties);
    expect(old).toEqual(expect.arrayContaining(['packages', 'runcmd', 'write_files', 'final_message']));
    // Keys 22.4 had and the newest root no longer lists would reveal a wrong extraction.
    expect(old.filter((k) => !newest.includes(k))).toEqual([]);
  });
});
