/**
 * The harness itself, proved with a hand-written cloud-config (fixtures/minimal-cloud-config.ts)
 * before any rendered payload is involved: real systemd and cloud-init boot from the NoCloud
 * seed, download the stand-ins over verified HTTPS from the loopback mirror, the stand-ins'
 * checks reach the validation endpoint, and power_state stops the machine. Also shows that a
 * planted defect makes a stand-in fail, i.e. that the harness can fail.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minimalCloudConfig, SAMPLE_ISTIOD_HOST } from './fixtures/minimal-cloud-config.js';
import { startE2eEnv, type E2eEnv } from './harness/e2e-env.js';
import { cloudInitStatus } from './harness/first-boot-checks.js';
import { renderE2eSpec } from './harness/render-fixture.js';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
  // The hand-written agent config attests with aws_iid: configure the SPIRE server stand-in and
  // the metadata stubs from the fixture spec (its first VM's account, region and tags).
  await renderE2eSpec(env);
  // The upstream mesh sample's discovery host: istiod's serving certificate must name it.
  await env.identity.istiod.register([], [SAMPLE_ISTIOD_HOST]);
});

afterAll(async () => {
  await env?.close();
});

describe('e2e harness (hand-written cloud-config)', () => {
  it('boots, installs the stand-ins from the mirror, validates their configs, and powers off via power_state', async () => {
    env.control.events.clear();
    const since = Date.now();
    const m = await env.boot({ userData: minimalCloudConfig(env, { powerOff: true }), waitUntilBooted: false });
    try {
      // power_state runs after runcmd at the end of cloud-final: nspawn exits 0 on poweroff.
      expect(await m.container.waitForExit(120_000)).toBe(0);
      // The container is down, the tree is still mounted: read cloud-init's own verdict.
      const result = JSON.parse(readFileSync(path.join(m.root, 'var/lib/cloud/data/result.json'), 'utf8')) as { v1: { errors: string[]; datasource: string } };
      expect(result.v1.errors).toEqual([]);
      expect(result.v1.datasource).toMatch(/NoCloud/);

      const ev = env.control.events;
      // The one refusal this config earns: the sidecar has no SVID, and istiod (stand-in) refuses
      // an xDS client with neither a client certificate nor a token. Nothing else failed.
      const refusals = ev.of('pilot-agent', 'fail');
      expect(refusals.length, ev.transcript()).toBeGreaterThan(0);
      for (const r of refusals) expect(JSON.stringify(r.detail), ev.transcript()).toContain('no client certificate and no token');
      expect(ev.failures().filter((f) => !f.startsWith('pilot-agent ') && !f.startsWith('istiod ')), ev.transcript()).toEqual([]);
      // Every artifact came from the mirror, over HTTPS verified against the test CA.
      expect(env.mirror.downloads(since).map((r) => r.path).sort()).toEqual(env.artifacts.map((a) => `/${a.mirrorPath}`).sort());
      // Each stand-in had its config judged by the unit tests' validators.
      expect(env.control.validated.map((v) => v.kind).sort()).toEqual(
        expect.arrayContaining(['cluster-env', 'mesh-config', 'otel-config', 'pilot-env', 'spire-agent-config']),
      );
      // Start order: the SDS socket existed before pilot-agent started; users are the packages' users.
      const socketReady = ev.first('spire-agent', 'ready');
      const pilotStart = ev.first('pilot-agent', 'start');
      expect(socketReady && pilotStart && socketReady.seq < pilotStart.seq, ev.transcript()).toBe(true);
      expect(pilotStart?.user).toBe('istio-proxy');
      expect(ev.first('otelcol-contrib', 'start')?.user).toBe('otelcol-contrib');
      // istio-start.sh recorded its iptables calls instead of making them: clean + set up at
      // start, clean again from the unit's ExecStopPost when power_state stopped the machine.
      // ExecStopPost cleans after every run (pilot-agent is restarted after each refusal).
      const iptables = ev.of('pilot-agent', 'did').map((e) => e.detail.action);
      expect(iptables.slice(0, 2)).toEqual(['istio-clean-iptables', 'istio-iptables']);
      expect(iptables.at(-1)).toBe('istio-clean-iptables');
    } finally {
      await m.dispose();
    }
  }, 600_000);

  it('can fail: a collector config with an undefined pipeline component is rejected by the stand-in', async () => {
    env.control.events.clear();
    const broken = readFileSync(path.join(import.meta.dirname, '../fixtures/validators/otel/host-metrics.yaml'), 'utf8').replace(
      'processors: [memory_limiter, resource_detection/cloud, resource/vm]',
      'processors: [memory_limiter, resource_detection/cloud, resource/vm, batch]',
    );
    const m = await env.boot({ userData: minimalCloudConfig(env, { otelConfig: broken }) });
    try {
      await cloudInitStatus(m.container, true);
      const failures = env.control.events.of('otelcol-contrib', 'fail');
      expect(failures.length, env.control.events.transcript()).toBeGreaterThan(0);
      expect(JSON.stringify(failures[0]!.detail)).toContain('\\"batch\\" is not defined under processors');
      // systemd saw the collector fail too (it exits 1 on a rejected config).
      const state = await m.container.exec(['systemctl', 'show', '-p', 'NRestarts,ExecMainStatus', 'otelcol-contrib.service']);
      expect(state.stdout).toMatch(/ExecMainStatus=1|NRestarts=[1-9]/);
    } finally {
      await m.dispose();
    }
  }, 600_000);
});
