/**
 * Issue 15 §11 repro: a mesh root CA of several certificates pushed the quickstart's EC2 user data
 * past 16,384 bytes. render reported "0 errors, 0 warnings" while its README said to attach the
 * raw file; only `userdata` gzipped it; and `userdata` for one VM reported other VMs' sizes.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './cli-io.js';
import { runBinary } from './binary-io.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { requireExecutable } from '../validators/require-tool.js';

const w = mkdtempSync(join(tmpdir(), 'vmonboard-payload-size-'));
afterAll(() => rmSync(w, { recursive: true, force: true }));
const spec = join(w, 'quickstart.yaml');

beforeAll(() => {
  for (const f of ['quickstart.yaml', 'quickstart.lock.yaml', 'files']) cpSync(join(PROJECT_ROOT, 'examples', f), join(w, f), { recursive: true });
  // Three more (RSA 4096) roots in the CA file: the EC2 payloads grow past 16 KiB raw, not gzipped.
  const openssl = requireExecutable('openssl', 'openssl');
  let extra = '';
  for (let i = 1; i <= 3; i++) {
    execFileSync(openssl, ['req', '-x509', '-newkey', 'rsa:4096', '-nodes', '-keyout', join(w, `k${i}.pem`), '-out', join(w, `c${i}.pem`), '-days', '30', '-subj', `/CN=extra root ${i}`], { stdio: 'ignore' });
    extra += readFileSync(join(w, `c${i}.pem`), 'utf8');
  }
  writeFileSync(join(w, 'files/mesh-root-ca.pem'), readFileSync(join(w, 'files/mesh-root-ca.pem'), 'utf8') + extra);
}, 120_000);

describe('render and userdata agree on payload sizes', () => {
  it('render warns (fatal with --strict) with both sizes and the hint; the README says to gzip', async () => {
    const out = join(w, 'out');
    const r = await runInProcess(['render', spec, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning\[PAYLOAD_GZIP_REQUIRED\]: the ratings\/aws-prod payload is (\d{5}) bytes, over the EC2 UserData limit of 16384, so the bundle's file cannot be attached as it is; it fits gzipped \((\d+) bytes\): attach it gzipped \(gzip -9\), or use vmonboard userdata/);
    const raw = readFileSync(join(out, 'vms/bookinfo/ratings/aws-prod/user-data.yaml'));
    expect(raw.length).toBeGreaterThan(16_384);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('attach it gzipped (`gzip -9`)');
    expect((await runInProcess(['render', spec, '-o', join(w, 'strict'), '--strict'])).code).toBe(1);
    // userdata sends the same payload, gzipped to fit.
    const u = await runBinary(['userdata', spec, '--workload', 'ratings', '--platform', 'aws-prod']);
    expect(u.code).toBe(0);
    expect(u.stdout.length).toBeLessThanOrEqual(16_384);
    expect(gunzipSync(u.stdout).equals(raw)).toBe(true);
  });

  it('userdata --workload W --platform P reports only that VM\'s payload size', async () => {
    const metal = await runInProcess(['userdata', spec, '--workload', 'ratings', '--platform', 'metal']);
    expect(metal.code).toBe(0);
    expect(metal.stderr).not.toContain('PAYLOAD_GZIP_REQUIRED');
    const aws = await runBinary(['userdata', spec, '--workload', 'reviews', '--platform', 'aws-prod']);
    expect(aws.code).toBe(0);
    expect(aws.stderr).not.toMatch(/ratings\/aws-prod payload/);
  });
});
