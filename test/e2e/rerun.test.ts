/**
 * Scenario: the same bootstrap run again on a booted machine, as GCE's every-boot
 * startup-script (the guest agent runs it as a child process) or an operator would (cloud-init runs runcmd once per instance, so a second
 * boot alone proves nothing). The version marker must make it a no-op: nothing downloaded or
 * reinstalled, no hosts line duplicated, no unit restarted. Then a reboot: all three units
 * come back, in the right order, with no failed check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_UNITS } from './harness/boot-timeline.js';
import { startE2eEnv, type E2eEnv } from './harness/e2e-env.js';
import { checkFirstBoot } from './harness/first-boot-checks.js';
import { renderE2eSpec } from './harness/render-fixture.js';
import { readUnitStates, waitForActive } from './harness/unit-state.js';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
});

afterAll(async () => {
  await env?.close();
});

/** What a no-op must leave untouched: package file lists, the SPIRE binary, the markers, /etc/hosts. */
const FOOTPRINT = [
  'stat -c "%n %Y %i" /var/lib/dpkg/info/istio-sidecar.list /var/lib/dpkg/info/otelcol-contrib.list /opt/spire/bin/spire-agent',
  'cat /var/lib/vmonboard/payload /var/lib/vmonboard/installed/*',
  'sha256sum /etc/hosts /etc/spire/agent/agent.conf /var/lib/istio/envoy/cluster.env /etc/otelcol-contrib/config.yaml',
].join(' && ');

describe('re-running the bootstrap', () => {
  it('is a no-op for the same payload, and all three units come back after a reboot', async () => {
    const spec = await renderE2eSpec(env);
    const vm = spec.vm('ratings', 'aws-e2e');
    const m = await env.boot({ userData: vm.file('user-data.yaml') });
    try {
      expect(await checkFirstBoot(m.container, env, spec.specPath, vm, { skipVerify: true })).toEqual([]);
      const before = await readUnitStates(m.container, [...AGENT_UNITS]);
      const footprint = await m.container.sh(FOOTPRINT);
      const since = Date.now();
      const seq = env.control.events.all().at(-1)!.seq + 1;

      // As GCE's guest agent runs a startup-script: a child process as root, no HOME, its output
      // read until EOF (the metadata override is the only variable the test adds).
      const logBefore = (await m.container.sh('wc -c </var/log/vmonboard/bootstrap.log')).trim();
      const rerun = await m.container.exec(
        ['env', '-i', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `VMONBOARD_TEST_METADATA_URL=${env.control.url}`, '/bin/bash', '/var/lib/vmonboard/bootstrap.sh'],
        { timeoutMs: 300_000 },
      );
      expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
      expect(rerun.stdout + rerun.stderr).toMatch(/already applied; nothing to do/);
      expect(await m.container.sh(`tail -c +$((${logBefore} + 1)) /var/log/vmonboard/bootstrap.log`)).toMatch(/already applied; nothing to do/);

      const after = await readUnitStates(m.container, [...AGENT_UNITS]);
      for (const u of AGENT_UNITS) {
        expect({ unit: u, invocation: after[u]!.invocationId, restarts: after[u]!.nRestarts }).toEqual({ unit: u, invocation: before[u]!.invocationId, restarts: before[u]!.nRestarts });
      }
      expect(env.mirror.requests.filter((r) => r.at >= since)).toEqual([]);
      expect(await m.container.sh(FOOTPRINT)).toBe(footprint);
      expect(env.control.events.all().filter((e) => e.seq >= seq && e.event === 'start')).toEqual([]);

      // A reboot: same instance, so cloud-init does not run the payload again; the units come back on their own.
      const rebootSeq = env.control.events.all().at(-1)!.seq + 1;
      await m.container.reboot();
      const states = await waitForActive(m.container, [...AGENT_UNITS], 120_000);
      expect(Object.values(states).map((s) => `${s.unit} ${s.activeState}`)).toEqual(AGENT_UNITS.map((u) => `${u} active`));
      // A unit is active as soon as its main process runs; the agents report ready a little later.
      for (const agent of ['pilot-agent', 'otelcol-contrib'] as const) {
        expect(await env.control.events.waitFor((e) => e.seq >= rebootSeq && e.agent === agent && e.event === 'ready', 60_000), `${agent} ready after the reboot`).toBeDefined();
      }
      const ev = env.control.events.all().filter((e) => e.seq >= rebootSeq);
      const socket = ev.find((e) => e.agent === 'spire-agent' && e.event === 'ready');
      const pilot = ev.find((e) => e.agent === 'pilot-agent' && e.event === 'start');
      expect(socket && pilot && socket.seq < pilot.seq, env.control.events.transcript()).toBe(true);
      expect(ev.filter((e) => e.event === 'fail')).toEqual([]);
      expect(await m.container.sh(FOOTPRINT)).toBe(footprint);
    } finally {
      await m.dispose();
    }
  }, 600_000);
});
