/**
 * Scenario: an image pipeline. bake.sh runs in a booted machine (as a Packer provisioner would),
 * the image is cleaned for its first real boot, and the instance then boots with only the
 * first-boot payload: it configures and starts the agents without a single download.
 */
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

describe('bake, then first boot', () => {
  it('bakes the packages into the image; the first boot downloads nothing', async () => {
    const spec = await renderE2eSpec(env);
    const vm = spec.vm('ratings', 'aws-baked');
    const m = await env.boot();
    try {
      await m.container.writeFile('/root/bake.sh', vm.file('bake.sh'), '0755');
      const bake = await m.container.exec(['bash', '/root/bake.sh'], { env: { HOME: '/root' }, timeoutMs: 400_000 });
      expect(bake.code, (bake.stdout + bake.stderr).split('\n').slice(-30).join('\n')).toBe(0);
      expect(env.mirror.downloads().length).toBe(env.artifacts.length);
      // Image preparation as Packer templates do it: forget this build instance.
      await m.container.sh('cloud-init clean --logs');

      env.control.events.clear();
      const since = Date.now();
      await m.restart({ userData: vm.file('user-data.yaml'), instanceId: 'iid-baked-image-first-boot' });
      expect(await checkFirstBoot(m.container, env, spec.specPath, vm, { skipVerify: true })).toEqual([]);
      expect(env.mirror.requests.filter((r) => r.at >= since), 'the first boot of a baked image must not download').toEqual([]);
    } finally {
      await m.dispose();
    }
  }, 600_000);
});
