/**
 * Scenario: cloud-init first boot of the rendered AWS payload (user-data.yaml, NoCloud seed),
 * with the stand-in packages from the loopback mirror and the IMDSv2 stub. Everything a first
 * boot must achieve is checked by checkFirstBoot; the boot-time figure is logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBootTimeline } from './harness/boot-timeline.js';
import { startE2eEnv, type E2eEnv } from './harness/e2e-env.js';
import { checkFirstBoot, diagnose } from './harness/first-boot-checks.js';
import { renderE2eSpec } from './harness/render-fixture.js';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('cloud-init first boot (AWS, Debian 12)', () => {
  it('installs, configures and starts the three agents; verify.sh passes', async () => {
    const spec = await renderE2eSpec(env);
    const vm = spec.vm('ratings', 'aws-e2e');
    const since = Date.now();
    const seq = env.control.events.all().length ? env.control.events.all().at(-1)!.seq + 1 : 0;
    const m = await env.boot({ userData: vm.file('user-data.yaml') });
    try {
      const problems = await checkFirstBoot(m.container, env, spec.specPath, vm, { sinceSeq: seq });
      expect(problems, await diagnose(m.container, env)).toEqual([]);

      // Everything came from the mirror (over HTTPS, verified against the test CA), once each.
      expect(env.mirror.downloads(since).map((r) => r.path).sort()).toEqual(env.artifacts.map((a) => `/${a.mirrorPath}`).sort());
      // The identity check used IMDSv2: a token PUT, then reads carrying it (the stub refuses anything else).
      const md = env.control.metadata.requests;
      expect(md.find((r) => r.method === 'PUT' && r.path === '/latest/api/token')?.status).toBe(200);
      expect(md.filter((r) => r.cloud === 'aws' && r.status !== 200)).toEqual([]);
      // The bootstrap logged to /var/log/vmonboard and recorded its version marker.
      expect(await m.container.sh('test -s /var/log/vmonboard/bootstrap.log && cat /var/lib/vmonboard/payload')).toMatch(/^[0-9a-f]{64}\n$/);

      const t = await readBootTimeline(m.container);
      console.info(`[e2e boot time] cloud-final start → three units active: ${t.cloudFinalToAgentsMs} ms ${JSON.stringify(t.perUnitMs)}; boot → cloud-final ${t.bootToCloudFinalMs} ms; nspawn → systemd up ${m.container.bootMs[0]} ms`);
    } finally {
      await m.dispose();
    }
  }, 600_000);
});
