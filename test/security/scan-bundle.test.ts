/** The bundle scanner finds planted secrets, and stays quiet on the real bundles' contents. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECRET_PATTERNS } from '../../src/security/secret-patterns.js';
import { scanBundle, scanText, secretFindingsToDiagnostics } from '../../src/security/scan-bundle.js';
import type { Bundle } from '../../src/bundle/bundle.js';
import { PROJECT_ROOT, GOLDEN_FILES } from '../helpers/golden-cases.js';

// Assembled at run time so this source file itself does not look like it holds credentials.
const b64url = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ sub: 'system:serviceaccount:bookinfo:ratings', aud: ['istio-ca'] })}.${'s'.repeat(43)}`;
const AWS_KEY_ID = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
const AWS_SECRET = ['wJalrXUtnFEMI/K7MDENG', '/bPxRfiCYEXAMPLEKEY'].join('');
const PRIVATE_KEY = readFileSync(join(PROJECT_ROOT, 'test/fixtures/invalid/files/not-a-cert.pem'), 'utf8');
const GCP_KEY = JSON.stringify({ type: 'service_account', private_key_id: 'a'.repeat(40) });

describe('scanText', () => {
  it.each([
    ['pem-private-key', `config:\n${PRIVATE_KEY}`],
    ['jwt', `token: "${JWT}"`],
    ['aws-access-key-id', `AWS_ACCESS_KEY_ID=${AWS_KEY_ID}`],
    ['aws-secret-access-key', `aws_secret_access_key = ${AWS_SECRET}`],
    ['gcp-service-account-key', GCP_KEY],
    ['github-token', `GH=ghp_${'a1B2'.repeat(9)}`],
    // Issue 15 §16: formats the scanner missed.
    ['vault-token', `VAULT_TOKEN=hvs.${'CAESIJ7xQ_'.repeat(9)}`],
    ['vault-token', `token: hvb.${'AAAAAQJ2'.repeat(18)}`],
    ['gcp-api-key', `key=AIza${'SyA1b2C3d4'.repeat(3)}E5f_-`],
    ['gitlab-token', `GITLAB_TOKEN=glpat-${'x1Y2z3'.repeat(4)}`],
    ['slack-token', `SLACK=xoxb-${'123456789012'}-${'AbCdEf'.repeat(4)}`],
    ['slack-token', `SLACK=xoxa-2-${'1234567890'}`],
    ['slack-token', `SLACK=xoxp-${'1234567890'}-abc`],
    ['npm-token', `//registry.npmjs.org/:_authToken=npm_${'aB3d'.repeat(9)}`],
  ])('finds %s', (id, text) => {
    const found = scanText('f', text).map((f) => f.pattern);
    expect(found).toContain(id);
  });

  it('reports the line of the finding', () => {
    expect(scanText('f', `a\nb\nlabel: ${JWT}\n`)[0]!.line).toBe(3);
  });

  it('does not flag certificates, checksums or base64 cloud-config', () => {
    const cert = readFileSync(join(GOLDEN_FILES, 'mesh-root-ca.pem'), 'utf8');
    const sha = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(scanText('f', `${cert}\nsha256: ${sha}\n${Buffer.from(cert).toString('base64')}`)).toEqual([]);
  });
});

describe('scanText finds exactly what each pattern finds on its own', () => {
  /** The reference: every pattern over the whole text, no prefilter. */
  const reference = (text: string) =>
    SECRET_PATTERNS.flatMap((p) => [...text.matchAll(new RegExp(p.regex.source, `${p.regex.flags.replace('g', '')}g`))].map((m) => ({ path: 'f', pattern: p.id, what: p.what, line: text.slice(0, m.index).split('\n').length })));
  const pieces = [JWT, AWS_KEY_ID, `aws_secret_access_key = ${AWS_SECRET}`, 'AWS_SECRET_ACCESS_KEY: ' + AWS_SECRET, PRIVATE_KEY, GCP_KEY, `ghp_${'a1B2'.repeat(9)}`, 'xoxb-1234567890-abc', `AccountKey=${'A'.repeat(88)}==`, 'abc8Q~' + 'x'.repeat(33), '-----BEGIN CERTIFICATE-----', 'eyJ', 'AKIA', '\n', ' ', 'x'];

  it('on texts mixing secrets, their fragments and noise', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 8 })), { maxLength: 12 }), (parts) => {
      const text = parts.join('');
      expect(scanText('f', text)).toEqual(reference(text));
    }), { numRuns: 500 });
  });
});

describe('scanBundle', () => {
  it('turns each planted secret into a BUNDLE_SECRET error at the file source pointer', () => {
    const bundle: Bundle = new Map([
      ['cluster/spire.values.yaml', { content: 'ok: true\n', mode: 0o644, source: '' }],
      ['vms/frontend/web/aws/otel/config.yaml', { content: `attributes:\n  token: "${JWT}"\n`, mode: 0o644, source: '/telemetry/resourceAttributes' }],
      ['vms/frontend/web/dc1/spire/key.pem', { content: PRIVATE_KEY, mode: 0o600, source: '/platforms/1' }],
    ]);
    const findings = scanBundle(bundle);
    expect(findings.map((f) => [f.path, f.pattern])).toEqual([
      ['vms/frontend/web/aws/otel/config.yaml', 'jwt'],
      ['vms/frontend/web/dc1/spire/key.pem', 'pem-private-key'],
    ]);
    const diags = secretFindingsToDiagnostics(findings, bundle);
    expect(diags.map((d) => [d.code, d.pointer])).toEqual([
      ['BUNDLE_SECRET', '/telemetry/resourceAttributes'],
      ['BUNDLE_SECRET', '/platforms/1'],
    ]);
    expect(diags[0]!.message).toContain('JSON Web Token');
  });
});

describe('every render is scanned', () => {
  it('refuses a spec whose free-form field carries a JWT, pointing at that field', async () => {
    const { validateSpec } = await import('../../src/spec/validate-spec.js');
    const { buildBundle } = await import('../../src/build-bundle.js');
    const { memoryFileSource } = await import('../../src/spec/files.js');
    const jsYaml = (await import('js-yaml')).default;
    const spec = jsYaml.load(readFileSync(join(PROJECT_ROOT, 'test/fixtures/golden/aws-cloudinit/spec.yaml'), 'utf8')) as Record<string, any>;
    spec.workloads[0].labels.token = JWT;
    const cert = readFileSync(join(GOLDEN_FILES, 'mesh-root-ca.pem'), 'utf8');
    const v = validateSpec({ text: jsYaml.dump(spec), file: 's.yaml', lockFile: 'x', files: memoryFileSource({ 'mesh-root-ca.pem': cert, 'spire-bundle.pem': cert }), ignoreLock: true });
    expect(v.model, v.diagnostics.map((d) => d.message).join('\n')).toBeDefined();
    const { diagnostics } = buildBundle(v.model!);
    const secrets = diagnostics.filter((d) => d.code === 'BUNDLE_SECRET');
    expect(secrets.length).toBeGreaterThan(0);
    expect(secrets.every((d) => d.pointer.startsWith('/workloads'))).toBe(true);
    // The user data carries the bootstrap gzipped: the scanner reads it decoded, as cloud-init writes it.
    expect(secrets.map((d) => d.message).join('\n')).toMatch(/into vms\/bookinfo\/ratings\/aws-prod\/user-data\.yaml \(line 8\)/);
  });
});
