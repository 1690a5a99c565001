/**
 * The e2e's identity side without booting a machine: the mesh PKI is shaped as SPIRE shapes its
 * CAs and SVIDs, and both TLS stand-ins accept and refuse what the real servers would, judged by
 * Go's crypto/x509, `openssl verify` and Node's TLS (OpenSSL) clients. The booted scenarios
 * (trust.test.ts, every checkFirstBoot) then drive the same servers from the container.
 */
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayStub } from './harness/gateway-stub.js';
import { MetadataStub } from './harness/metadata-stub.js';
import { goVerify } from './harness/go-x509.js';
import { requireHostTool } from './harness/host-tools.js';
import { opensslVerify } from './harness/identity-checks.js';
import { loadSpecModel } from './harness/render-spec.js';
import { PROJECT_ROOT } from '../validators/upstream.js';
import { startMeshIdentity, type MeshIdentity } from './harness/mesh-identity.js';
import { runOk } from './harness/run.js';
import { StandinEvents } from './harness/standin-events.js';

let dir: string;
let gateway: GatewayStub;
let id: MeshIdentity;
const events = new StandinEvents();
const TD = 'example.org';
const WORKLOAD = `spiffe://${TD}/ns/bookinfo/sa/bookinfo-ratings`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vmonboard-mesh-identity-'));
  gateway = await GatewayStub.start();
  id = await startMeshIdentity(dir, events, gateway, new MetadataStub());
  // Node attestation judges evidence against a spec; join tokens (minted per alias) need no cloud.
  id.spireServer.trust(await loadSpecModel(path.join(PROJECT_ROOT, 'examples/quickstart.yaml')));
  id.spireServer.register({
    'ratings-node': { parentID: `spiffe://${TD}/spire/server`, spiffeID: `spiffe://${TD}/vmonboard/node/aws/bookinfo/ratings`, selectors: ['aws_iid:tag:app:ratings'] },
    'ratings-sidecar': { parentID: `spiffe://${TD}/vmonboard/node/aws/bookinfo/ratings`, spiffeID: WORKLOAD, selectors: ['unix:user:istio-proxy'] },
  });
  await id.istiod.register([{ name: 'ratings', namespace: 'bookinfo', serviceAccount: 'bookinfo-ratings' }], ['istiod-1-27.istio-system.svc']);
}, 120_000);

afterAll(async () => {
  await id?.close();
  await gateway?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const RATINGS_NODE = `spiffe://${TD}/vmonboard/node/aws/bookinfo/ratings`;
/** An attest request with a fresh single-use join token for `alias`. */
const attestAs = (alias = RATINGS_NODE): object => ({ op: 'attest', attestor: 'join_token', trust_domain: TD, payload: { token: id.spireServer.mintJoinToken(alias) } });

/** A CSR for a fresh P-256 key, as the agent stand-in makes it. */
async function csr(): Promise<{ keyPem: string; csrPem: string }> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keyFile = path.join(dir, `k-${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(keyFile, keyPem);
  const csrPem = await runOk(requireHostTool('openssl'), ['req', '-new', '-key', keyFile, '-subj', '/O=SPIRE']);
  return { keyPem, csrPem };
}

/** One JSON-line exchange over TLS through the gateway's `role` port. */
function exchange(role: 'spire' | 'istiod', opts: { ca: string; servername?: string; cert?: string; key?: string }, requests: object[]): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: gateway.ports[role], ca: opts.ca, cert: opts.cert, key: opts.key, servername: opts.servername,
      // SPIRE authorizes the server's SPIFFE ID instead of a host name.
      ...(role === 'spire' ? { checkServerIdentity: () => undefined } : {}) });
    const replies: Array<Record<string, unknown>> = [];
    let buf = '';
    s.on('error', reject);
    s.on('secureConnect', () => s.write(`${JSON.stringify(requests[0])}\n`));
    s.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        replies.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
        buf = buf.slice(nl + 1);
        if (replies.length === requests.length) {
          s.end();
          resolve(replies);
        } else s.write(`${JSON.stringify(requests[replies.length])}\n`);
      }
    });
  });
}

describe('mesh PKI', () => {
  it('shapes the SPIRE signing CA as buildX509CATemplate: CA, no path length, keyCertSign+cRLSign, the trust domain URI', async () => {
    const text = await runOk(requireHostTool('openssl'), ['x509', '-noout', '-text', '-in', id.pki.spireSigningCa.certPath]);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\n\s+CA:TRUE\n/);
    expect(text).toMatch(/X509v3 Key Usage: critical\n\s+Certificate Sign, CRL Sign\n/);
    expect(text).toContain(`URI:spiffe://${TD}`);
    expect(text).toMatch(/Subject: C ?= ?US, O ?= ?SPIFFE, serialNumber ?= ?\d+/);
  });

  it('chains the server SVID and a workload SVID to the mesh root, for Go and openssl', async () => {
    const server = await goVerify(id.pki.serverSvid.chainPem, id.pki.root.certPem, 'server');
    expect(server).toMatchObject({ ok: true, uris: [`spiffe://${TD}/spire/server`] });
    const { csrPem } = await csr();
    const svid = await id.pki.signWorkloadSvid(csrPem, WORKLOAD);
    expect(await goVerify(svid.chain.join(''), id.pki.root.certPem, 'client')).toMatchObject({ ok: true, uris: [WORKLOAD] });
    expect((await opensslVerify(svid.chain.join(''), id.pki.root.certPem, 'sslclient')).ok).toBe(true);
    // Against another root: the verifiers' own reasons.
    expect((await goVerify(svid.chain.join(''), id.pki.unrelatedRoot.certPem, 'client')).error).toMatch(/x509: certificate signed by unknown authority/);
    expect((await opensslVerify(svid.chain.join(''), id.pki.unrelatedRoot.certPem, 'sslclient')).output).toMatch(/unable to get local issuer certificate/);
  });
});

describe('SPIRE server stand-in', () => {
  it('serves its SVID chain: a client with the mesh root completes the handshake; with another root it does not', async () => {
    const [att] = await exchange('spire', { ca: id.pki.root.certPem }, [attestAs()]);
    expect(att).toMatchObject({ aliases: [`spiffe://${TD}/vmonboard/node/aws/bookinfo/ratings`], entries: [{ spiffe_id: WORKLOAD, selectors: ['unix:user:istio-proxy'] }] });
    await expect(exchange('spire', { ca: id.pki.unrelatedRoot.certPem }, [{ op: 'attest' }])).rejects.toThrow(/unable to get local issuer certificate/);
  });

  it('lets a restarted agent resume only with the agent SVID it issued (mTLS), never by naming an agent ID', async () => {
    const { keyPem, csrPem } = await csr();
    const [att] = await exchange('spire', { ca: id.pki.root.certPem }, [{ ...attestAs(), agent_csr: csrPem }]);
    const agentId = att!.agent_id as string;
    const agentSvid = att!.agent_svid as string[];
    expect(agentSvid.length).toBe(3);
    expect(new X509Certificate(agentSvid[0]!).subjectAltName).toBe(`URI:${agentId}`);
    // Agent IDs are not secret (uninstall.sh prints them): naming one must not be enough.
    const [named] = await exchange('spire', { ca: id.pki.root.certPem }, [{ op: 'attest', trust_domain: TD, resume: agentId }]);
    expect(named!.error).toMatch(/presents no agent SVID/);
    const [resumed] = await exchange('spire', { ca: id.pki.root.certPem, cert: agentSvid.join(''), key: keyPem }, [{ op: 'attest', trust_domain: TD, resume: agentId }]);
    expect(resumed).toMatchObject({ agent_id: agentId, aliases: [RATINGS_NODE] });
  });

  it('signs only the entries the attested node may have, and only a valid CSR', async () => {
    const { csrPem } = await csr();
    const [, ok] = await exchange('spire', { ca: id.pki.root.certPem }, [attestAs(), { op: 'sign', spiffe_id: WORKLOAD, csr: csrPem }]);
    expect((ok!.chain as string[]).length).toBe(3);
    expect(ok!.bundle).toBe(id.pki.root.certPem);
    const [, other] = await exchange('spire', { ca: id.pki.root.certPem }, [attestAs(), { op: 'sign', spiffe_id: `spiffe://${TD}/ns/other/sa/x`, csr: csrPem }]);
    expect(other!.error).toMatch(/not authorized to mint an SVID/);
    // A token for an alias the server has no entry for: attested, but nothing to issue.
    const [noAlias, none] = await exchange('spire', { ca: id.pki.root.certPem }, [attestAs(`spiffe://${TD}/vmonboard/node/elsewhere`), { op: 'sign', spiffe_id: WORKLOAD, csr: csrPem }]);
    expect(noAlias).toMatchObject({ aliases: [], entries: [] });
    expect(none!.error).toMatch(/not authorized/);
    // Evidence the server never issued: refused before anything can be signed.
    const [forged, refused] = await exchange('spire', { ca: id.pki.root.certPem }, [{ op: 'attest', attestor: 'join_token', trust_domain: TD, payload: { token: 'f'.repeat(32) } }, { op: 'sign', spiffe_id: WORKLOAD, csr: csrPem }]);
    expect(forged!.error).toMatch(/failed to attest: join_token: the token was never minted/);
    expect(refused!.error).toMatch(/not authorized/);
    // A CSR whose self-signature does not match (last signature byte flipped): openssl refuses to sign it.
    const der = Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der.writeUInt8(der.readUInt8(der.length - 1) ^ 0x01, der.length - 1);
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`;
    const [, bad] = await exchange('spire', { ca: id.pki.root.certPem }, [attestAs(), { op: 'sign', spiffe_id: WORKLOAD, csr: tampered }]);
    expect(bad!.error).toMatch(/stand-in server error: .*openssl x509 -req/s);
  });
});

describe('istiod stand-in', () => {
  const meta = { namespace: 'bookinfo', service_account: 'bookinfo-ratings', auto_register_group: 'ratings' };
  const host = 'istiod-1-27.istio-system.svc';

  async function svidFor(spiffeId: string): Promise<{ cert: string; key: string }> {
    const { keyPem, csrPem } = await csr();
    const s = await id.pki.signWorkloadSvid(csrPem, spiffeId);
    return { cert: s.chain.join(''), key: createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'pem' }).toString() };
  }

  it('accepts the SVID of the WorkloadGroup service account, with its serving certificate for the discovery host', async () => {
    const [r] = await exchange('istiod', { ca: id.pki.root.certPem, servername: host, ...(await svidFor(WORKLOAD)) }, [meta]);
    expect(r).toEqual({ ok: true, identity: WORKLOAD, workload_group: 'bookinfo/ratings' });
  });

  it('refuses no certificate, another identity and a missing WorkloadGroup', async () => {
    expect((await exchange('istiod', { ca: id.pki.root.certPem, servername: host }, [meta]))[0]!.error).toMatch(/no client certificate and no token/);
    const other = await svidFor(`spiffe://${TD}/ns/bookinfo/sa/bookinfo-reviews`);
    expect((await exchange('istiod', { ca: id.pki.root.certPem, servername: host, ...other }, [meta]))[0]!.error).toMatch(/no identities .* matched bookinfo\/bookinfo-ratings/);
    expect((await exchange('istiod', { ca: id.pki.root.certPem, servername: host, ...other }, [{ ...meta, service_account: 'bookinfo-reviews' }]))[0]!.error)
      .toBe('registration of WorkloadEntry service account mismatch: "bookinfo-reviews" vs "bookinfo-ratings"');
    expect((await exchange('istiod', { ca: id.pki.root.certPem, servername: host, ...(await svidFor(WORKLOAD)) }, [{ ...meta, auto_register_group: 'nope' }]))[0]!.error)
      .toBe('auto-registration failed: cannot find WorkloadGroup bookinfo/nope');
  });

  it('refuses a client certificate from another root (a self-signed SVID)', async () => {
    const key = path.join(dir, 'self.key');
    const crt = path.join(dir, 'self.pem');
    await runOk(requireHostTool('openssl'), ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', '/O=SPIRE', '-addext', `subjectAltName=URI:${WORKLOAD}`]);
    const [r] = await exchange('istiod', { ca: id.pki.root.certPem, servername: host, cert: readFileSync(crt, 'utf8'), key: readFileSync(key, 'utf8') }, [meta]);
    expect(r!.error).toMatch(/client certificate does not verify against the mesh root: .*(SELF_SIGNED|self.signed)/i);
  });

  it('presents a serving certificate the mesh root verifies only for the discovery host names', async () => {
    await expect(exchange('istiod', { ca: id.pki.root.certPem, servername: 'evil.example.com', ...(await svidFor(WORKLOAD)) }, [meta])).rejects.toThrow(/Hostname\/IP does not match/);
  });
});
