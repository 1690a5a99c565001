/**
 * The secrets policy, kind by kind. Join tokens and private keys can only be references: an inline
 * value is SECRET_INLINE at its field. Cloud credentials and passwords have no field of their own;
 * the places they could be typed are URLs (user:password@ is URL_CREDENTIALS) and free-form text
 * (the bundle scanner refuses the render with BUNDLE_SECRET). A reference becomes fetch code in
 * the payload and never a value.
 *
 * What happens at boot is tested where the payload is run: test/delivery/secrets.test.ts fetches
 * from every store (aws-ssm, aws-secretsmanager, gcp-secretmanager, azure-keyvault) and file://
 * in a sandbox, asserting the 0600 file, its owner, and that the value is in no log line and no
 * argv; test/hardening/canary-sandbox.test.ts checks the x509pop key is 0600 after the config
 * steps of every hostile payload; test/security/scan-bundle.test.ts plants keys, JWTs and cloud
 * credentials in specs and files.
 */
import { describe, expect, it } from 'vitest';
import { buildBundle } from '../../src/build-bundle.js';
import { check, findings, baseSpec } from '../spec/spec-builder.js';

const PEM_KEY = ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj', '-----END PRIVATE KEY-----'].join('\n');
/** AWS's documented example key pair (docs.aws.amazon.com, "Understanding access keys"): a credential by shape, valid nowhere. */
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** The base spec with its on-prem platform attesting by join token. */
function joinTokenSpec(tokenRef: string): Record<string, any> {
  const s = baseSpec();
  delete s.platforms[1].x509pop;
  s.platforms[1].joinToken = { tokenRef };
  delete s.workloads[0].platforms[1].selectors;
  return s;
}

/** Renders a valid spec; returns every text file of the bundle, joined, and the render's error codes. */
function renderText(spec: Record<string, any>): { text: string; errors: string[] } {
  const r = check(spec);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const built = buildBundle(r.model!);
  const text = [...built.bundle.values()].map((f) => (typeof f.content === 'string' ? f.content : '')).join('\n');
  return { text, errors: built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code) };
}

describe('secrets policy, by kind', () => {
  it('join token: an inline value is SECRET_INLINE; a file:// reference becomes a check of the host file', () => {
    expect(findings(check(joinTokenSpec('a3f1c2d4e5f60718293a4b5c6d7e8f90')))).toEqual([['SECRET_INLINE', '/platforms/1/joinToken/tokenRef']]);
    const { text, errors } = renderText(joinTokenSpec('file:///etc/vmonboard/join-token'));
    expect(errors).toEqual([]);
    expect(text).toContain("file_secret '/etc/vmonboard/join-token'");
    expect(text).toMatch(/\n\s+fetch_secrets\n/);
  });

  it('private key: an inline PEM is SECRET_INLINE; a file:// reference becomes a check of the host file', () => {
    const inline = baseSpec();
    inline.platforms[1].x509pop.privateKey = PEM_KEY;
    expect(findings(check(inline))).toEqual([['SECRET_INLINE', '/platforms/1/x509pop/privateKey']]);
    const { text, errors } = renderText(baseSpec());
    expect(errors).toEqual([]);
    expect(text).toContain("file_secret '/etc/pki/host.key'");
    expect(text).not.toContain('PRIVATE KEY-----');
  });

  it('cloud credentials and passwords in URLs: URL_CREDENTIALS for the mirror, the proxies and overrides', () => {
    const s = baseSpec();
    s.artifacts = {
      mirror: `https://${AWS_KEY}:${encodeURIComponent(AWS_SECRET)}@mirror.example.com/repo`,
      proxy: { http: 'http://ops:hunter2@proxy.example.com:3128', https: 'https://ops:hunter2@proxy.example.com:3129' },
      components: { 'istio-sidecar': { urls: { 'deb/amd64': 'https://token:x-oauth@downloads.example.com/istio.deb' } } },
    };
    expect(findings(check(s)).filter(([code]) => code === 'URL_CREDENTIALS').map(([, p]) => p).sort()).toEqual([
      '/artifacts/components/istio-sidecar/urls/deb~1amd64',
      '/artifacts/mirror',
      '/artifacts/proxy/http',
      '/artifacts/proxy/https',
    ]);
  });

  it('cloud credentials and keys typed into free-form text: the render is refused with BUNDLE_SECRET', () => {
    for (const planted of [`${AWS_KEY} ${AWS_SECRET}`, PEM_KEY]) {
      const s = baseSpec();
      s.workloads[0].annotations = { 'example.com/note': planted };
      const r = check(s);
      expect(r.model, 'free-form text validates').toBeDefined();
      expect(buildBundle(r.model!).diagnostics.map((d) => d.code)).toContain('BUNDLE_SECRET');
    }
  });
});
