/**
 * The `render --check` drift report a reviewer reads (issue 17 §9): after changing one port, the
 * cluster.env diff is exactly its two changed lines, MANIFEST.json is summarised by entry, the
 * cloud-config's gzip+base64 payload is diffed decoded, no line reaches 300 characters, and
 * `--format json` lists every changed file with a unified diff that `patch` would read.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { runInProcess } from './cli-io.js';

const dir = mkdtempSync(join(tmpdir(), 'vmonboard-drift-'));
const spec = join(dir, 'quickstart.yaml');
const bundle = join(dir, 'bundle');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  cpSync(join(PROJECT_ROOT, 'examples'), dir, { recursive: true });
  const r = await runInProcess(['render', spec, '-o', bundle]);
  expect(r.code, r.stderr).toBe(0);
  // One port: ratings' http port 9080 → 9081 (the probe keeps 9080).
  const text = readFileSync(spec, 'utf8');
  const changed = text.replace('      - name: http\n        number: 9080\n', '      - name: http\n        number: 9081\n');
  expect(changed).not.toBe(text);
  writeFileSync(spec, changed);
});

/** The report block of one changed file: the lines indented under its "changed:" line. */
function block(report: string, path: string): string[] {
  const lines = report.split('\n');
  const start = lines.indexOf(`  changed: ${path}`);
  expect(start, `${path} is not reported as changed:\n${report}`).toBeGreaterThanOrEqual(0);
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!l.startsWith('      ')) break;
    out.push(l.slice(6));
  }
  return out;
}

describe('render --check after one port changed', () => {
  it('shows exactly the two changed lines of cluster.env, a manifest summary and the decoded payload diff', async () => {
    const r = await runInProcess(['render', '--check', spec, '-o', bundle]);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    const env = block(r.stderr, 'vms/bookinfo/ratings/aws-prod/istio/cluster.env');
    expect(env.filter((l) => /^[-+]/.test(l))).toEqual([
      "-ISTIO_INBOUND_PORTS='9080'",
      "+ISTIO_INBOUND_PORTS='9081'",
      "-ISTIO_META_POD_PORTS='[{\"name\":\"http\",\"containerPort\":9080,\"protocol\":\"\"}]'",
      "+ISTIO_META_POD_PORTS='[{\"name\":\"http\",\"containerPort\":9081,\"protocol\":\"\"}]'",
    ]);
    const manifest = block(r.stderr, 'MANIFEST.json');
    expect(manifest[0]).toMatch(/^MANIFEST\.json: \d+ entries differ$/);
    expect(manifest).toContain(manifest.find((l) => l.startsWith('entry changed: vms/bookinfo/ratings/aws-prod/istio/cluster.env (sha256 ')));
    expect(manifest.length).toBeLessThan(60);
    const userData = block(r.stderr, 'vms/bookinfo/ratings/aws-prod/user-data.yaml');
    expect(userData).toContain('decoded encoded payload #1:');
    expect(userData.some((l) => l.startsWith('+') && l.includes('9081'))).toBe(true);
    for (const line of r.stderr.split('\n')) expect(line.length, line.slice(0, 80)).toBeLessThan(300);
  });

  it('--format json prints every changed file with a unified diff to stdout', async () => {
    const r = await runInProcess(['render', '--check', '--format', 'json', spec, '-o', bundle]);
    expect(r.code).toBe(4);
    const report = JSON.parse(r.stdout) as { upToDate: boolean; added: unknown[]; removed: unknown[]; changed: Array<{ path: string; diff: string; summary: string[] }> };
    expect(report.upToDate).toBe(false);
    expect(report.added).toEqual([]);
    expect(report.removed).toEqual([]);
    const env = report.changed.find((c) => c.path === 'vms/bookinfo/ratings/aws-prod/istio/cluster.env')!;
    expect(env.diff).toMatch(/^--- a\/vms\/bookinfo\/ratings\/aws-prod\/istio\/cluster\.env\n\+\+\+ b\/vms\/bookinfo\/ratings\/aws-prod\/istio\/cluster\.env\n@@ /m);
    expect(env.diff.split('\n').filter((l) => /^[-+][A-Z]/.test(l))).toHaveLength(4);
    expect(report.changed.map((c) => c.path)).toContain('MANIFEST.json');
  });

  it('--format json says an up-to-date bundle is up to date', async () => {
    const fresh = join(dir, 'fresh');
    expect((await runInProcess(['render', spec, '-o', fresh])).code).toBe(0);
    const r = await runInProcess(['render', '--check', '--format', 'json', spec, '-o', fresh]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ upToDate: true, added: [], removed: [], changed: [] });
  });
});
