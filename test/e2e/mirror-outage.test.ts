/**
 * Scenario: the artifact mirror is unreachable (connections refused). When it comes back while
 * the payload is still retrying, the first boot completes as if nothing happened. When it never
 * comes back, the payload gives up within its backoff budget with a clean, clear failure:
 * cloud-init reports the error, the status file names what could not be downloaded, and
 * nothing is half-installed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eEnv, type E2eEnv } from './harness/e2e-env.js';
import { checkFirstBoot, cloudInitStatus } from './harness/first-boot-checks.js';
import { renderE2eSpec } from './harness/render-fixture.js';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
});

afterAll(async () => {
  await env?.close();
});

/** Reads the bootstrap log from the host side of the tree (a plain file: no symlink into the host). */
function bootstrapLog(root: string): string {
  try {
    return readFileSync(path.join(root, 'var/log/vmonboard/bootstrap.log'), 'utf8');
  } catch {
    return '';
  }
}

async function until(what: string, timeoutMs: number, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('mirror outage', () => {
  it('down, then back during the retries: the first boot completes', async () => {
    const spec = await renderE2eSpec(env);
    const vm = spec.vm('ratings', 'aws-e2e');
    await env.mirror.down();
    const m = await env.boot({ userData: vm.file('user-data.yaml'), waitUntilBooted: false });
    try {
      // Bring the mirror back only after the payload saw two refused attempts.
      await until('two failed download attempts', 180_000, () => (bootstrapLog(m.root).match(/attempt \d of curl failed/g) ?? []).length >= 2);
      await env.mirror.up();
      expect(await checkFirstBoot(m.container, env, spec.specPath, vm, { skipVerify: true })).toEqual([]);
      expect(bootstrapLog(m.root)).not.toMatch(/giving up/);
    } finally {
      await env.mirror.up();
      await m.dispose();
    }
  }, 600_000);

  it('down for good: a clean, clearly reported failure within the backoff budget', async () => {
    const spec = await renderE2eSpec(env);
    const vm = spec.vm('ratings', 'aws-e2e');
    env.control.events.clear();
    await env.mirror.down();
    const m = await env.boot({ userData: vm.file('user-data.yaml'), waitUntilBooted: false });
    try {
      const started = Date.now();
      const ci = await cloudInitStatus(m.container, true);
      const elapsed = Date.now() - started;
      expect(ci.status).toBe('error');
      // 5 attempts, 2+4+8+16 s of backoff plus up to 2 s jitter each (templates/bootstrap/partials/common/retry.sh.hbs).
      expect(elapsed).toBeLessThan(120_000);
      const log = bootstrapLog(m.root);
      expect(log).toMatch(/giving up after 5 attempts/);
      const status = JSON.parse(await m.container.sh('cat /var/lib/vmonboard/status.json')) as { state: string; step: string; detail: string };
      expect(status.state).toBe('failed');
      // Clear: the status names the artifact or URL that could not be fetched, not just a line number.
      expect(status.detail, `status file: ${JSON.stringify(status)}`).toMatch(new RegExp(`${env.mirror.url.replace(/[.]/g, '\\.')}|istio-sidecar|download`));
      const installed = await m.container.exec(['dpkg-query', '-W', '-f', '${Package} ${db:Status-Abbrev}\n', 'istio-sidecar', 'otelcol-contrib']);
      expect(installed.stdout.split('\n').filter((l) => /\bii\b/.test(l))).toEqual([]);
      expect((await m.container.exec(['bash', '-c', 'ls /var/lib/vmonboard/dl/ 2>/dev/null; true'])).stdout.trim()).toBe('');
      expect(env.control.events.all().filter((e) => e.event === 'start')).toEqual([]);
    } finally {
      await env.mirror.up();
      await m.dispose();
    }
  }, 600_000);
});
