/**
 * Scenario: the on-prem payload, install.sh, run by an operator in a booted machine that got no
 * user data (x509pop attestation: the host certificate and key were provisioned beforehand).
 * The same first-boot checks apply; no metadata service is involved.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eEnv, type E2eEnv } from './harness/e2e-env.js';
import { checkFirstBoot } from './harness/first-boot-checks.js';
import { renderE2eSpec } from './harness/render-fixture.js';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('on-prem install.sh', () => {
  it('installs, configures and starts the three agents when run by an operator', async () => {
    const spec = await renderE2eSpec(env);
    const vm = spec.vm('ratings', 'dc1');
    env.control.events.clear();
    const m = await env.boot({
      beforeBoot: (root) => {
        // The operator's host identity, where the spec's x509pop section says it is.
        mkdirSync(path.join(root, 'etc/pki/vmonboard'), { recursive: true });
        writeFileSync(path.join(root, 'etc/pki/vmonboard/host.crt'), env.onprem.hostCertPem, { mode: 0o644 });
        writeFileSync(path.join(root, 'etc/pki/vmonboard/host.key'), env.onprem.hostKeyPem, { mode: 0o600 });
      },
    });
    try {
      await m.container.writeFile('/root/install.sh', vm.file('install.sh'), '0755');
      // An operator's root shell: HOME set, a terminal-less sudo-like environment, no metadata override.
      const r = await m.container.exec(['bash', '-c', 'cd /root && ./install.sh'], { env: { HOME: '/root' }, timeoutMs: 400_000 });
      expect(r.code, (r.stdout + r.stderr).split('\n').slice(-30).join('\n')).toBe(0);
      expect(await checkFirstBoot(m.container, env, spec.specPath, vm)).toEqual([]);
      expect(env.control.metadata.requests).toEqual([]);
      // The host key is root-only, as the agent (root) is the only reader.
      expect(await m.container.sh('stat -c "%U:%G %a" /etc/pki/vmonboard/host.key')).toBe('root:root 600\n');
    } finally {
      await m.dispose();
    }
  }, 600_000);
});
