/**
 * Scenario: free-form spec values (workload labels, collector resource attributes) carrying
 * shell, YAML and HCL metacharacters and canaries such as `$(touch /pwned)`. After a real first
 * boot no canary file exists, every stand-in accepted its config, and each value arrived
 * verbatim where its consumer reads it: in pilot-agent's environment after bash sourced
 * cluster.env, in the mesh config as pilot-agent decodes it, and in the collector's config.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eEnv, type E2eEnv } from './harness/e2e-env.js';
import { checkFirstBoot } from './harness/first-boot-checks.js';
import { renderE2eSpec } from './harness/render-fixture.js';
import { HOSTILE_ATTRIBUTES, HOSTILE_LABELS } from './fixtures/hostile-values.js';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('hostile values', () => {
  it('execute nowhere and arrive verbatim in every consumer', async () => {
    const spec = await renderE2eSpec(env, (doc) => {
      for (const [k, v] of Object.entries(HOSTILE_LABELS)) doc.setIn(['workloads', 0, 'labels', k], v);
      for (const [k, v] of Object.entries(HOSTILE_ATTRIBUTES)) doc.setIn(['telemetry', 'resourceAttributes', k], v);
    });
    const vm = spec.vm('ratings', 'aws-e2e');
    env.control.events.clear();
    const m = await env.boot({ userData: vm.file('user-data.yaml') });
    try {
      // Includes: no canary file, no stand-in check failed (cluster.env syntax, bash-sourced env equal to the file).
      expect(await checkFirstBoot(m.container, env, spec.specPath, vm, { skipVerify: true })).toEqual([]);

      const expectedLabels = { app: 'ratings', version: 'v1', ...HOSTILE_LABELS };
      // pilot-agent's own environment, after istio-start.sh sourced cluster.env with bash.
      const pilotEnv = JSON.parse(env.control.lastValidated('pilot-env')!.body) as { env: Record<string, string> };
      expect(JSON.parse(pilotEnv.env.ISTIO_METAJSON_LABELS!)).toMatchObject(expectedLabels);
      // The mesh config as pilot-agent decodes it (YAML into map<string,string>).
      const mesh = env.control.lastValidated('mesh-config')!.response.decoded as { defaultConfig: { proxyMetadata: Record<string, string> } };
      expect(JSON.parse(mesh.defaultConfig.proxyMetadata.ISTIO_METAJSON_LABELS!)).toMatchObject(expectedLabels);
      // The collector config as the collector decodes it.
      const otel = env.control.lastValidated('otel-config')!.response.decoded as { processors: Record<string, { attributes?: Array<{ key: string; value: unknown }> }> };
      const attrs = Object.values(otel.processors).flatMap((p) => p.attributes ?? []);
      for (const [k, v] of Object.entries(HOSTILE_ATTRIBUTES)) expect(attrs.find((a) => a.key === k)?.value, k).toBe(v);
    } finally {
      await m.dispose();
    }
  }, 600_000);
});
