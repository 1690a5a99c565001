/**
 * Issue 15 §12 and §14: what passed silently. `validate --strict examples/quickstart.yaml` gave 0
 * warnings although its lock said "SAMPLE PINS" in a comment; a tag-only AWS selector, which
 * anyone allowed ec2:CreateTags can claim, gave none either.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTree } from '../../src/bundle/read-dir.js';
import { runInProcess } from '../cli/cli-io.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';

const scratch = mkdtempSync(join(tmpdir(), 'vmonboard-red-team-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
function workspace(): string {
  const w = join(scratch, `ws-${++n}`);
  for (const f of ['quickstart.yaml', 'quickstart.lock.yaml', 'files']) cpSync(join(PROJECT_ROOT, 'examples', f), join(w, f), { recursive: true });
  return w;
}
const json = async (args: string[]): Promise<{ code: number; diagnostics: Array<{ code: string; severity: string; file: string; pointer: string; line: number }> }> => {
  const r = await runInProcess([...args, '--format', 'json']);
  return { code: r.code, diagnostics: (JSON.parse(r.stdout) as { diagnostics: [] }).diagnostics };
};

describe('§12 sample pins are a field of the lock format', () => {
  it('validate warns on examples/quickstart.yaml; --strict fails', async () => {
    const spec = join(PROJECT_ROOT, 'examples/quickstart.yaml');
    const r = await json(['validate', spec]);
    expect(r.code).toBe(0);
    expect(r.diagnostics.find((d) => d.code === 'LOCK_SAMPLE_PINS')).toMatchObject({ severity: 'warning', file: expect.stringMatching(/quickstart\.lock\.yaml$/), pointer: '/sample', line: 5 });
    expect((await runInProcess(['validate', '--strict', spec])).code).toBe(1);
  });

  it('the payload of a sample-pinned bundle says so in its log; a real lock gives neither', async () => {
    const w = workspace();
    const out = join(w, 'out');
    expect((await runInProcess(['render', join(w, 'quickstart.yaml'), '-o', out])).code).toBe(0);
    const scripts = [...readTree(out)].filter(([p]) => /\/(bootstrap|install|startup-script)\.sh$/.test(p));
    expect(scripts.length).toBeGreaterThan(3);
    for (const [p, e] of scripts) expect([p, e.content.toString()]).toEqual([p, expect.stringContaining('log "WARNING: rendered from a lock file marked sample: true;')]);
    // Without the field (as `vmonboard pin` writes a lock): no warning, no log line.
    writeFileSync(join(w, 'quickstart.lock.yaml'), readFileSync(join(w, 'quickstart.lock.yaml'), 'utf8').replace('sample: true\n', ''));
    expect((await json(['validate', join(w, 'quickstart.yaml')])).diagnostics.map((d) => d.code)).not.toContain('LOCK_SAMPLE_PINS');
    rmSync(out, { recursive: true });
    expect((await runInProcess(['render', join(w, 'quickstart.yaml'), '-o', out])).code).toBe(0);
    for (const [p, e] of readTree(out)) expect([p, e.content.includes('marked sample: true')]).toEqual([p, false]);
  });

  it('a lock with sample: false is refused by the lock schema, located', async () => {
    const w = workspace();
    writeFileSync(join(w, 'quickstart.lock.yaml'), readFileSync(join(w, 'quickstart.lock.yaml'), 'utf8').replace('sample: true', 'sample: false'));
    const r = await json(['validate', join(w, 'quickstart.yaml')]);
    expect(r.code).toBe(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'LOCK_INVALID', pointer: '/sample' });
  });
});

describe('§14 tag-only AWS selectors', () => {
  it('warns at the tags key, naming the stronger alternatives; iamRole or securityGroupId silence it', async () => {
    const w = workspace();
    const spec = join(w, 'quickstart.yaml');
    const text = readFileSync(spec, 'utf8');
    const r = await runInProcess(['validate', spec]);
    expect(r.stderr).toMatch(/warning\[SELECTORS_TAG_ONLY\]: workload "ratings" on platform "aws-prod" is selected by EC2 tags only: anyone allowed ec2:CreateTags in the account can tag a VM and take this identity; add iamRole \(the instance profile role\) or securityGroupId/);
    expect(r.stderr).toMatch(/--> .*quickstart\.yaml:\d+:\d+ \(\/workloads\/0\/platforms\/0\/selectors\/aws\/tags\)/);
    const m = /( *)tags: *\{? *\n?( *)app: ratings/.exec(text);
    expect(m).not.toBeNull();
    for (const extra of ['iamRole: arn:aws:iam::123456789012:role/ratings', 'securityGroupId: sg-0123456789abcdef0']) {
      const indent = /\n( *)tags:\n/.exec(text)![1]!;
      writeFileSync(spec, text.replace(/\n( *)tags:\n/, `\n${indent}${extra}\n${indent}tags:\n`));
      const codes = (await json(['validate', spec])).diagnostics.map((d) => d.code);
      expect([extra, codes]).toEqual([extra, expect.not.arrayContaining(['SELECTORS_TAG_ONLY'])]);
    }
  });
});

describe('§7 file:// secret paths', () => {
  const specWith = async (tokenRef: string): Promise<Array<{ code: string; severity: string; pointer: string }>> => {
    const { check, baseSpec, findings } = await import('../spec/spec-builder.js');
    const s = baseSpec();
    s.platforms[1] = { name: 'dc1', kind: 'baremetal', delivery: 'shell', targets: { os: ['debian-12'], arch: ['amd64'] }, joinToken: { tokenRef } };
    s.workloads[0].platforms[1] = { name: 'dc1' };
    const r = check(s);
    expect(findings(r).length).toBeGreaterThanOrEqual(0);
    return r.diagnostics.map((d) => ({ code: d.code, severity: d.severity, pointer: d.pointer }));
  };
  it.each([
    ['file:///home/alice/token', 'SECRET_PATH_SHARED', 'warning'],
    ['file:///tmp/join-token', 'SECRET_PATH_SHARED', 'warning'],
    ['file:///var/tmp/t', 'SECRET_PATH_SHARED', 'warning'],
    ['file:///dev/shm/t', 'SECRET_PATH_SHARED', 'warning'],
    ['file:///etc/passwd', 'SECRET_PATH_UNSAFE', 'error'],
    ['file:///etc/shadow', 'SECRET_PATH_UNSAFE', 'error'],
    ['file:///etc/ssh/sshd_config', 'SECRET_PATH_UNSAFE', 'error'],
    ['file:///proc/self/environ', 'SECRET_PATH_UNSAFE', 'error'],
    ['file:///sys/kernel/x', 'SECRET_PATH_UNSAFE', 'error'],
    ['file:///dev/sda', 'SECRET_PATH_UNSAFE', 'error'],
    ['file:///usr/bin/sudo', 'SECRET_PATH_UNSAFE', 'error'],
  ])('%s → %s (%s), at the reference', async (ref, code, severity) => {
    const ds = await specWith(ref);
    expect(ds).toContainEqual({ code, severity, pointer: '/platforms/1/joinToken/tokenRef' });
  });

  it('a root-only path passes: file:///etc/vmonboard/join-token', async () => {
    const ds = await specWith('file:///etc/vmonboard/join-token');
    expect(ds.filter((d) => d.code.startsWith('SECRET_PATH'))).toEqual([]);
  });
});
