/**
 * `vmonboard userdata` on the rendered golden cases (issue 6 §4): the delivery picks the payload,
 * stdout carries exactly its bytes (gzipped only when the platform needs and allows it), MIME and
 * gzip outputs are read back by cloud-init's own parser, and budgets fail with the numbers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYLOAD_FILE, vmDir } from '../../src/bundle/layout.js';
import { renderSpecFile } from '../../src/api.js';
import { budgetFor } from '../../src/userdata/budget.js';
import { GOLDEN_DIR, GOLDEN_FILES, goldenBundle, goldenCases, goldenModel } from '../helpers/golden-cases.js';
import { requireExecutable } from '../validators/require-tool.js';
import { parseWithCloudInit } from '../bundle/cloud-init-parser.js';
import { runCloudInitSchema } from '../validators/cloud-config.js';
import { runBinary } from './binary-io.js';

const spec = (c: string): string => join(GOLDEN_DIR, c, 'spec.yaml');
const userdata = (c: string, ...args: string[]) => runBinary(['userdata', spec(c), '--files-dir', GOLDEN_FILES, ...args]);
const unzipIfGzip = (b: Buffer): Buffer => (b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b);

/** Every (case, workload, platform) of the flavor-istio golden cases (the payload renderer's scope), with its platform. */
async function placements() {
  const out = [];
  for (const c of goldenCases()) {
    const m = await goldenModel(c);
    if (m.flavor !== 'istio') continue;
    for (const w of m.workloads) for (const pl of w.placements) out.push({ c, workload: w.name, w, platform: m.platforms.find((p) => p.name === pl.platform)! });
  }
  return out;
}

describe('vmonboard userdata on the golden cases', () => {
  it('prints each VM\'s delivery payload, within its platform budget, and cloud-init reads cloud-init payloads back', async () => {
    const all = await placements();
    expect(all.length).toBeGreaterThanOrEqual(8);
    let gzipped = 0;
    for (const { c, workload, w, platform } of all) {
      const r = await userdata(c, '--workload', workload, '--platform', platform.name);
      const label = `${c} ${workload}/${platform.name}`;
      expect(r.code, `${label}\n${r.stderr}`).toBe(0);
      const file = (await goldenBundle(c)).get(`${vmDir(w, platform.name)}/${PAYLOAD_FILE[platform.delivery]}`)!;
      expect(unzipIfGzip(r.stdout).equals(Buffer.from(file.content)), label).toBe(true);
      const budget = budgetFor(platform.kind, platform.delivery);
      if (budget) expect(r.stdout.length, label).toBeLessThanOrEqual(budget.limit);
      if (r.stdout[0] === 0x1f) {
        gzipped++;
        expect(r.stderr).toMatch(/^note: [\d,]+ bytes raw is over the [\d,]+ bytes limit .* so the output is gzip/m);
      }
      if (platform.delivery === 'cloud-init') {
        const parts = await parseWithCloudInit(r.stdout);
        expect(parts.map((p) => p.type), label).toEqual(['text/cloud-config']);
        expect(parts[0]!.payload.equals(Buffer.from(file.content)), label).toBe(true);
        // What cloud-init unpacked from the (possibly gzipped) output is still a valid cloud-config.
        if (r.stdout[0] === 0x1f) expect((await runCloudInitSchema(parts[0]!.payload.toString('utf8'))).exitCode, label).toBe(0);
      }
    }
    // The golden payloads fit raw (the bootstrap travels gzipped inside write_files): nothing is
    // gzipped again here. The automatic gzip path is exercised below, with a bigger CA bundle.
    expect(gzipped).toBe(0);
  });

  it('wraps as MIME, gzips and base64s on request; cloud-init recovers the exact payload', async () => {
    const bundle = await goldenBundle('aws-cloudinit');
    const payload = Buffer.from(bundle.get('vms/bookinfo/ratings/aws-prod/user-data.yaml')!.content);
    const r = await userdata('aws-cloudinit', '--workload', 'ratings', '--platform', 'aws-prod', '--mime', '--encoding', 'gzip+base64');
    expect(r.code, r.stderr).toBe(0);
    const blob = Buffer.from(r.stdout.toString('latin1'), 'base64');
    expect(blob.length).toBeLessThanOrEqual(16_384);
    const parts = await parseWithCloudInit(blob);
    expect(parts.map((p) => [p.type, p.filename])).toEqual([['text/cloud-config', 'user-data.yaml']]);
    expect(parts[0]!.payload.equals(payload)).toBe(true);
    // Deterministic: a second run prints the same bytes.
    expect((await userdata('aws-cloudinit', '--workload', 'ratings', '--platform', 'aws-prod', '--mime', '--encoding', 'gzip+base64')).stdout.equals(r.stdout)).toBe(true);
  });

  it('names the valid choices for an unknown workload or platform (exit 2)', async () => {
    const w = await userdata('aws-cloudinit', '--workload', 'nope', '--platform', 'aws-prod');
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('error: the spec has no workload "nope"; workloads: ratings');
    const p = await userdata('aws-cloudinit', '--workload', 'ratings', '--platform', 'gcp');
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('platforms: aws-prod');
    expect((await runBinary(['userdata', spec('aws-cloudinit')])).code).toBe(2); // --workload and --platform are required
  });

  it('takes --workload as <namespace>/<name>, or a plain name only one namespace has (issue 16 §2)', async () => {
    const fleet = join(GOLDEN_DIR, '..', '..', '..', 'examples', 'fleet.yaml');
    const run = (...args: string[]) => runBinary(['userdata', fleet, ...args]);
    // `api` is in namespaces payments and search: the plain name is a usage error with a stable code.
    const plain = await run('--workload', 'api', '--platform', 'aws-prod');
    expect(plain.code).toBe(2);
    expect(plain.stdout.length).toBe(0);
    expect(plain.stderr).toContain('error[WORKLOAD_AMBIGUOUS]: workload "api" is in 2 namespaces (did you mean "payments/api" or "search/api"?); name one as <namespace>/<name>');
    const [payments, search] = await Promise.all([run('--workload', 'payments/api', '--platform', 'aws-prod'), run('--workload', 'search/api', '--platform', 'aws-prod')]);
    expect([payments.code, search.code], payments.stderr + search.stderr).toEqual([0, 0]);
    // Each prints its own VM's payload, from its own bundle directory.
    const bundle = (await renderSpecFile(fleet)).bundle!;
    expect(unzipIfGzip(payments.stdout).equals(Buffer.from(bundle.get('vms/payments/api/aws-prod/user-data.yaml')!.content))).toBe(true);
    expect(unzipIfGzip(search.stdout).equals(Buffer.from(bundle.get('vms/search/api/aws-prod/user-data.yaml')!.content))).toBe(true);
    expect(payments.stdout.equals(search.stdout)).toBe(false);
    // A unique name stays plain; a misspelled one is suggested in the form that works.
    expect((await run('--workload', 'payments-db', '--platform', 'rack1')).code).toBe(0);
    const typo = await run('--workload', 'apu', '--platform', 'aws-prod');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('error: the spec has no workload "apu" (did you mean "payments/api" or "search/api"?); workloads: payments/api, search/api, payments-db, batch-worker');
  });
});

describe('payloads over the raw budget', () => {
  let dir: string;
  /** The aws-cloudinit spec with a mesh root CA file of `certs` distinct certificates. */
  const bigSpec = (certs: number): string => join(dir, `spec-${certs}.yaml`);
  beforeAll(() => {
    // Base64 DER barely compresses: 20 distinct certificates put the user data over EC2's 16,384
    // raw bytes while its gzip still fits; 40 fit no encoding.
    dir = mkdtempSync(join(tmpdir(), 'vmonboard-userdata-'));
    const openssl = requireExecutable('openssl', 'openssl');
    const pems: string[] = [];
    for (let i = 0; i < 40; i++) {
      execFileSync(openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '2', '-subj', `/CN=vmonboard test root ${i}`], { stdio: 'ignore' });
      pems.push(readFileSync(join(dir, 'c.pem'), 'utf8'));
    }
    rmSync(join(dir, 'k.pem'));
    for (const f of ['spire-bundle.pem', 'mesh-root-ca.pem']) writeFileSync(join(dir, f), readFileSync(join(GOLDEN_FILES, f)));
    for (const n of [20, 40]) {
      writeFileSync(join(dir, `root-ca-${n}.pem`), pems.slice(0, n).join(''));
      writeFileSync(bigSpec(n), readFileSync(spec('aws-cloudinit'), 'utf8').replace('file: mesh-root-ca.pem', `file: root-ca-${n}.pem`));
      writeFileSync(join(dir, `spec-${n}.lock.yaml`), readFileSync(join(GOLDEN_DIR, 'aws-cloudinit', 'spec.lock.yaml')));
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gzips a payload only gzip fits, says so, and cloud-init reads it back', async () => {
    const r = await runBinary(['userdata', bigSpec(20), '--workload', 'ratings', '--platform', 'aws-prod']);
    expect(r.code, r.stderr).toBe(0);
    expect([r.stdout[0], r.stdout[1]]).toEqual([0x1f, 0x8b]);
    expect(r.stdout.length).toBeLessThanOrEqual(16_384);
    expect(r.stderr).toMatch(/^note: [\d,]+ bytes raw is over the 16,384 bytes limit .* so the output is gzip/m);
    const parts = await parseWithCloudInit(r.stdout);
    expect(parts.map((p) => p.type)).toEqual(['text/cloud-config']);
    expect(gunzipSync(r.stdout).equals(parts[0]!.payload)).toBe(true);
    expect((await runCloudInitSchema(parts[0]!.payload.toString('utf8'))).exitCode).toBe(0);
  });

  it('fails an explicit encoding that is over budget, with the sizes, located at the VM', async () => {
    const r = await runBinary(['userdata', bigSpec(20), '--workload', 'ratings', '--platform', 'aws-prod', '--encoding', 'raw']);
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toMatch(/error\[USERDATA_TOO_LARGE\]: user data for ratings on aws-prod \(user-data\.yaml\) is [\d,]{6} bytes with --encoding raw; EC2 UserData \(counted before base64\) allows at most 16,384 bytes\. Drop --encoding/);
    // Located at the VM (the workload's placement on the platform), where render reports it too.
    expect(r.stderr).toMatch(/--> .*spec-20\.yaml:\d+:\d+ \(\/workloads\/0\/platforms\/0\)/);
  });

  it('fails with the raw and gzipped sizes and the limit when nothing fits, and prints nothing', async () => {
    const r = await runBinary(['userdata', bigSpec(40), '--workload', 'ratings', '--platform', 'aws-prod']);
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBe(0);
    // Whichever check reports it (the renderer's or userdata's), the message carries the numbers.
    expect(r.stderr).toMatch(/error\[(PAYLOAD|USERDATA)_TOO_LARGE\]: .*\b\d[\d,]{4,}\b.* bytes.*\b(16384|16,384)\b/);
    expect(r.stderr).toMatch(/gzip/);
  });
});
