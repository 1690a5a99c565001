/**
 * The SPIRE server stand-in's node attestation without a boot (fast): evidence fetched from the
 * metadata stubs over HTTP as the stand-in agent fetches it, judged by attestNode. Each attestor
 * accepts the VM its spec describes and refuses what the real server refuses (a tampered
 * signature, an account, project, tenant or subscription the server is not configured for, a
 * certificate from another CA, a proof with the wrong key, a reused join token), and a VM
 * whose selectors match no alias is attested without an alias.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../../src/model/model.js';
import { PROJECT_ROOT } from '../validators/upstream.js';
import { ControlServer } from './harness/control-server.js';
import { deriveNodeIdentity, type NodeIdentityOverrides } from './harness/node-identity.js';
import { createOnpremPki, issueHostCertificate, type OnpremPki } from './harness/onprem-pki.js';
import { openOpensslPki } from './harness/openssl-pki.js';
import { loadSpecModel } from './harness/render-spec.js';
import { AttestationJudge } from './harness/spire-attestation-judge.js';
import type { AttestReply } from './harness/spire-server-attestation.js';

let control: ControlServer;
let judge: AttestationJudge;
let model: Model;
let dir: string;
let site: OnpremPki;

beforeAll(async () => {
  control = await ControlServer.start();
  judge = new AttestationJudge(control.metadata, control.events);
  dir = mkdtempSync(path.join(tmpdir(), 'vmonboard-attest-'));
  site = await createOnpremPki(path.join(dir, 'site'), 'unused');
  // The quickstart with the x509pop platform trusting our site CA, as render-spec.ts points it.
  const q = await loadSpecModel(path.join(PROJECT_ROOT, 'examples/quickstart.yaml'));
  model = { ...q, platforms: q.platforms.map((p) => (p.attestation.type === 'x509pop' ? { ...p, attestation: { ...p.attestation, caBundle: { kind: 'inline' as const, content: site.caPem, file: 'site.pem' } } } : p)) };
  judge.trust(model);
});

afterAll(async () => {
  await control?.close();
  rmSync(dir, { recursive: true, force: true });
});

const md = async (p: string, headers: Record<string, string> = {}, method = 'GET'): Promise<string> => {
  const r = await fetch(control.url + p, { method, headers });
  expect(r.status, p).toBe(200);
  return r.text();
};
const as = (workload: string, platform: string, o: NodeIdentityOverrides = {}): void => control.metadata.setIdentity(deriveNodeIdentity(model, workload, platform, o));
const aws = async (): Promise<{ document: string; signature: string }> => {
  const token = await md('/latest/api/token', { 'x-aws-ec2-metadata-token-ttl-seconds': '60' }, 'PUT');
  const h = { 'x-aws-ec2-metadata-token': token };
  return { document: await md('/latest/dynamic/instance-identity/document', h), signature: await md('/latest/dynamic/instance-identity/signature', h) };
};
const gcpToken = (audience = 'spire-gcp-node-attestor'): Promise<string> => md(`/computeMetadata/v1/instance/service-accounts/default/identity?audience=${audience}&format=full`, { 'metadata-flavor': 'Google' });
const aliases = (r: AttestReply): string[] | string => ('aliases' in r ? r.aliases : 'error' in r ? r.error : 'challenge');

describe('SPIRE server stand-in: node attestation as the real attestors judge it', () => {
  it('aws_iid: the tagged VM gets its alias; a role selector works too; a tampered document, a foreign account or a wrong tag do not', async () => {
    as('ratings', 'aws-prod');
    expect(aliases(await judge.handle({ attestor: 'aws_iid', payload: await aws() }))).toEqual(['spiffe://example.org/vmonboard/node/aws-prod/bookinfo/ratings']);
    as('reviews', 'aws-prod');
    expect(aliases(await judge.handle({ attestor: 'aws_iid', payload: await aws() }))).toEqual(['spiffe://example.org/vmonboard/node/aws-prod/bookinfo/reviews']);

    as('ratings', 'aws-prod');
    const good = await aws();
    const forged = { ...good, document: good.document.replace('123456789012', '123456789013') };
    expect(aliases(await judge.handle({ attestor: 'aws_iid', payload: forged }))).toMatch(/signature does not verify/);

    const foreign = deriveNodeIdentity(model, 'ratings', 'aws-prod');
    foreign.aws.accountId = '999999999999';
    control.metadata.setIdentity(foreign);
    expect(aliases(await judge.handle({ attestor: 'aws_iid', payload: await aws() }))).toMatch(/account 999999999999 is not one the server can reach/);

    as('ratings', 'aws-prod', { awsTags: { app: 'billing' } });
    const r = await judge.handle({ attestor: 'aws_iid', payload: await aws() });
    expect(r).toMatchObject({ aliases: [], entries: [], unmatched: expect.arrayContaining([expect.stringMatching(/aws-prod\/bookinfo\/ratings needs aws_iid:tag:app:ratings/)]) });
    expect(control.events.all().at(-1)).toMatchObject({ agent: 'spire-server', event: 'fail' });
  });

  it('gcp_iit: the spec service account gets its alias; a project outside the allow list or another audience is refused', async () => {
    as('ratings', 'gcp-prod');
    const ok = await judge.handle({ attestor: 'gcp_iit', payload: { token: await gcpToken() } });
    expect(ok).toMatchObject({ aliases: ['spiffe://example.org/vmonboard/node/gcp-prod/bookinfo/ratings'], entries: [{ spiffe_id: 'spiffe://example.org/ns/bookinfo/sa/bookinfo-ratings', selectors: ['unix:user:istio-proxy'] }] });
    expect(aliases(await judge.handle({ attestor: 'gcp_iit', payload: { token: await gcpToken('someone-else') } }))).toMatch(/audience/);
    const other = deriveNodeIdentity(model, 'ratings', 'gcp-prod');
    other.gcp.projectId = 'not-allowed';
    control.metadata.setIdentity(other);
    expect(aliases(await judge.handle({ attestor: 'gcp_iit', payload: { token: await gcpToken() } }))).toMatch(/project not-allowed is not in projectid_allow_list/);
  });

  it('azure_imds: challenge and response; an unknown tenant, a stale nonce, a response on another connection or another subscription are refused', async () => {
    as('ratings', 'azure-prod');
    const doc = async (nonce: string): Promise<string> => (JSON.parse(await md(`/metadata/attestation/document?nonce=${nonce}`, { metadata: 'true' })) as { signature: string }).signature;
    const start = async (tenant = 'contoso.onmicrosoft.com') => (await judge.handle({ attestor: 'azure_imds', payload: { tenant_domain: tenant } })) as { challenge: string; session: string };
    let c = await start();
    expect(aliases(await judge.handle({ attestor: 'azure_imds', session: c.session, response: { document: await doc(c.challenge) } }))).toEqual(['spiffe://example.org/vmonboard/node/azure-prod/bookinfo/ratings']);
    c = await start();
    expect(aliases(await judge.handle({ attestor: 'azure_imds', session: c.session, response: { document: await doc('stale') } }))).toMatch(/nonce/);
    // The response must come on the connection that got the challenge (one AttestAgent stream).
    c = await start();
    expect(aliases(await judge.handle({ attestor: 'azure_imds', session: c.session, response: { document: await doc(c.challenge) } }, new Map()))).toMatch(/unknown attestation session/);
    c = await start('fabrikam.onmicrosoft.com');
    expect(aliases(await judge.handle({ attestor: 'azure_imds', session: c.session, response: { document: await doc(c.challenge) } }))).toMatch(/tenant "fabrikam.onmicrosoft.com" is not configured/);
    const other = deriveNodeIdentity(model, 'ratings', 'azure-prod');
    other.azure.subscriptionId = '00000000-0000-4000-8000-000000000000';
    control.metadata.setIdentity(other);
    c = await start();
    expect(aliases(await judge.handle({ attestor: 'azure_imds', session: c.session, response: { document: await doc(c.challenge) } }))).toMatch(/not in restrict_to_subscriptions/);
  });

  it('x509pop: the host certificate with the spec CN gets its alias; another CA, a wrong key or another CN do not', async () => {
    const sign = (key: string, nonce: string): string => execFileSync('openssl', ['dgst', '-sha256', '-sign', key], { input: nonce }).toString('base64');
    const attest = async (certPem: string, key: string): Promise<AttestReply> => {
      const c = (await judge.handle({ attestor: 'x509pop', payload: { certificates: [certPem] } })) as { challenge: string; session: string };
      return judge.handle({ attestor: 'x509pop', session: c.session, response: { signature: sign(key, c.challenge) } });
    };
    const host = await issueHostCertificate(site.dir!, 'h1', 'ratings.dc1.example.org');
    expect(aliases(await attest(host.certPem, path.join(site.dir!, 'h1.key')))).toEqual(['spiffe://example.org/vmonboard/node/dc1/bookinfo/ratings']);
    expect(aliases(await attest(host.certPem, path.join(site.dir!, 'ca.key')))).toMatch(/proof of possession/);
    const other = await createOnpremPki(path.join(dir, 'other'), 'ratings.dc1.example.org');
    expect(aliases(await attest(other.hostCertPem, path.join(dir, 'other/host.key')))).toMatch(/certificate verification failed: x509: certificate signed by unknown authority/);
    await issueHostCertificate(site.dir!, 'h2', 'billing.dc1.example.org');
    expect(aliases(await attest(readFileSync(path.join(site.dir!, 'h2.pem'), 'utf8'), path.join(site.dir!, 'h2.key')))).toEqual([]);
  });

  it('x509pop: a chain through a certificate that is not a CA is refused, as Go crypto/x509 refuses it for the real server', async () => {
    const sign = (key: string, nonce: string): string => execFileSync('openssl', ['dgst', '-sha256', '-sign', key], { input: nonce }).toString('base64');
    const attest = async (certs: string[], key: string): Promise<AttestReply> => {
      const c = (await judge.handle({ attestor: 'x509pop', payload: { certificates: certs } })) as { challenge: string; session: string };
      return judge.handle({ attestor: 'x509pop', session: c.session, response: { signature: sign(key, c.challenge) } });
    };
    // h3 is an ordinary host certificate of the site CA (no basicConstraints CA:TRUE); it signs a leaf for the ratings CN.
    const h3 = await issueHostCertificate(site.dir!, 'h3', 'h3.dc1.example.org');
    const pki = openOpensslPki(site.dir!);
    const child = await pki.issue('h3-child', '/CN=ratings.dc1.example.org', { certPath: pki.file('h3.pem'), keyPath: pki.file('h3.key') }, []);
    const r = await attest([child.certPem, h3.certPem], child.keyPath);
    expect(aliases(r)).toMatch(/certificate verification failed/);
  });

  it('join_token: a minted token maps the agent to its alias once', async () => {
    const token = judge.mintJoinToken('spiffe://example.org/vmonboard/node/metal/bookinfo/ratings');
    expect(aliases(await judge.handle({ attestor: 'join_token', payload: { token } }))).toEqual(['spiffe://example.org/vmonboard/node/metal/bookinfo/ratings']);
    expect(aliases(await judge.handle({ attestor: 'join_token', payload: { token } }))).toMatch(/never minted or was already used/);
  });
});
