/**
 * Scenario: a changed spec (one collector setting) re-applied to a booted machine. The newer
 * payload converges: the changed file is replaced, the version marker moves, and only the unit
 * that reads that file restarts; the SPIRE agent and the sidecar keep running untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_UNITS } from './harness/boot-timeline.js';
import { startE2eEnv, type E2eEnv } from './harness/e2e-env.js';
import { checkFirstBoot, expectedAgentFiles } from './harness/first-boot-checks.js';
import { renderE2eSpec } from './harness/render-fixture.js';
import { readUnitStates, waitForActive } from './harness/unit-state.js';
import { readUserData } from './harness/user-data-edit.js';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('converging to a changed spec', () => {
  it('replaces the changed config and restarts only the collector', async () => {
    const spec = await renderE2eSpec(env);
    const vm = spec.vm('ratings', 'aws-e2e');
    const m = await env.boot({ userData: vm.file('user-data.yaml') });
    try {
      expect(await checkFirstBoot(m.container, env, spec.specPath, vm, { skipVerify: true })).toEqual([]);
      const before = await readUnitStates(m.container, [...AGENT_UNITS]);
      const oldMarker = await m.container.sh('cat /var/lib/vmonboard/payload');

      const changed = await renderE2eSpec(env, (doc) => doc.setIn(['telemetry', 'resourceAttributes', 'deployment.environment'], 'e2e-converged'));
      const vm2 = changed.vm('ratings', 'aws-e2e');
      // Re-apply as cloud-init would deliver the new user data: its write_files (decoded), then its one runcmd.
      const cfg = readUserData(vm2.file('user-data.yaml')) as { write_files: Array<{ path: string; permissions: string; content: string }>; runcmd: string[][] };
      for (const f of cfg.write_files) await m.container.writeFile(f.path, f.content, f.permissions);
      expect(cfg.runcmd).toEqual([['/bin/bash', '/var/lib/vmonboard/bootstrap.sh']]);
      const seq = env.control.events.all().at(-1)!.seq + 1;
      const run = await m.container.exec(['env', `VMONBOARD_TEST_METADATA_URL=${env.control.url}`, ...cfg.runcmd[0]!], { timeoutMs: 300_000 });
      expect(run.code, run.stdout + run.stderr).toBe(0);

      const after = await waitForActive(m.container, [...AGENT_UNITS], 60_000);
      expect(after['otelcol-contrib.service']!.invocationId).not.toBe(before['otelcol-contrib.service']!.invocationId);
      for (const u of ['spire-agent.service', 'istio.service']) {
        expect({ u, inv: after[u]!.invocationId, restarts: after[u]!.nRestarts }).toEqual({ u, inv: before[u]!.invocationId, restarts: 0 });
      }
      // The collector now runs the new value, checked by its validator; the marker is the new payload.
      const otel = env.control.lastValidated('otel-config');
      expect(otel?.response.errors).toEqual([]);
      expect(otel?.body).toContain('e2e-converged');
      expect(env.control.events.all().filter((e) => e.seq >= seq && e.event === 'fail')).toEqual([]);
      const marker = await m.container.sh('cat /var/lib/vmonboard/payload');
      expect(marker).not.toBe(oldMarker);
      const files = await expectedAgentFiles(changed.specPath, 'ratings', 'aws-e2e');
      const otelConfig = files.find((f) => f.vmPath === '/etc/otelcol-contrib/config.yaml')!;
      expect(await m.container.sh('cat /etc/otelcol-contrib/config.yaml')).toBe(otelConfig.content);
    } finally {
      await m.dispose();
    }
  }, 600_000);
});
