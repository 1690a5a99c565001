/**
 * The harness can fail: three deliberately broken variants of the rendered payload, each a
 * classic first-boot mistake, must be caught by the same checks the passing scenarios use
 * (checkFirstBoot). Each test edits the rendered user data, boots it for real, and asserts the
 * defect shows up as the problem it causes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_LABELS } from './fixtures/hostile-values.js';
import { startE2eEnv, type E2eEnv } from './harness/e2e-env.js';
import { checkFirstBoot } from './harness/first-boot-checks.js';
import { renderE2eSpec } from './harness/render-fixture.js';
import { editUserData, stagedFile } from './harness/user-data-edit.js';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('deliberately broken payloads are caught', () => {
  it('istio.service without the socket wait: pilot-agent starts before the SDS socket exists', async () => {
    const spec = await renderE2eSpec(env);
    const vm = spec.vm('ratings', 'aws-e2e');
    // The drop-in keeps only "After=spire-agent.service": ordering after a Type=simple unit is
    // not waiting for its socket, which appears only after attestation. The SVID sync (which
    // waits for the socket itself) no longer orders itself before the sidecar either, so
    // nothing makes istio.service wait.
    const userData = editUserData(vm.file('user-data.yaml'), (cfg) => {
      stagedFile(cfg, '/istio.service.d/10-vmonboard.conf').content = '[Unit]\nWants=spire-agent.service\nAfter=spire-agent.service\n';
      const sync = stagedFile(cfg, '/vmonboard-svid-sync.service');
      sync.content = sync.content.replace(/^Before=istio\.service\n/m, '');
      if (/Before=istio/.test(sync.content)) throw new Error('the edit did not apply');
    });
    env.control.events.clear();
    const m = await env.boot({ userData, waitUntilBooted: false });
    try {
      const failure = await env.control.events.waitFor((e) => e.agent === 'pilot-agent' && e.event === 'fail', 120_000);
      expect(failure, env.control.events.transcript()).toBeDefined();
      // istio.service restarts it (Restart=always), so the boot eventually "works": only the checks see the race.
      const problems = await checkFirstBoot(m.container, env, spec.specPath, vm, { skipVerify: true });
      expect(problems.join('\n')).toMatch(/SDS socket \/var\/run\/secrets\/workload-spiffe-uds\/socket missing when pilot-agent started/);
      expect(problems.join('\n')).toMatch(/istio\.service restarted [1-9]/);
    } finally {
      await m.dispose();
    }
  }, 600_000);

  it('a config written with a package-created owner before the package exists', async () => {
    const spec = await renderE2eSpec(env);
    const vm = spec.vm('ratings', 'aws-e2e');
    // The naive payload: write the collector config straight to its place, owned by the
    // collector's group, from write_files, which runs before any package is installed.
    const userData = editUserData(vm.file('user-data.yaml'), (cfg) => {
      const staged = stagedFile(cfg, '/staged/otel/config.yaml');
      cfg.write_files.push({ path: '/etc/otelcol-contrib/config.yaml', owner: 'root:otelcol-contrib', permissions: '0640', content: staged.content });
    });
    env.control.events.clear();
    const m = await env.boot({ userData });
    try {
      const problems = await checkFirstBoot(m.container, env, spec.specPath, vm, { skipVerify: true });
      expect(problems.join('\n')).toMatch(/cloud-init status error: .*write.?files.*otelcol-contrib/i);
    } finally {
      await m.dispose();
    }
  }, 600_000);

  it('an unescaped label in cluster.env is executed by the bash that sources it', async () => {
    const spec = await renderE2eSpec(env, (doc) => doc.setIn(['workloads', 0, 'labels', 'e2e.example.com/subshell'], HOSTILE_LABELS['e2e.example.com/subshell']));
    const vm = spec.vm('ratings', 'aws-e2e');
    // The naive renderer: KEY="value" with the value pasted in, instead of istioctl's single quotes.
    const userData = editUserData(vm.file('user-data.yaml'), (cfg) => {
      const env = stagedFile(cfg, '/staged/istio/cluster.env');
      env.content = env.content.replace(/^ISTIO_METAJSON_LABELS='(.*)'$/m, (_, v: string) => `ISTIO_METAJSON_LABELS="${v.replaceAll("'\\''", "'")}"`);
      if (!env.content.includes('ISTIO_METAJSON_LABELS="')) throw new Error('the edit did not apply');
    });
    env.control.events.clear();
    const m = await env.boot({ userData, waitUntilBooted: false });
    try {
      await env.control.events.waitFor((e) => e.agent === 'pilot-agent' && e.event === 'fail', 120_000);
      // The sidecar never gets ready, so the payload's verify would wait its full deadline: judge now.
      const problems = await checkFirstBoot(m.container, env, spec.specPath, vm, { waitForCloudInit: false, skipVerify: true });
      const text = problems.join('\n');
      expect(text).toMatch(/canary file\(s\) exist, a value was executed: \/pwned/);
      expect(text).toMatch(/cluster\.env:\d+: not KEY='value'.*ISTIO_METAJSON_LABELS/);
    } finally {
      await m.dispose();
    }
  }, 600_000);
});
