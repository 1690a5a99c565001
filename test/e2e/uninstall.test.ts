/**
 * Scenario: offboarding with uninstall.sh after a first boot. Afterwards no unit, package,
 * config, state, timer, process or managed /etc/hosts line remains (logs under
 * /var/log/vmonboard may, by design).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRootfs } from './harness/rootfs.js';
import { startE2eEnv, type E2eEnv } from './harness/e2e-env.js';
import { checkFirstBoot, expectedAgentFiles } from './harness/first-boot-checks.js';
import { renderE2eSpec } from './harness/render-fixture.js';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
});

afterAll(async () => {
  await env?.close();
});

/** Everything the payload or the packages add that must be gone (besides each agent file). */
const LEFTOVER_PATHS = [
  '/opt/spire', '/usr/local/bin/spire-agent', '/etc/spire', '/var/lib/spire/agent',
  '/usr/local/bin/pilot-agent', '/usr/local/bin/envoy', '/usr/local/bin/istio-start.sh', '/lib/systemd/system/istio.service', '/var/lib/istio/envoy',
  '/usr/bin/otelcol-contrib', '/lib/systemd/system/otelcol-contrib.service', '/etc/otelcol-contrib', '/var/lib/otelcol-contrib',
  '/etc/systemd/system/istio.service.d', '/etc/systemd/system/spire-agent.service', '/etc/systemd/system/vmonboard-svid-sync.service', '/etc/systemd/system/vmonboard-svid-sync.timer',
  '/etc/certs/root-cert.pem', '/etc/certs/cert-chain.pem', '/etc/certs/key.pem', '/run/vmonboard-svid',
  '/usr/local/sbin/vmonboard-verify', '/var/lib/vmonboard',
];

/** Lists the stand-in agents by process name (-x), so the pgrep's own command line cannot match. */
const AGENT_PROCESSES = "pgrep -l -x 'spire-agent|pilot-agent|envoy|otelcol-contrib' || true";

describe('uninstall.sh', () => {
  it('leaves no unit, package, config, state, timer, process or hosts line behind', async () => {
    const spec = await renderE2eSpec(env);
    const vm = spec.vm('ratings', 'aws-e2e');
    const m = await env.boot({ userData: vm.file('user-data.yaml') });
    try {
      expect(await checkFirstBoot(m.container, env, spec.specPath, vm, { skipVerify: true })).toEqual([]);
      // The process check below must be able to see the agents: before uninstalling, it does.
      const running = await m.container.exec(['bash', '-c', AGENT_PROCESSES]);
      expect(running.stdout.split('\n').filter(Boolean).map((l) => l.split(' ')[1]).sort()).toEqual(expect.arrayContaining(['otelcol-contrib', 'pilot-agent', 'spire-agent']));
      await m.container.writeFile('/root/uninstall.sh', vm.file('uninstall.sh'), '0755');
      const r = await m.container.exec(['bash', '/root/uninstall.sh'], { env: { HOME: '/root', VMONBOARD_TEST_METADATA_URL: env.control.url }, timeoutMs: 300_000 });
      expect(r.code, r.stdout + r.stderr).toBe(0);

      const c = m.container;
      const units = await c.exec(['bash', '-c', "systemctl list-unit-files --no-legend 'spire*' 'istio*' 'otelcol*' 'vmonboard*'; systemctl list-units --all --no-legend 'spire*' 'istio*' 'otelcol*' 'vmonboard*'; systemctl list-timers --all --no-legend | grep -i vmonboard; true"]);
      expect(units.stdout.trim(), 'units or timers remain').toBe('');
      const pkgs = await c.exec(['bash', '-c', "dpkg-query -W -f '${Package} ${db:Status-Abbrev}\\n' istio-sidecar otelcol-contrib 2>/dev/null; true"]);
      expect(pkgs.stdout.split('\n').filter((l) => /\b(ii|rc|iU|iF)\b/.test(l)), 'packages (or their config files) remain').toEqual([]);
      const files = (await expectedAgentFiles(spec.specPath, 'ratings', 'aws-e2e')).filter((f) => f.install !== 'hosts-block').map((f) => f.vmPath);
      const left = await c.exec(['bash', '-c', 'for p in "$@"; do [ -e "$p" ] || [ -L "$p" ] && echo "$p"; done; true', 'leftovers', ...files, ...LEFTOVER_PATHS]);
      expect(left.stdout.trim().split('\n').filter(Boolean), 'files remain').toEqual([]);
      // /etc/hosts is back to what the image had.
      const original = readFileSync(path.join((await ensureRootfs()).rootfs, 'etc/hosts'), 'utf8');
      expect(await c.sh('cat /etc/hosts')).toBe(original);
      const procs = await c.exec(['bash', '-c', AGENT_PROCESSES]);
      expect(procs.stdout.trim(), 'agent processes still run').toBe('');
    } finally {
      await m.dispose();
    }
  }, 600_000);
});
