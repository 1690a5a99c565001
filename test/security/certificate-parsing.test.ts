/**
 * Issue 15 §6: the certificate check read only the PEM wrapping. A PKCS#8 private key between
 * BEGIN CERTIFICATE lines passed as trust.meshRootCA and landed in root-cert.pem, bootstrap.sh,
 * the user data and the Helm values; `# comment` lines around blocks were copied everywhere.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTree } from '../../src/bundle/read-dir.js';
import { readPemCertificates } from '../../src/spec/files.js';
import { runInProcess } from '../cli/cli-io.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { requireExecutable } from '../validators/require-tool.js';

const scratch = mkdtempSync(join(tmpdir(), 'vmonboard-cert-parse-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;

function workspace(): string {
  const w = join(scratch, `ws-${++n}`);
  for (const f of ['quickstart.yaml', 'quickstart.lock.yaml', 'files']) cpSync(join(PROJECT_ROOT, 'examples', f), join(w, f), { recursive: true });
  return w;
}

/** A fresh PKCS#8 EC private key, re-labelled as a certificate. */
function keyDressedAsCertificate(): string {
  const openssl = requireExecutable('openssl', 'openssl');
  const key = execFileSync(openssl, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1'], { encoding: 'utf8' });
  expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  return key.replace(/PRIVATE KEY/g, 'CERTIFICATE');
}

describe('trust material is parsed as X.509', () => {
  it('a private key wrapped in BEGIN CERTIFICATE lines is refused, located, with its own code', async () => {
    const w = workspace();
    writeFileSync(join(w, 'files', 'mesh-root-ca.pem'), keyDressedAsCertificate());
    const r = await runInProcess(['validate', join(w, 'quickstart.yaml'), '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { diagnostics: Array<{ code: string; pointer: string; line?: number; message: string }> };
    const d = report.diagnostics.find((x) => x.code === 'CERTIFICATE_NOT_X509');
    expect(d).toMatchObject({ pointer: '/trust/meshRootCA/file', message: expect.stringMatching(/^"files\/mesh-root-ca\.pem" cannot be used as trust material: PEM block 1 of 1 is labelled CERTIFICATE but is not an X\.509 certificate/) });
    expect(d!.line).toBeGreaterThan(1);
    const out = join(w, 'out');
    expect((await runInProcess(['render', join(w, 'quickstart.yaml'), '-o', out])).code).toBe(1);
  });

  it('a second, bogus block after a real certificate is refused too', () => {
    const real = readFileSync(join(PROJECT_ROOT, 'examples/files/mesh-root-ca.pem'), 'utf8');
    const r = readPemCertificates(`${real}\n${keyDressedAsCertificate()}`);
    expect(r).toMatchObject({ ok: false, code: 'CERTIFICATE_NOT_X509', problem: expect.stringMatching(/^PEM block 2 of 2 /) });
  });

  it('comments around the blocks never reach an output: every file carries the re-encoded certificate', async () => {
    const w = workspace();
    const ca = readFileSync(join(w, 'files', 'mesh-root-ca.pem'), 'utf8');
    writeFileSync(join(w, 'files', 'mesh-root-ca.pem'), `# owner: alice@example.org, ticket SEC-1234\n${ca}\n# rotated 2026-01-01\n`);
    const out = join(w, 'out');
    const r = await runInProcess(['render', join(w, 'quickstart.yaml'), '-o', out]);
    expect(r.code).toBe(0);
    const tree = readTree(out);
    const hits = [...tree].filter(([, e]) => e.content.includes('alice@example.org') || e.content.includes('rotated 2026')).map(([p]) => p);
    expect(hits).toEqual([]);
    // The emitted PEM is the DER re-encoded: it parses, and equals openssl's canonical form.
    const canonical = execFileSync(requireExecutable('openssl', 'openssl'), ['x509'], { input: ca, encoding: 'utf8' });
    const parsed = readPemCertificates(ca);
    expect(parsed).toMatchObject({ ok: true, pem: canonical, count: 1 });
    expect(new X509Certificate(canonical).ca).toBe(true);
    expect([...tree].some(([, e]) => e.content.includes(canonical.split('\n')[1]!))).toBe(true);
  });
});
