/**
 * The trust chain refuses what the real agents refuse (issue 13, "the booted e2e gets real TLS").
 * The positive path is every passing scenario: checkFirstBoot runs the identity checks
 * (harness/identity-checks.ts). Here, two boots that must fail for the right reason:
 *
 * - a bootstrap bundle of another CA: the SPIRE agent cannot authenticate the SPIRE server
 *   (OpenSSL: "unable to get local issuer certificate"), never opens its socket, and the payload's
 *   verify.sh says so in its output and status file;
 * - a WorkloadGroup whose service account is not the VM's: istiod refuses the sidecar's
 *   mutual-TLS identity (auto-registration's "service account mismatch"), so pilot-agent never
 *   reports ready, and verify.sh says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eEnv, type E2eEnv, type Machine } from './harness/e2e-env.js';
import { renderE2eSpec } from './harness/render-fixture.js';
import { editUserData, stagedFile } from './harness/user-data-edit.js';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
}, 900_000);

afterAll(async () => {
  await env?.close();
});

/** Runs the bundle's verify.sh in the machine with a short deadline; returns its exit code, output and status file. */
async function runVerify(m: Machine, script: string): Promise<{ code: number; output: string; status: string }> {
  const r = await m.container.exec(['bash', '-c', 'cat >/root/verify.sh && VMONBOARD_VERIFY_WAIT=20 bash /root/verify.sh'], { input: script, timeoutMs: 120_000 });
  const status = (await m.container.exec(['cat', '/var/lib/vmonboard/status.json'])).stdout;
  return { code: r.code, output: r.stdout + r.stderr, status };
}

describe('the trust chain is verified for real', () => {
  it('a bootstrap bundle of another CA: the SPIRE agent refuses the server and verify.sh says why', async () => {
    const spec = await renderE2eSpec(env);
    const vm = spec.vm('ratings', 'aws-e2e');
    const userData = editUserData(vm.file('user-data.yaml'), (cfg) => {
      const bundle = stagedFile(cfg, '/spire/bootstrap-bundle.pem');
      if (!bundle.content.includes('-----BEGIN CERTIFICATE-----')) throw new Error('the staged bootstrap bundle is not PEM');
      bundle.content = env.identity.pki.unrelatedRoot.certPem;
    });
    env.control.events.clear();
    const handshakeErrorsBefore = env.identity.spireServer.tls.handshakeErrors.length;
    const m = await env.boot({ userData, waitUntilBooted: false });
    try {
      const failure = await env.control.events.waitFor((e) => e.agent === 'spire-agent' && e.event === 'fail', 300_000);
      const reason = `cannot authenticate the SPIRE server at 127.0.0.1:${env.gateway.ports.spire} against the bootstrap bundle /etc/spire/agent/bootstrap-bundle.pem: unable to get local issuer certificate`;
      expect(failure?.detail.errors, env.control.events.transcript()).toEqual([`${reason} (x509: certificate signed by unknown authority)`]);
      // The server side saw the agent abort the handshake: the agent, not the server, refused.
      expect(env.identity.spireServer.tls.handshakeErrors.slice(handshakeErrorsBefore).join('\n')).toMatch(/alert unknown ca/);

      const v = await runVerify(m, vm.file('verify.sh'));
      expect(v.code, v.output).toBe(1);
      expect(v.output).toContain(`why: spire-agent.service: spire-agent: ${reason}`);
      expect(v.status).toMatch(/"state":"failed"/);
      expect(v.status).toContain(`spire-agent.service: spire-agent: ${reason}`);
      expect(v.status).toMatch(/checks failed: .*sds-socket spire-agent-health/);
      // Nothing was issued, nothing reached istiod.
      const all = env.control.events.all();
      expect(all.filter((e) => (e.agent === 'spire-agent' && e.event === 'ready') || e.agent === 'spire-server' || e.agent === 'istiod').map((e) => `${e.agent} ${e.event}`)).toEqual([]);
    } finally {
      await m.dispose();
    }
  }, 600_000);

  it('a WorkloadGroup of another service account: istiod refuses the SVID and pilot-agent is never ready', async () => {
    const spec = await renderE2eSpec(env);
    const vm = spec.vm('ratings', 'aws-e2e');
    // The cluster's WorkloadGroup names another service account than the one the VM's SVID carries.
    await env.identity.istiod.register([{ name: 'ratings', namespace: 'bookinfo', serviceAccount: 'bookinfo-reviews' }], []);
    env.control.events.clear();
    const m = await env.boot({ userData: vm.file('user-data.yaml'), waitUntilBooted: false });
    try {
      const failure = await env.control.events.waitFor((e) => e.agent === 'pilot-agent' && e.event === 'fail', 300_000);
      const reason = 'registration of WorkloadEntry service account mismatch: "bookinfo-ratings" vs "bookinfo-reviews"';
      expect(String((failure?.detail.errors as string[] | undefined)?.[0]), env.control.events.transcript()).toContain(`istiod refused the xDS connection at istiod-1-27.istio-system.svc:${env.gateway.ports.istiod}: ${reason}`);
      // The SVID itself was fine: SPIRE issued it and istiod verified it against the mesh root.
      expect(env.control.events.all().some((e) => e.agent === 'spire-agent' && e.event === 'did' && e.detail.action === 'attest')).toBe(true);
      expect(env.control.events.all().some((e) => e.agent === 'pilot-agent' && e.event === 'ready')).toBe(false);

      const v = await runVerify(m, vm.file('verify.sh'));
      expect(v.code, v.output).toBe(1);
      expect(v.output).toMatch(/FAIL sidecar-ready/);
      expect(v.output).toContain(`why: istio.service: /var/log/istio/istio.err.log: pilot-agent: istiod refused the xDS connection at istiod-1-27.istio-system.svc:${env.gateway.ports.istiod}: ${reason}`);
      expect(v.status).toContain('istio.service: /var/log/istio/istio.err.log: pilot-agent: istiod refused the xDS connection');
    } finally {
      await m.dispose();
      await renderE2eSpec(env); // restores the rendered WorkloadGroup for later tests
    }
  }, 600_000);
});
