/**
 * Scenario: the mirror serves a tampered artifact (same size, one byte flipped). The payload
 * must stop before installing anything, say in its status file and log which artifact failed
 * and why, and cloud-init must report the error. Tampering the first artifact downloaded and
 * the last one both must leave the machine untouched: verifying only as you go would already
 * have installed the earlier packages when the last one fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eEnv, type E2eEnv } from './harness/e2e-env.js';
import { cloudInitStatus } from './harness/first-boot-checks.js';
import { renderE2eSpec } from './harness/render-fixture.js';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('a tampered artifact', () => {
  it.each(['istio-sidecar', 'spire'] as const)('%s: the payload fails before installing anything and names the artifact', async (component) => {
    const artifact = env.artifacts.find((a) => a.component === component)!;
    const spec = await renderE2eSpec(env);
    const vm = spec.vm('ratings', 'aws-e2e');
    env.mirror.tamper(artifact.mirrorPath);
    const m = await env.boot({ userData: vm.file('user-data.yaml') });
    try {
      const ci = await cloudInitStatus(m.container, true);
      expect(ci.status).toBe('error');
      expect(ci.errors.join(' ')).toMatch(/scripts_user|runcmd/);

      const status = JSON.parse(await m.container.sh('cat /var/lib/vmonboard/status.json')) as { state: string; detail: string };
      expect(status.state).toBe('failed');
      expect(status.detail).toContain(artifact.mirrorPath);
      expect(status.detail).toMatch(/sha256 mismatch/);
      const log = await m.container.sh('cat /var/log/vmonboard/bootstrap.log');
      expect(log).toContain(`sha256 mismatch for ${env.mirror.url}/${artifact.mirrorPath}`);

      // Nothing installed: no package, no SPIRE agent, no unit, no placed config, no leftover download.
      const installed = await m.container.exec(['dpkg-query', '-W', '-f', '${Package} ${db:Status-Abbrev}\n', 'istio-sidecar', 'otelcol-contrib']);
      expect(installed.stdout.split('\n').filter((l) => /\bii\b/.test(l)), 'packages installed before the checksum failure').toEqual([]);
      const leftovers = await m.container.exec(['bash', '-c', 'ls -d /opt/spire/bin/spire-agent /etc/spire/agent/agent.conf /etc/otelcol-contrib/config.yaml /var/lib/istio/envoy/cluster.env /var/lib/vmonboard/dl/*.part 2>/dev/null; true']);
      expect(leftovers.stdout.trim()).toBe('');
      expect(env.control.events.all().filter((e) => e.event === 'start')).toEqual([]);
    } finally {
      env.mirror.untamperAll();
      env.control.events.clear();
      await m.dispose();
    }
  }, 600_000);
});
