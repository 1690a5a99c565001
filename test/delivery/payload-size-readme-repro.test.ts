/**
 * Issue 15 §11 repro, asserting only the symptom: with three extra RSA roots in the quickstart's
 * mesh root CA, render exited 0 and the bundle README told the user to attach an EC2 user-data
 * file over EC2's 16,384-byte limit (about 17,630 bytes on dad2466; the extra roots are random
 * keys). Runs unchanged on dad2466 and main; test/cli/payload-size.test.ts checks the messages,
 * cloud-init's reading and userdata.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/cli-io.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';

const w = mkdtempSync(join(tmpdir(), 'vmonboard-issue15-size-'));
afterAll(() => rmSync(w, { recursive: true, force: true }));

describe('§11 render and the EC2 user-data limit', () => {
  it('the file the README says to attach as EC2 user data for ratings on aws-prod fits 16,384 bytes', async () => {
    const dir = join(w, 'spec');
    mkdirSync(dir);
    for (const f of ['quickstart.yaml', 'quickstart.lock.yaml', 'files']) cpSync(join(PROJECT_ROOT, 'examples', f), join(dir, f), { recursive: true });
    let extra = '';
    for (let i = 1; i <= 3; i++) {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:4096', '-nodes', '-keyout', join(w, 'k.pem'), '-out', join(w, 'c.pem'), '-days', '30', '-subj', `/CN=extra root ${i}`], { stdio: 'ignore' });
      extra += readFileSync(join(w, 'c.pem'), 'utf8');
    }
    writeFileSync(join(dir, 'files/mesh-root-ca.pem'), readFileSync(join(dir, 'files/mesh-root-ca.pem'), 'utf8') + extra);
    const out = join(w, 'out');
    const r = await runInProcess(['render', join(dir, 'quickstart.yaml'), '-o', out]);
    if (r.code !== 0) return expect(r.stderr).toMatch(/USERDATA_TOO_LARGE/); // refusing is the other allowed outcome
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### ratings on aws-prod'), readme.indexOf('### ratings on gcp-prod'));
    const attach = /Attach `([^`]+)` as EC2 user data/.exec(section);
    expect(attach, section).not.toBeNull();
    const size = statSync(join(out, attach![1]!)).size;
    expect(size, `${attach![1]} is ${size} bytes`).toBeLessThanOrEqual(16_384);
  }, 120_000);
});
