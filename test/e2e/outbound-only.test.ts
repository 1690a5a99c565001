/**
 * Scenario (issue 16): an outbound-only workload (no ports) boots like any other: the three
 * agents are active and verify.sh passes, and the sidecar captures no inbound port: istio-start.sh
 * hands istio-iptables an ISTIO_INBOUND_PORTS that is set but empty, which istio-iptables 1.27.1
 * reads as "An empty list will disable" (tools/istio-iptables/pkg/cmd/root.go).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eEnv, type E2eEnv, type Machine } from './harness/e2e-env.js';
import { checkFirstBoot, diagnose } from './harness/first-boot-checks.js';
import { renderE2eSpec, type RenderedSpec } from './harness/render-fixture.js';

let env: E2eEnv;
let spec: RenderedSpec;
let m: Machine;
let since: number;

beforeAll(async () => {
  env = await startE2eEnv();
  spec = await renderE2eSpec(env, (doc) => {
    doc.deleteIn(['workloads', 0, 'ports']);
    doc.deleteIn(['workloads', 0, 'probe']);
  });
  since = env.control.events.all().length;
  m = await env.boot({ userData: spec.vm('ratings', 'aws-e2e').file('user-data.yaml') });
});

afterAll(async () => {
  await m?.dispose();
  await env?.close();
});

describe('outbound-only workload, cloud-init first boot (AWS, Debian 12)', () => {
  it('starts the three agents, and the sidecar captures no inbound port', async () => {
    const vm = spec.vm('ratings', 'aws-e2e');
    expect(vm.file('istio/cluster.env')).toMatch(/^ISTIO_INBOUND_PORTS=''$/m);
    const problems = await checkFirstBoot(m.container, env, spec.specPath, vm);
    expect(problems, await diagnose(m.container, env)).toEqual([]);
    const iptables = env.control.events.all().filter((e) => e.seq >= since && e.agent === 'pilot-agent' && e.event === 'did' && e.detail.action === 'istio-iptables');
    expect(iptables.length).toBeGreaterThan(0);
    for (const e of iptables) expect((e.detail.env as Record<string, string>).ISTIO_INBOUND_PORTS).toBe('');
    expect(await m.container.sh("grep '^ISTIO_INBOUND_PORTS=' /var/lib/istio/envoy/cluster.env")).toBe("ISTIO_INBOUND_PORTS=''\n");
  }, 600_000);
});
