/**
 * Scenario: cloud-init first boot of the rendered AWS payload (user-data.yaml, NoCloud seed),
 * with the stand-in packages from the loopback mirror and the IMDSv2 stub. One machine is
 * booted for the file; everything a first boot must achieve is checked by checkFirstBoot, and
 * the boot-time figure is logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readUpstream } from '../validators/upstream.js';
import { readBootTimeline } from './harness/boot-timeline.js';
import { startE2eEnv, type E2eEnv, type Machine } from './harness/e2e-env.js';
import { checkFirstBoot, diagnose, waitForCloudInit } from './harness/first-boot-checks.js';
import { renderE2eSpec, type RenderedSpec } from './harness/render-fixture.js';

let env: E2eEnv;
let spec: RenderedSpec;
let m: Machine;
let since: number;

beforeAll(async () => {
  env = await startE2eEnv();
  spec = await renderE2eSpec(env);
  since = Date.now();
  m = await env.boot({ userData: spec.vm('ratings', 'aws-e2e').file('user-data.yaml') });
});

afterAll(async () => {
  await m?.dispose();
  await env?.close();
});

describe('cloud-init first boot (AWS, Debian 12)', () => {
  it('installs, configures and starts the three agents; verify.sh passes', async () => {
    const vm = spec.vm('ratings', 'aws-e2e');
    const problems = await checkFirstBoot(m.container, env, spec.specPath, vm);
    expect(problems, await diagnose(m.container, env)).toEqual([]);

    // Everything came from the mirror (over HTTPS, verified against the test CA), once each.
    expect(env.mirror.downloads(since).map((r) => r.path).sort()).toEqual(env.artifacts.map((a) => `/${a.mirrorPath}`).sort());
    // The identity check used IMDSv2: a token PUT, then reads carrying it (the stub refuses anything else).
    const md = env.control.metadata.requests;
    expect(md.find((r) => r.method === 'PUT' && r.path === '/latest/api/token')?.status).toBe(200);
    expect(md.filter((r) => r.cloud === 'aws' && r.status !== 200)).toEqual([]);
    // The bootstrap logged to /var/log/vmonboard and recorded its version marker.
    expect(await m.container.sh('test -s /var/log/vmonboard/bootstrap.log && cat /var/lib/vmonboard/payload')).toMatch(/^[0-9a-f]{64}\n$/);

    const t = await readBootTimeline(m.container);
    console.info(`[e2e boot time] cloud-final start → three units active: ${t.cloudFinalToAgentsMs} ms ${JSON.stringify(t.perUnitMs)}; boot → cloud-final ${t.bootToCloudFinalMs} ms; nspawn → systemd up ${m.container.bootMs[0]} ms`);
  }, 600_000);

  it('never runs the collector with the packaged default config (it listens on 0.0.0.0)', async () => {
    await waitForCloudInit(m.container, env, 0);
    // spire-otel.md §4.1: the deb's postinstall restarts the collector at once when config.yaml
    // exists, and the packaged one exposes otlp, jaeger, zipkin, pprof and zpages on 0.0.0.0:
    // "Overwrite it before (re)starting".
    const packaged = readUpstream('opentelemetry-collector-releases/distributions/otelcol-contrib/config.yaml');
    const runs = env.control.validated.filter((v) => v.kind === 'otel-config');
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.filter((v) => v.body === packaged).map((v) => `${v.agent} ran with the packaged ${v.file}`)).toEqual([]);
  }, 600_000);
});
