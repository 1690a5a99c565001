// Telemetry authenticated with the VM's identity: the OTLP exporter presents the SVID copy the
// sync unit places (checked against the pinned collector's component schemas), the copy is made
// by the sync unit with the collector's ownership, the collector waits for it (checked by
// systemd-analyze with the upstream otelcol-contrib.service), and the plain-TLS opt-out is warned.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateOtelConfig } from '../validators/otel-config.js';
import { requireExecutable } from '../validators/require-tool.js';
import { readUpstream } from '../helpers/golden-cases.js';
import { buildOtelConfig, OTEL_COMPONENTS } from '../../src/vm/otel-config.js';
import { listAgentFiles } from '../../src/vm/agent-files.js';
import { renderSvidSyncService, SVID_REFRESH } from '../../src/vm/svid-sync-units.js';
import { COLLECTOR_CERT_RELOAD, COLLECTOR_SVID_CERT, COLLECTOR_SVID_DROP_IN, COLLECTOR_SVID_KEY } from '../../src/vm/otel-client-cert.js';
import { firstPlacement, variantOf } from './model-variants.js';
import { renderVariant } from '../cluster/spec-variants.js';

type Tls = Record<string, unknown>;
const root = mkdtempSync(join(tmpdir(), 'vmonboard-otel-cert-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function exporterTls(clientCertificate: 'svid' | 'none'): Promise<{ cfg: Record<string, unknown>; tls: Tls }> {
  const model = await variantOf('aws-cloudinit', (m) => void (m.telemetry.gateway.clientCertificate = clientCertificate));
  const { workload, placement } = firstPlacement(model);
  const cfg = buildOtelConfig(model, workload, placement);
  const tls = (cfg.exporters as Record<string, { tls: Tls }>)[OTEL_COMPONENTS.exporter]!.tls;
  return { cfg, tls };
}

/** Minutes in a Go duration / systemd time span of the forms we write ("5m", "10min"). */
function minutes(span: string): number {
  const m = /^([0-9]+)(m|min)$/.exec(span);
  if (!m) throw new Error(`unexpected span ${span}`);
  return Number(m[1]);
}

describe('the OTLP exporter with the VM SVID', () => {
  it('presents the SVID copy as client certificate, reloaded, and passes the collector component schema', async () => {
    const { cfg, tls } = await exporterTls('svid');
    expect(tls).toMatchObject({ cert_file: COLLECTOR_SVID_CERT, key_file: COLLECTOR_SVID_KEY, reload_interval: COLLECTOR_CERT_RELOAD });
    expect(validateOtelConfig(cfg)).toEqual([]);
  });

  it('the schema oracle rejects a misspelt client certificate key', async () => {
    const { cfg, tls } = await exporterTls('svid');
    tls.client_cert_file = tls.cert_file;
    expect(validateOtelConfig(cfg).join('\n')).toMatch(/client_cert_file/);
  });

  it('reloads more often than the sync unit refreshes the copy', () => {
    expect(minutes(COLLECTOR_CERT_RELOAD)).toBeLessThan(minutes(SVID_REFRESH));
  });

  it('clientCertificate: none is server-only TLS and no copy is made', async () => {
    const { cfg, tls } = await exporterTls('none');
    expect(Object.keys(tls).sort()).toEqual(['ca_file', 'server_name_override']);
    expect(validateOtelConfig(cfg)).toEqual([]);
    const model = await variantOf('aws-cloudinit', (m) => void (m.telemetry.gateway.clientCertificate = 'none'));
    expect(renderSvidSyncService(model)).not.toContain('vmonboard-otel-svid');
    const { workload, placement } = firstPlacement(model);
    expect(listAgentFiles(model, workload, placement).map((f) => f.vmPath)).not.toContain(COLLECTOR_SVID_DROP_IN);
  });

  it('the opt-out is a located warning', async () => {
    const r = await renderVariant('aws-cloudinit', (doc) => doc.setIn(['telemetry', 'gateway', 'clientCertificate'], 'none'));
    expect(r.diagnostics.find((d) => d.code === 'TELEMETRY_CLIENT_CERT_DISABLED')).toMatchObject({ severity: 'warning', pointer: '/telemetry/gateway/clientCertificate' });
    expect(r.bundle).toBeDefined();
  });
});

describe('the copy and the collector unit', () => {
  it('the sync unit copies key and chain with the collector\'s ownership, by rename, then starts the collector', async () => {
    const model = await variantOf('aws-cloudinit');
    const unit = renderSvidSyncService(model);
    const execs = unit.split('\n').filter((l) => l.startsWith('ExecStart='));
    const fetch = execs.findIndex((l) => l.includes('api fetch x509'));
    const copies = execs.slice(fetch + 1).join('\n');
    expect(copies).toContain(`-o otelcol-contrib -g otelcol-contrib -m 0600 /run/vmonboard-svid/svid.0.key ${COLLECTOR_SVID_KEY}.tmp`);
    expect(copies).toContain(`mv -f ${COLLECTOR_SVID_CERT}.tmp ${COLLECTOR_SVID_CERT}`);
    expect(execs.at(-1)).toBe('ExecStart=+/usr/bin/systemctl start --no-block otelcol-contrib.service');
  });

  it('systemd-analyze verify accepts the upstream otelcol-contrib.service with the drop-in, and the drop-in is read', async () => {
    const analyze = requireExecutable('systemd-analyze', 'systemd');
    const model = await variantOf('aws-cloudinit');
    const { workload, placement } = firstPlacement(model);
    const dropIn = listAgentFiles(model, workload, placement).find((f) => f.vmPath === COLLECTOR_SVID_DROP_IN)!;
    expect(dropIn.content).toContain(`ConditionPathExists=${COLLECTOR_SVID_CERT}`);
    const run = (text: string): string => {
      const dir = mkdtempSync(join(root, 'system-'));
      writeFileSync(join(dir, 'otelcol-contrib.service'), readUpstream('opentelemetry-collector-releases/distributions/otelcol-contrib/otelcol-contrib.service'));
      const p = join(dir, 'otelcol-contrib.service.d', '20-vmonboard-svid.conf');
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
      try {
        execFileSync(analyze, ['verify', '--man=no', join(dir, 'otelcol-contrib.service')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        return '';
      } catch (err) {
        return String((err as { stderr?: string }).stderr ?? err);
      }
    };
    const complaints = (text: string): string[] => run(text).split('\n').filter((l) => l.trim() !== '' && !/\/usr\/bin\/otelcol-contrib is not executable|EnvironmentFile|otelcol-contrib\.conf/.test(l));
    expect(complaints(dropIn.content)).toEqual([]);
    expect(complaints(dropIn.content.replace('ConditionPathExists=', 'ConditionPathExist=')).join('\n')).toMatch(/Unknown key.*ConditionPathExist/);
  });
});

describe('the in-cluster OTel gateway receiver (documented in cluster/README.md)', () => {
  const withPipeline = (receivers: unknown): Record<string, unknown> => ({
    ...(receivers as Record<string, unknown>),
    exporters: { 'otlp_grpc/backend': { endpoint: 'backend:4317' } },
    service: { pipelines: { metrics: { receivers: ['otlp'], exporters: ['otlp_grpc/backend'] } } },
  });

  it('requires client certificates against the mesh root and passes the otlp receiver schema; the README shows it', async () => {
    const { buildGatewayReceiver, GATEWAY_CLIENT_CA } = await import('../../src/cluster/otel-gateway-receiver.js');
    const model = await variantOf('aws-cloudinit');
    const fragment = buildGatewayReceiver(model) as { receivers: { otlp: { protocols: { grpc: { tls: Tls } } } } };
    expect(fragment.receivers.otlp.protocols.grpc.tls).toMatchObject({ client_ca_file: GATEWAY_CLIENT_CA, client_ca_file_reload: true });
    expect(validateOtelConfig(withPipeline(fragment))).toEqual([]);
    const bad = structuredClone(fragment);
    (bad.receivers.otlp.protocols.grpc.tls as Tls).client_ca = GATEWAY_CLIENT_CA;
    expect(validateOtelConfig(withPipeline(bad)).join('\n')).toMatch(/client_ca/);
    const r = await renderVariant('aws-cloudinit', () => undefined);
    expect(r.bundle?.get('cluster/README.md')?.content).toContain(`client_ca_file: "${GATEWAY_CLIENT_CA}"`);
  });
});
