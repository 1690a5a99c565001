/**
 * Scenario (issue 14 §3): a VM moves from one Istio version and revision to the next, the canary
 * way cluster/README.md describes. It boots on Istio 1.27.1 / revision 1-27; the spec then moves
 * to 1.28.0 / 1-28 with previousRevisions [1-27] (the cluster keeps both istiod routes, each under
 * its own name), and the VM's new payload is re-run. The stand-in istio-sidecar package carries
 * its version (dpkg, `pilot-agent version`, and the version pilot-agent reports when ready), so
 * the test sees the new sidecar running on the new revision's istiod address, with the three
 * units active after it.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jsYaml from 'js-yaml';
import { AGENT_UNITS } from './harness/boot-timeline.js';
import { applyUserData } from './harness/apply-user-data.js';
import { DEFAULT_STANDIN_VERSIONS, startE2eEnv, type E2eEnv } from './harness/e2e-env.js';
import { checkFirstBoot, diagnose, expectedAgentFiles } from './harness/first-boot-checks.js';
import { renderE2eSpec } from './harness/render-fixture.js';
import { readUnitStates, waitForActive } from './harness/unit-state.js';
import { buildStandins } from './standins/build-standins.js';

const NEXT = { istio: '1.28.0', revision: '1-28' };
let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
  // The next Istio release's sidecar package, beside the first one on the mirror and in the lock.
  const next = await buildStandins(path.join(env.workDir, 'standins-next'), { ...DEFAULT_STANDIN_VERSIONS, istio: NEXT.istio });
  const sidecar = next.find((a) => a.component === 'istio-sidecar')!;
  env.mirror.put(sidecar.mirrorPath, sidecar.bytes);
  env.artifacts.push(sidecar);
});

afterAll(async () => {
  await env?.close();
});

describe('an Istio revision upgrade', () => {
  it('moves a booted VM from 1.27.1 / 1-27 to 1.28.0 / 1-28 with the three units active', async () => {
    const before = await renderE2eSpec(env);
    const vm1 = before.vm('ratings', 'aws-e2e');
    const m = await env.boot({ userData: vm1.file('user-data.yaml') });
    try {
      const c = m.container;
      expect(await checkFirstBoot(c, env, before.specPath, vm1, { skipVerify: true })).toEqual([]);
      expect(await c.sh("dpkg-query -W -f='${Version}' istio-sidecar")).toBe(DEFAULT_STANDIN_VERSIONS.istio);
      const old = await readUnitStates(c, [...AGENT_UNITS]);

      const after = await renderE2eSpec(env, (doc) => {
        doc.setIn(['mesh', 'istio', 'version'], NEXT.istio);
        doc.setIn(['mesh', 'istio', 'revision'], NEXT.revision);
        doc.setIn(['mesh', 'istio', 'previousRevisions'], doc.createNode(['1-27']));
      });
      // The cluster side of the same render keeps the old revision's route beside the new one.
      const mesh = jsYaml.load(String(after.bundle.get('cluster/mesh-registration.values.yaml')!.content)) as { eastWest: { istiod: { revision: string; previousRevisions: Array<{ revision: string }> } } };
      expect(mesh.eastWest.istiod.revision).toBe(NEXT.revision);
      expect(mesh.eastWest.istiod.previousRevisions.map((p) => p.revision)).toEqual(['1-27']);

      const seq = env.control.events.all().at(-1)!.seq + 1;
      const run = await applyUserData(c, env, after.vm('ratings', 'aws-e2e').file('user-data.yaml'));
      expect(run.code, `${run.stdout}${run.stderr}\n${await diagnose(c, env)}`).toBe(0);
      expect(run.stdout + run.stderr).toMatch(/installed istio-sidecar/);

      const states = await waitForActive(c, [...AGENT_UNITS], 120_000);
      expect(Object.values(states).map((s) => `${s.unit} ${s.activeState}`)).toEqual(AGENT_UNITS.map((u) => `${u} active`));
      // The sidecar is a new process of the new package, on the new revision's istiod.
      expect(states['istio.service']!.invocationId).not.toBe(old['istio.service']!.invocationId);
      expect(await c.sh("dpkg-query -W -f='${Version}' istio-sidecar")).toBe(NEXT.istio);
      expect(await c.sh('/usr/local/bin/pilot-agent version')).toContain(`Version:"${NEXT.istio}"`);
      const ready = await env.control.events.waitFor((e) => e.seq >= seq && e.agent === 'pilot-agent' && e.event === 'ready', 60_000);
      expect(ready?.detail.version, env.control.events.transcript()).toBe(NEXT.istio);
      const istiod = `istiod-${NEXT.revision}.istio-system.svc`;
      expect(env.control.lastValidated('mesh-config')?.body).toContain(`discoveryAddress: "${istiod}:`);
      expect(await c.sh('cat /var/lib/istio/envoy/cluster.env')).toMatch(new RegExp(`^PILOT_ADDRESS='${istiod.replace(/\./g, '\\.')}:\\d+'$`, 'm'));
      expect(await c.sh('cat /etc/hosts')).toMatch(new RegExp(`^\\S+ ${istiod.replace(/\./g, '\\.')}( |$)`, 'm'));
      expect(await c.sh('cat /etc/hosts')).not.toContain('istiod-1-27.');
      const files = await expectedAgentFiles(after.specPath, 'ratings', 'aws-e2e');
      for (const f of files.filter((x) => x.install !== 'hosts-block')) expect(await c.sh(`cat '${f.vmPath}'`), f.vmPath).toBe(f.content);
      expect(env.control.events.all().filter((e) => e.seq >= seq && e.event === 'fail'), env.control.events.transcript()).toEqual([]);
      expect(await c.sh('cat /var/lib/vmonboard/payload')).toBe(`${run.payloadHash}\n`);
      expect((await c.exec(['test', '-e', '/var/lib/vmonboard/restart'])).code).not.toBe(0);
    } finally {
      await m.dispose();
    }
  }, 900_000);
});
