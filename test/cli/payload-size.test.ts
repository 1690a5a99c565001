/**
 * Issue 15 §11 repro: a mesh root CA file of several certificates pushed the quickstart's EC2
 * user data past 16,384 bytes. render reported "0 errors, 0 warnings" and wrote the oversize
 * user-data.yaml its README said to attach; only `userdata` gzipped it; and `userdata` for one VM
 * reported other VMs' sizes. Now render and userdata make the same decision (src/delivery/fit-payload.ts):
 * the bundle holds the payload compressed when only that fits, named by the README, and read back
 * here by cloud-init's own Python; a payload too big even gzipped is a located error.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './cli-io.js';
import { runBinary } from './binary-io.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { requireExecutable } from '../validators/require-tool.js';
import { parseWithCloudInit } from '../bundle/cloud-init-parser.js';
import { runCloudInitSchema } from '../validators/cloud-config.js';

const w = mkdtempSync(join(tmpdir(), 'vmonboard-payload-size-'));
afterAll(() => rmSync(w, { recursive: true, force: true }));

/** The repro's cases: the quickstart with extra roots appended to its mesh root CA file. */
const CASES = {
  // The case: three more RSA 4096 roots; 17,056 bytes raw on main, well under 16 KiB gzipped.
  gzip: { extra: 3, key: ['-newkey', 'rsa:4096'] },
  // 40 more EC roots: base64 DER barely compresses, so nothing fits EC2's 16,384 bytes.
  tooBig: { extra: 40, key: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] },
} as const;
type CaseName = keyof typeof CASES;
const specOf = (c: CaseName): string => join(w, c, 'quickstart.yaml');

beforeAll(() => {
  const openssl = requireExecutable('openssl', 'openssl');
  for (const [name, c] of Object.entries(CASES)) {
    const dir = join(w, name);
    mkdirSync(dir);
    for (const f of ['quickstart.yaml', 'quickstart.lock.yaml', 'files']) cpSync(join(PROJECT_ROOT, 'examples', f), join(dir, f), { recursive: true });
    let extra = '';
    for (let i = 1; i <= c.extra; i++) {
      execFileSync(openssl, ['req', '-x509', ...c.key, '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '30', '-subj', `/CN=extra root ${i}`], { stdio: 'ignore' });
      extra += readFileSync(join(dir, 'c.pem'), 'utf8');
    }
    rmSync(join(dir, 'k.pem'));
    rmSync(join(dir, 'c.pem'));
    writeFileSync(join(dir, 'files/mesh-root-ca.pem'), readFileSync(join(dir, 'files/mesh-root-ca.pem'), 'utf8') + extra);
  }
}, 180_000);

/** 1-based line of a workload's placement item (`- name: <platform>`) in the quickstart: where a VM's findings point. */
function placementLine(workload: string, platform: string): number {
  const lines = readFileSync(join(PROJECT_ROOT, 'examples/quickstart.yaml'), 'utf8').split('\n');
  const at = lines.findIndex((l) => l === `  - name: ${workload}`);
  return lines.findIndex((l, i) => i > at && l === `      - name: ${platform}`) + 1;
}

/** cloud-init's own gzip reader (cloudinit.util.decomp_gzip, what its user-data processing calls) on bytes. */
function decompWithCloudInit(blob: Buffer): Buffer {
  requireExecutable('/usr/bin/python3', 'python3');
  const py = 'import sys\nfrom cloudinit import util\nsys.stdout.buffer.write(util.decomp_gzip(sys.stdin.buffer.read(), quiet=False, decode=False))\n';
  return execFileSync('/usr/bin/python3', ['-c', py], { input: blob, maxBuffer: 1 << 24 });
}

describe('render and userdata agree on payload sizes (issue 15 §11)', () => {
  it('fits-after-gzip: the bundle holds user-data.yaml.gz within 16,384 bytes, the README names it, cloud-init reads it', async () => {
    const out = join(w, 'out-gzip');
    const r = await runInProcess(['render', specOf('gzip'), '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/info\[PAYLOAD_GZIP_REQUIRED\]: the ratings\/aws-prod payload is 1\d,\d{3} bytes raw, over the 16,384 bytes limit of EC2 UserData \(counted before base64\), so the bundle holds it as user-data\.yaml\.gz \([\d,]+ bytes\), which cloud-init decompresses: attach that file as the bundle README shows/);
    // Nothing is left for the user to fix: an info, not a warning (--strict does not fail on it).
    expect(r.stderr).toMatch(/\b0 errors\b/);
    expect(r.stderr).not.toMatch(/(warning|error)\[PAYLOAD_GZIP_REQUIRED\]/);
    const vm = join(out, 'vms/bookinfo/ratings/aws-prod');
    expect(existsSync(join(vm, 'user-data.yaml')), 'the oversize raw file is not in the bundle').toBe(false);
    const gz = readFileSync(join(vm, 'user-data.yaml.gz'));
    expect(gz.length).toBeLessThanOrEqual(16_384);
    // Deterministic gzip: no file name (FLG 0), MTIME 0, OS Unix (RFC 1952 §2.3).
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
    const again = join(w, 'out-gzip-2');
    expect((await runInProcess(['render', specOf('gzip'), '-o', again])).code).toBe(0);
    expect(readFileSync(join(again, 'vms/bookinfo/ratings/aws-prod/user-data.yaml.gz')).equals(gz)).toBe(true);

    // cloud-init decompresses it (util.decomp_gzip) and types it as one #cloud-config part
    // (UserDataProcessor); the result passes `cloud-init schema` and carries bootstrap.sh.
    const raw = decompWithCloudInit(gz);
    expect(raw.length).toBeGreaterThan(16_384);
    expect(raw.subarray(0, 14).toString()).toBe('#cloud-config\n');
    const parts = await parseWithCloudInit(gz);
    expect(parts.map((p) => p.type)).toEqual(['text/cloud-config']);
    expect(parts[0]!.payload.equals(raw)).toBe(true);
    expect((await runCloudInitSchema(raw.toString('utf8'))).exitCode).toBe(0);
    expect(readFileSync(join(vm, 'bootstrap.sh')).length).toBeGreaterThan(0);

    // The README tells the user to attach the compressed file, and how.
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### ratings on aws-prod'), readme.indexOf('### ratings on gcp-prod'));
    expect(section).toContain('Attach `vms/bookinfo/ratings/aws-prod/user-data.yaml.gz` as EC2 user data');
    expect(section).toContain('--user-data fileb://vms/bookinfo/ratings/aws-prod/user-data.yaml.gz');
    expect(section).toContain('cloud-init decompresses it on boot');
    expect(readme).not.toMatch(/ratings\/aws-prod\/user-data\.yaml(?!\.gz)/);
    // VMs that fit raw keep their raw file, named as before.
    expect(readme).toContain('Attach `vms/bookinfo/ratings/azure-prod/user-data.yaml` as Azure custom data');
    expect(Object.keys(JSON.parse(readFileSync(join(out, 'MANIFEST.json'), 'utf8')).files)).toContain('vms/bookinfo/ratings/aws-prod/user-data.yaml.gz');
    expect((await runInProcess(['render', '--check', specOf('gzip'), '-o', out])).code).toBe(0);

    // userdata sends the bundle's bytes, and says only this VM's size.
    const u = await runBinary(['userdata', specOf('gzip'), '--workload', 'ratings', '--platform', 'aws-prod']);
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout.equals(gz)).toBe(true);
    expect(gunzipSync(u.stdout).equals(raw)).toBe(true);
    expect(u.stderr).not.toMatch(/reviews/);
  });

  it('explain names the payload file the bundle holds: user-data.yaml.gz where only compressed fits, raw elsewhere', async () => {
    const out = join(w, 'out-explain');
    expect((await runInProcess(['render', specOf('gzip'), '-o', out])).code).toBe(0);
    const e = await runInProcess(['explain', '--format', 'json', specOf('gzip')]);
    expect(e.code, e.stderr).toBe(0);
    const identities = (JSON.parse(e.stdout) as { identities: Array<{ workload: string; platform: string; payload: string }> }).identities;
    const payloadOf = (workload: string, platform: string): string => identities.find((i) => i.workload === workload && i.platform === platform)!.payload;
    expect(payloadOf('ratings', 'aws-prod')).toBe('vms/bookinfo/ratings/aws-prod/user-data.yaml.gz');
    expect(payloadOf('ratings', 'azure-prod')).toBe('vms/bookinfo/ratings/azure-prod/user-data.yaml');
    // Every payload explain names is a file of the rendered bundle.
    for (const i of identities) expect(existsSync(join(out, i.payload)), i.payload).toBe(true);
    // Narrowed to one VM, the same name.
    const one = await runInProcess(['explain', '--format', 'json', specOf('gzip'), '--workload', 'ratings', '--platform', 'aws-prod']);
    expect((JSON.parse(one.stdout) as { identities: Array<{ payload: string }> }).identities.map((i) => i.payload)).toEqual(['vms/bookinfo/ratings/aws-prod/user-data.yaml.gz']);
  });

  it('too big even gzipped: render fails with USERDATA_TOO_LARGE at the VM\'s placement, both sizes and the limit, and writes nothing', async () => {
    const out = join(w, 'out-too-big');
    const r = await runInProcess(['render', specOf('tooBig'), '-o', out]);
    expect(r.code).toBe(1);
    const first = new RegExp(
      String.raw`error\[USERDATA_TOO_LARGE\]: user data for ratings on aws-prod \(user-data\.yaml\) is (\d\d,\d{3}) bytes raw and (\d\d,\d{3}) bytes gzipped; ` +
        String.raw`EC2 UserData \(counted before base64\) allows at most 16,384 bytes\. Make the payload smaller: reference trust material by URL instead of embedding files, or set bake: true`,
    );
    const m = first.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const [rawBytes, gzBytes] = [Number(m![1]!.replace(',', '')), Number(m![2]!.replace(',', ''))];
    expect(gzBytes).toBeGreaterThan(16_384);
    expect(rawBytes).toBeGreaterThan(gzBytes);
    expect(r.stderr).toContain(`quickstart.yaml:${placementLine('ratings', 'aws-prod')}:`);
    expect(r.stderr).toMatch(/quickstart\.yaml:\d+:\d+ \(\/workloads\/0\/platforms\/0\)/);
    // Every oversize VM is named (reviews on aws-prod too); the others fit (GCE and Azure are bigger).
    expect(r.stderr).toContain('user data for reviews on aws-prod');
    expect(r.stderr).not.toMatch(/user data for \w+ on (gcp|azure)-prod/);
    expect(existsSync(out), 'no partial output').toBe(false);
  });

  it.each([
    ['gzip', 'ratings', 'metal', 0],
    ['gzip', 'reviews', 'aws-prod', 0],
    ['tooBig', 'ratings', 'metal', 0],
    ['tooBig', 'ratings', 'azure-prod', 0],
    ['tooBig', 'reviews', 'aws-prod', 1],
  ] as const)('userdata (%s case) --workload %s --platform %s reports only that VM\'s payload (exit %i)', async (c, workload, platform, code) => {
    const r = await runBinary(['userdata', specOf(c), '--workload', workload, '--platform', platform]);
    expect(r.code, r.stderr).toBe(code);
    const otherVms = ['ratings', 'reviews'].flatMap((x) => ['aws-prod', 'gcp-prod', 'azure-prod', 'dc1', 'metal'].map((p) => [x, p])).filter(([x, p]) => x !== workload || p !== platform);
    for (const [x, p] of otherVms) {
      expect(r.stderr).not.toContain(`${x}/${p} payload`);
      expect(r.stderr).not.toContain(`for ${x} on ${p}`);
    }
    if (code === 1) {
      expect(r.stdout.length).toBe(0);
      expect(r.stderr).toMatch(/error\[USERDATA_TOO_LARGE\]: user data for reviews on aws-prod \(user-data\.yaml\) is [\d,]+ bytes raw and [\d,]+ bytes gzipped/);
      expect(r.stderr).toContain(`quickstart.yaml:${placementLine('reviews', 'aws-prod')}:`);
    } else {
      expect(r.stdout.length).toBeGreaterThan(0);
      expect(r.stderr).not.toContain('USERDATA_TOO_LARGE');
    }
  });
});
