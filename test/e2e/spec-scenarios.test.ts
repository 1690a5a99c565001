/**
 * Scenarios on examples/quickstart.yaml booted through the generic harness (render-spec.ts,
 * spec-boot.ts), so what they prove holds for a spec the harness was not written around:
 * - GCE startup-script delivery: the guest agent's runner unit runs the payload at first boot,
 *   and again at the next boot, where the payload's version marker makes it a no-op;
 * - a DNS-named east-west gateway: resolved at boot through the container's resolver
 *   (/etc/hosts placed before boot), the managed hosts block holds the resolved address, and the
 *   re-resolve service follows the name when it moves;
 * - a VM whose tag does not match its node alias: attested, but no alias, so no SVID; the boot
 *   fails saying why (the SPIRE server stand-in refuses what the real server would).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../validators/upstream.js';
import { AGENT_UNITS } from './harness/boot-timeline.js';
import { startE2eEnv, type E2eEnv } from './harness/e2e-env.js';
import { diagnose } from './harness/first-boot-checks.js';
import { GCE_STARTUP_UNIT, waitForStartupScript } from './harness/gce-startup-runner.js';
import { loadSpecModel, renderSpecForVm, standinVersionsOf } from './harness/render-spec.js';
import { bootSpecVm } from './harness/spec-boot.js';
import { waitForActive } from './harness/unit-state.js';

const QUICKSTART = path.join(PROJECT_ROOT, 'examples/quickstart.yaml');
let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv(standinVersionsOf(await loadSpecModel(QUICKSTART)));
});

afterAll(async () => {
  await env?.close();
});

const failed = (checks: Array<{ name: string; problems: string[] }>): string[] => checks.flatMap((c) => c.problems.map((p) => `${c.name}: ${p}`));

/** What a no-op re-run must leave untouched. */
const FOOTPRINT = [
  'stat -c "%n %Y %i" /var/lib/dpkg/info/istio-sidecar.list /var/lib/dpkg/info/otelcol-contrib.list /opt/spire/bin/spire-agent',
  'cat /var/lib/vmonboard/payload /var/lib/vmonboard/installed/*',
  'sha256sum /etc/hosts /etc/spire/agent/agent.conf /var/lib/istio/envoy/cluster.env /etc/otelcol-contrib/config.yaml',
].join(' && ');

describe('any spec, booted (examples/quickstart.yaml)', () => {
  it('GCE startup-script: the guest agent runner installs at first boot and re-runs it, a no-op, after a reboot', async () => {
    const sv = await renderSpecForVm(env, QUICKSTART, { workload: 'ratings', platform: 'gcp-prod' });
    expect(sv.delivery).toBe('startup-script');
    const boot = await bootSpecVm(env, sv);
    const m = boot.machine;
    try {
      expect(failed(boot.checks), await diagnose(m.container, env)).toEqual([]);
      // The runner took the script from the metadata server's instance attributes, with the GCE header.
      expect(env.control.metadata.requests.filter((r) => r.cloud === 'gcp' && r.path.startsWith('/computeMetadata/v1/instance/attributes/')).map((r) => r.status)).toContain(200);
      // The identity token the agent attested with named the spec's service account.
      expect(env.identity.spireServer.attestations.at(-1)?.reply).toMatchObject({ selectors: expect.arrayContaining(['gcp_iit:sa:ratings@bookinfo-prod.iam.gserviceaccount.com', 'gcp_iit:project-id:bookinfo-prod']) });
      const footprint = await m.container.sh(FOOTPRINT);

      // Every boot: the unit runs the startup-script again; the version marker makes it a no-op.
      const rebootSeq = (env.control.events.all().at(-1)?.seq ?? 0) + 1;
      const since = Date.now();
      await m.container.reboot();
      const run = await waitForStartupScript(m.container);
      expect(run.exitStatus, run.lines.join('\n')).toBe(0);
      expect(run.lines.join('\n')).toMatch(/startup-script: .*already applied; nothing to do/);
      expect(await m.container.sh(`grep -c '^boot ' /var/log/e2e-gce-startup-scripts.log; systemctl is-enabled ${GCE_STARTUP_UNIT}`)).toBe('2\nenabled\n');
      const states = await waitForActive(m.container, [...AGENT_UNITS], 120_000);
      expect(Object.values(states).map((s) => `${s.unit} ${s.activeState}`)).toEqual(AGENT_UNITS.map((u) => `${u} active`));
      expect(await env.control.events.waitFor((e) => e.seq >= rebootSeq && e.agent === 'pilot-agent' && e.event === 'ready', 60_000), 'pilot-agent ready after the reboot').toBeDefined();
      expect(env.control.events.all().filter((e) => e.seq >= rebootSeq && e.event === 'fail')).toEqual([]);
      expect(env.mirror.downloads(since)).toEqual([]);
      expect(await m.container.sh(FOOTPRINT)).toBe(footprint);
    } finally {
      await m.dispose();
    }
  }, 900_000);

  it('a DNS-named east-west gateway is resolved at boot; the hosts block holds the resolved address and follows it', async () => {
    const name = 'eastwest.mesh.example.com';
    const sv = await renderSpecForVm(env, QUICKSTART, { workload: 'ratings', platform: 'aws-prod', edit: (doc) => doc.setIn(['eastWestGateway', 'address'], name) });
    expect(sv.model.gateway).toMatchObject({ address: name, addressKind: 'dns' });
    expect(sv.adjustments.join('\n')).toMatch(/targets\.os: amazonlinux-2023, ubuntu-22\.04 \+ debian-12/);
    const boot = await bootSpecVm(env, sv);
    const m = boot.machine;
    try {
      expect(failed(boot.checks), await diagnose(m.container, env)).toEqual([]);
      const istiod = sv.model.mesh.istiod.host;
      expect(await m.container.sh(`grep -c '^127\\.0\\.0\\.1 ${istiod}$' /etc/hosts; getent ahostsv4 ${name} | awk 'NR == 1 { print $1 }'`)).toBe('1\n127.0.0.1\n');
      expect(await m.container.sh('systemctl is-enabled vmonboard-hosts.timer')).toBe('enabled\n');
      // The name moves: the timer's service re-resolves it and rewrites the block in place (once).
      await m.container.sh(`sed -i 's/^127\\.0\\.0\\.1 ${name}$/127.0.0.2 ${name}/' /etc/hosts && systemctl start vmonboard-hosts.service`);
      expect(await m.container.sh(`grep -c '^127\\.0\\.0\\.2 ${istiod}$' /etc/hosts; grep -c '${istiod}' /etc/hosts`)).toBe('1\n1\n');
    } finally {
      await m.dispose();
    }
  }, 900_000);

  it('a VM whose tag matches no node alias gets no SVID, and the boot fails saying why', async () => {
    const sv = await renderSpecForVm(env, QUICKSTART, { workload: 'ratings', platform: 'aws-prod', identity: { awsTags: { app: 'billing' } } });
    const boot = await bootSpecVm(env, sv, { skipVerify: true });
    try {
      const problems = failed(boot.checks).join('\n');
      expect(problems).toMatch(/matches no node alias, so its workloads get no SVID: spiffe:\/\/example\.org\/vmonboard\/node\/aws-prod\/bookinfo\/ratings needs aws_iid:tag:app:ratings/);
      expect(problems).toMatch(/no identity issued \(caller istio-proxy\)/);
      expect(problems).toMatch(/SPIRE node attestation \(aws_iid\) matched the alias/);
      // Attested (the IID verifies, the account and region are the server's) with the VM's real tag.
      expect(env.identity.spireServer.attestations.at(-1)?.reply).toMatchObject({ aliases: [], selectors: expect.arrayContaining(['aws_iid:tag:app:billing', 'aws_iid:account_id:123456789012']) });
    } finally {
      await boot.machine.dispose();
    }
  }, 900_000);
});
