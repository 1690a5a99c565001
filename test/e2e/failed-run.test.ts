/**
 * Scenario (issue 14 §2): a first run that fails after it installed the packages and placed the
 * configs, then a re-run. The fault is a read-only /etc/hosts (a bind mount), so the step after
 * place_configs, the east-west gateway's hosts block, fails. The re-run finds nothing to install
 * and nothing to place; only the restarts the failed run persisted in /var/lib/vmonboard/restart
 * start the agents. Without them the re-run would mark the payload applied with the SPIRE agent
 * and the sidecar never started.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { AGENT_UNITS } from './harness/boot-timeline.js';
import { applyUserData } from './harness/apply-user-data.js';
import { startE2eEnv, type E2eEnv } from './harness/e2e-env.js';
import { diagnose, expectedAgentFiles } from './harness/first-boot-checks.js';
import { renderE2eSpec } from './harness/render-fixture.js';
import { readUnitStates, waitForActive } from './harness/unit-state.js';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
});

afterAll(async () => {
  await env?.close();
});

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('a failed first run, then a re-run', () => {
  it('leaves all three units active on the payload\'s config after the re-run', async () => {
    const spec = await renderE2eSpec(env);
    const vm = spec.vm('ratings', 'aws-e2e');
    const m = await env.boot({}); // no user data: the test delivers the payload itself, twice
    try {
      const c = m.container;
      // The injected fault: /etc/hosts is read-only, so the hosts block step after place_configs fails.
      await c.sh('mount --bind /etc/hosts /etc/hosts && mount -o remount,bind,ro /etc/hosts');
      const first = await applyUserData(c, env, vm.file('user-data.yaml'), { RETRIES: '1' });
      const firstOut = first.stdout + first.stderr;
      expect(first.code, firstOut).not.toBe(0);
      expect(firstOut).toContain('cannot write the east-west gateway block into /etc/hosts');
      expect(firstOut).toMatch(/placed \/etc\/spire\/agent\/agent\.conf/);
      expect(firstOut).toMatch(/installed istio-sidecar/);
      expect(JSON.parse(await c.sh('cat /var/lib/vmonboard/status.json'))).toMatchObject({ state: 'failed', step: 'configure' });
      expect((await c.exec(['test', '-e', '/var/lib/vmonboard/payload'])).code).not.toBe(0);
      const pending = (await c.sh('sort -u /var/lib/vmonboard/restart')).split('\n').filter(Boolean);
      expect(pending).toEqual(expect.arrayContaining([...AGENT_UNITS]));
      const down = await readUnitStates(c, ['spire-agent.service', 'istio.service']);
      expect(Object.values(down).map((s) => s.activeState)).not.toContain('active');

      // The fault is gone; the same payload runs again.
      await c.sh('umount /etc/hosts');
      // The first run may have started no agent at all (the collector waits for the SVID copy), so no event yet.
      const seq = (env.control.events.all().at(-1)?.seq ?? 0) + 1;
      const again = await applyUserData(c, env, vm.file('user-data.yaml'));
      const againOut = again.stdout + again.stderr;
      expect(again.code, `${againOut}\n${await diagnose(c, env)}`).toBe(0);
      expect(againOut).not.toMatch(/^.*(placed|installed) /m);
      expect(againOut).toMatch(/restarting spire-agent\.service istio\.service otelcol-contrib\.service/);

      const states = await waitForActive(c, [...AGENT_UNITS], 60_000);
      expect(Object.values(states).map((s) => `${s.unit} ${s.activeState}`)).toEqual(AGENT_UNITS.map((u) => `${u} active`));
      expect((await c.exec(['test', '-e', '/var/lib/vmonboard/restart'])).code).not.toBe(0);
      expect(await c.sh('cat /var/lib/vmonboard/payload')).toBe(`${again.payloadHash}\n`);
      // The agents run the payload's configs: the files on disk and what each stand-in validated.
      const files = await expectedAgentFiles(spec.specPath, 'ratings', 'aws-e2e');
      for (const f of files.filter((x) => x.install !== 'hosts-block')) {
        expect(`${f.vmPath} ${(await c.sh(`sha256sum <'${f.vmPath}'`)).split(' ')[0]}`).toBe(`${f.vmPath} ${sha(f.content)}`);
      }
      const mine = env.control.events.all().filter((e) => e.seq >= seq);
      expect(mine.filter((e) => e.event === 'fail'), env.control.events.transcript()).toEqual([]);
      const socket = mine.find((e) => e.agent === 'spire-agent' && e.event === 'ready');
      const pilot = mine.find((e) => e.agent === 'pilot-agent' && e.event === 'ready');
      expect(socket && pilot && socket.seq < pilot.seq, env.control.events.transcript()).toBe(true);
      const spireConf = files.find((f) => f.vmPath === '/etc/spire/agent/agent.conf')!;
      expect(env.control.lastValidated('spire-agent-config')?.body).toBe(spireConf.content);
      const meshConf = files.find((f) => f.vmPath === '/etc/istio/config/mesh')!;
      expect(env.control.lastValidated('mesh-config')?.body).toBe(meshConf.content);
      expect(env.control.lastValidated('otel-config')?.body).toBe(files.find((f) => f.vmPath === '/etc/otelcol-contrib/config.yaml')!.content);
      expect(JSON.parse(await c.sh('cat /var/lib/vmonboard/status.json'))).toMatchObject({ state: 'ok' });
    } finally {
      await m.dispose();
    }
  }, 900_000);
});
