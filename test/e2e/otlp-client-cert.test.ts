/**
 * Scenario: telemetry authenticated with the VM's identity. The OTel gateway's OTLP port is a TLS
 * listener that requires a client certificate and verifies it (openssl verify) against the VM's
 * SPIRE trust bundle; the collector stand-in loads the exporter's cert_file/key_file as configtls
 * does at start and connects with them. The first boot shows the collector presenting the SVID
 * the sync unit copied; the listener refuses a connection without a client certificate and one
 * with a certificate from another CA (the negative side of the stand-in).
 */
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eEnv, type E2eEnv } from './harness/e2e-env.js';
import { checkFirstBoot } from './harness/first-boot-checks.js';
import { renderE2eSpec } from './harness/render-fixture.js';
import { startOtlpMtls, type OtlpMtlsListener } from './harness/otlp-mtls.js';
import type { Machine } from './harness/e2e-env.js';

let env: E2eEnv;
let otlp: OtlpMtlsListener;
let machine: Machine | undefined;

beforeAll(async () => {
  env = await startE2eEnv();
  otlp = await startOtlpMtls({
    cert: env.ca.serverCertPem,
    key: env.ca.serverKeyPem,
    // The VM's trust bundle as the SPIRE agent wrote it (the gateway's client_ca_file: the mesh root).
    clientCa: async () => {
      if (!machine) throw new Error('no machine booted');
      return machine.container.sh('cat /run/vmonboard-svid/bundle.0.pem');
    },
  });
});

afterAll(async () => {
  await machine?.dispose();
  await otlp?.close();
  await env?.close();
});

async function until(what: string, timeoutMs: number, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Connects from the host like a client would, optionally with a certificate; resolves with the answer line ('' when closed). */
function probe(opts: { cert?: string; key?: string }): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port: otlp.port, servername: 'localhost', ca: env.ca.caCertPem, ...opts });
    let data = '';
    s.on('data', (d) => (data += d.toString()));
    s.on('close', () => resolve(data.trim()));
    s.on('error', () => resolve(data.trim()));
  });
}

describe('OTLP with the VM SVID as client certificate', () => {
  it('the collector presents the SVID the sync unit copied, and the gateway verifies it', async () => {
    const spec = await renderE2eSpec(env, (doc) => {
      doc.setIn(['eastWestGateway', 'ports', 'otlp'], otlp.port);
      // The gateway's server certificate is the run's test CA's (127.0.0.1 / localhost).
      doc.setIn(['telemetry', 'gateway', 'sni'], 'localhost');
      doc.setIn(['telemetry', 'gateway', 'ca'], doc.createNode({ file: 'files/mirror-ca.pem' }));
    });
    const vm = spec.vm('ratings', 'aws-e2e');
    expect(vm.file('otel/config.yaml')).toContain('cert_file: "/run/vmonboard-otel-svid/svid.pem"');
    env.control.events.clear();
    machine = await env.boot({ userData: vm.file('user-data.yaml') });
    expect(await checkFirstBoot(machine.container, env, spec.specPath, vm)).toEqual([]);
    const certCounts = async (): Promise<string> => machine!.container.sh('grep -c BEGIN /run/vmonboard-svid/svid.0.pem /run/vmonboard-otel-svid/svid.pem 2>&1; true');
    await until(`an accepted OTLP connection (so far: ${JSON.stringify(otlp.connections.map((c) => c.reason))}; collector: ${JSON.stringify(env.control.events.all().filter((e) => JSON.stringify(e).includes('otlp')).slice(-3))})`, 120_000, () => otlp.connections.some((c) => c.accepted)).catch(async (e: Error) => {
      throw new Error(`${e.message}; VM cert files: ${await certCounts()}`);
    });
    const accepted = otlp.connections.find((c) => c.accepted)!;
    // The sidecar's workload SVID: the registration entry of ratings (namespace bookinfo, service
    // account bookinfo-ratings) that selects the sync unit's user, istio-proxy.
    expect(accepted.spiffeId).toBe('spiffe://example.org/ns/bookinfo/sa/bookinfo-ratings');
    const exported = env.control.events.of('otelcol-contrib', 'did').find((e) => e.detail.action === 'otlp-export');
    expect(exported?.detail).toMatchObject({ client_certificate: true, answer: `ok ${accepted.spiffeId}` });
    // The collector read the copy as its own user; the copy is the sidecar's SVID, byte for byte.
    const copy = await machine.container.sh('stat -c "%U %a" /run/vmonboard-otel-svid/svid.key && cmp /run/vmonboard-otel-svid/svid.pem /run/vmonboard-svid/svid.0.pem && echo same');
    expect(copy.trim().split('\n')).toEqual(['otelcol-contrib 600', 'same']);
  }, 900_000);

  it('refuses a client without a certificate, and one whose certificate is not from the VM trust bundle', async () => {
    expect(machine, 'the previous scenario boots the VM').toBeDefined();
    const before = otlp.connections.length;
    expect(await probe({})).toBe('');
    expect(await probe({ cert: env.ca.serverCertPem, key: env.ca.serverKeyPem })).toBe('');
    const judged = otlp.connections.slice(before);
    expect(judged.map((c) => c.accepted)).toEqual([false, false]);
    expect(judged[0]!.reason).toBe('no client certificate');
    expect(judged[1]!.reason).toMatch(/openssl verify/);
  }, 120_000);
});
