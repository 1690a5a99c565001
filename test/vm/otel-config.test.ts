// The collector config: parsed back by PyYAML, valid for the pinned otelcol-contrib 0.159.0
// (components defined, types in the manifest, fields in the upstream schemas), per-platform
// detectors, the OTLP/TLS export through the east-west gateway, and $ escaping.
import { describe, expect, it } from 'vitest';
import { readWithPyYAML } from '../validators/pyyaml.js';
import { validateOtelConfig } from '../validators/otel-config.js';
import { buildOtelConfig, detectorsFor, OTEL_COMPONENTS, renderOtelConfig } from '../../src/vm/otel-config.js';
import { listAgentFiles } from '../../src/vm/agent-files.js';
import { allPlacements, firstPlacement, ISTIO_CASES, variantOf } from './model-variants.js';

type Obj = Record<string, unknown>;

describe('every rendered collector config', () => {
  for (const name of ISTIO_CASES) {
    it(`${name}: PyYAML reads back the built object, and it validates for otelcol-contrib 0.159.0`, async () => {
      const model = await variantOf(name);
      for (const { workload, placement } of allPlacements(model)) {
        const parsed = await readWithPyYAML(renderOtelConfig(model, workload, placement));
        expect(parsed).toEqual(buildOtelConfig(model, workload, placement));
        expect(validateOtelConfig(parsed)).toEqual([]);
      }
    });
  }

  it('the validator rejects the deprecated aliases, so the canonical names are what passes', async () => {
    const model = await variantOf('aws-cloudinit');
    const { workload, placement } = firstPlacement(model);
    const cfg = JSON.parse(JSON.stringify(buildOtelConfig(model, workload, placement)).replaceAll('resource_detection/', 'resourcedetection/')) as Obj;
    expect(validateOtelConfig(cfg).join('\n')).toMatch(/resourcedetection/);
    const cfg2 = JSON.parse(JSON.stringify(buildOtelConfig(model, workload, placement)).replaceAll('otlp_grpc/', 'otlp/')) as Obj;
    expect(validateOtelConfig(cfg2).join('\n')).toMatch(/otlp/);
    const cfg3 = buildOtelConfig(model, workload, placement) as { exporters: Record<string, { tls: Obj }> };
    cfg3.exporters[OTEL_COMPONENTS.exporter]!.tls.sni = 'x';
    expect(validateOtelConfig(cfg3).join('\n')).toMatch(/tls\/sni: unknown key/);
  });
});

describe('pipeline shape', () => {
  it('memory_limiter first, then detection, then the workload attributes; hostmetrics + sidecar metrics in', async () => {
    const model = await variantOf('aws-cloudinit');
    const { workload, placement } = firstPlacement(model);
    const cfg = buildOtelConfig(model, workload, placement) as { service: { pipelines: { metrics: Obj } }; receivers: Obj };
    expect(cfg.service.pipelines.metrics.processors).toEqual([OTEL_COMPONENTS.memoryLimiter, OTEL_COMPONENTS.detection, OTEL_COMPONENTS.resource]);
    expect(Object.keys((cfg.receivers.hostmetrics as { scrapers: Obj }).scrapers).sort()).toEqual(['cpu', 'disk', 'filesystem', 'load', 'memory', 'network']);
    const scrape = ((cfg.receivers[OTEL_COMPONENTS.prometheus] as Obj).config as { scrape_configs: Obj[] }).scrape_configs[0]!;
    expect(scrape.static_configs).toEqual([{ targets: ['127.0.0.1:15020'] }]);
    expect(scrape.metrics_path).toBe('/stats/prometheus');
  });

  it('detectors: the VM platform cloud only, plus env and system; none on-prem or on bare metal', () => {
    expect(detectorsFor('aws')).toEqual(['env', 'ec2', 'system']);
    expect(detectorsFor('gcp')).toEqual(['env', 'gcp', 'system']);
    expect(detectorsFor('azure')).toEqual(['env', 'azure', 'system']);
    expect(detectorsFor('onprem')).toEqual(['env', 'system']);
    expect(detectorsFor('baremetal')).toEqual(['env', 'system']);
  });

  it('each golden platform gets its own detectors', async () => {
    for (const [name, detectors] of [
      ['gcp-startup-script', ['env', 'gcp', 'system']],
      ['azure-cloudinit', ['env', 'azure', 'system']],
      ['onprem-x509pop', ['env', 'system']],
    ] as const) {
      const model = await variantOf(name);
      const { workload, placement } = firstPlacement(model);
      const processors = buildOtelConfig(model, workload, placement).processors as Obj;
      expect((processors[OTEL_COMPONENTS.detection] as Obj).detectors).toEqual(detectors);
    }
  });
});

describe('export through the east-west gateway', () => {
  it('OTLP gRPC to the gateway otlp port with the telemetry CA and SNI', async () => {
    const model = await variantOf('aws-cloudinit', (m) => {
      m.gateway.ports.otlp = 14317;
      m.telemetry.gateway.sni = 'otel.example.internal';
    });
    const { workload, placement } = firstPlacement(model);
    const exporter = (buildOtelConfig(model, workload, placement).exporters as Obj)[OTEL_COMPONENTS.exporter];
    expect(exporter).toEqual({
      endpoint: '203.0.113.10:14317',
      tls: {
        ca_file: '/etc/otelcol-contrib/certs/gateway-ca.pem',
        server_name_override: 'otel.example.internal',
        // The VM's SVID as client certificate (otel-client-cert.test.ts).
        cert_file: '/run/vmonboard-otel-svid/svid.pem',
        key_file: '/run/vmonboard-otel-svid/svid.key',
        reload_interval: '5m',
      },
      sending_queue: { batch: {} },
    });
  });

  it('batches metrics in the exporter, not with a batch processor (collector v0.159.0 recommends it)', async () => {
    const model = await variantOf('aws-cloudinit', () => undefined);
    const { workload, placement } = firstPlacement(model);
    const cfg = buildOtelConfig(model, workload, placement) as { processors: Obj; exporters: Obj; service: { pipelines: { metrics: { processors: string[]; exporters: string[] } } } };
    expect(Object.keys(cfg.processors).filter((k) => k.split('/')[0] === 'batch')).toEqual([]);
    const metrics = cfg.service.pipelines.metrics;
    for (const e of metrics.exporters) expect((cfg.exporters[e] as { sending_queue?: { batch?: object } }).sending_queue?.batch, e).toEqual({});
    // A sending queue that someone turned off would silently disable its batching too.
    for (const e of metrics.exporters) expect((cfg.exporters[e] as { sending_queue: { enabled?: boolean } }).sending_queue.enabled).not.toBe(false);
  });

  it('brackets an IPv6 gateway address', async () => {
    const model = await variantOf('aws-cloudinit', (m) => {
      m.gateway.address = '2001:db8::10';
      m.gateway.addressKind = 'ipv6';
    });
    const { workload, placement } = firstPlacement(model);
    const exporter = (buildOtelConfig(model, workload, placement).exporters as Obj)[OTEL_COMPONENTS.exporter] as Obj;
    expect(exporter.endpoint).toBe('[2001:db8::10]:4317');
  });
});

describe('resource attributes', () => {
  it('name the mesh workload, then add the spec attributes, escaping $ for the collector', async () => {
    const model = await variantOf('gcp-startup-script', (m) => {
      m.telemetry.resourceAttributes = { 'deployment.environment.name': 'prod', 'cost.centre': '${env:HOME} $5' };
    });
    const { workload, placement } = firstPlacement(model);
    const attrs = ((buildOtelConfig(model, workload, placement).processors as Obj)[OTEL_COMPONENTS.resource] as { attributes: Obj[] }).attributes;
    expect(attrs).toContainEqual({ key: 'mesh.workload.name', value: 'details', action: 'upsert' });
    expect(attrs).toContainEqual({ key: 'mesh.workload.namespace', value: 'bookinfo', action: 'upsert' });
    expect(attrs).toContainEqual({ key: 'mesh.platform', value: 'gcp-prod', action: 'upsert' });
    expect(attrs).toContainEqual({ key: 'deployment.environment.name', value: 'prod', action: 'upsert' });
    // confmap reads $$ as a literal $: the collector must not expand the user's text.
    expect(attrs).toContainEqual({ key: 'cost.centre', value: '$${env:HOME} $$5', action: 'upsert' });
  });
});

describe('telemetry switched off', () => {
  it('emits no collector files at all', async () => {
    const model = await variantOf('aws-cloudinit', (m) => {
      m.telemetry.enabled = false;
    });
    const { workload, placement } = firstPlacement(model);
    expect(listAgentFiles(model, workload, placement).filter((f) => f.agent === 'otel')).toEqual([]);
  });
});

describe('component names follow telemetry.collectorVersion (issue 13 item 5)', () => {
  // Renames, sourced in src/vm/otel-components.ts: otlp → otlp_grpc at 0.144.0 (collector git:
  // metadata.yaml type at v0.143.0 vs v0.144.0), resourcedetection → resource_detection at 0.153.0.
  const cases: Array<[string, string, string]> = [
    ['0.143.0', 'otlp/gateway', 'resourcedetection/platform'],
    ['0.144.0', 'otlp_grpc/gateway', 'resourcedetection/platform'],
    ['0.152.1', 'otlp_grpc/gateway', 'resourcedetection/platform'],
    ['0.153.0', 'otlp_grpc/gateway', 'resource_detection/platform'],
    ['0.159.0', 'otlp_grpc/gateway', 'resource_detection/platform'],
  ];
  it.each(cases)('collector %s uses %s and %s, in the definitions and the pipeline alike', async (version, exporter, detection) => {
    const model = await variantOf('aws-cloudinit');
    model.telemetry.collectorVersion = version;
    const { workload, placement } = firstPlacement(model);
    const cfg = buildOtelConfig(model, workload, placement) as { exporters: Obj; processors: Obj; service: { pipelines: { metrics: { exporters: string[]; processors: string[] } } } };
    expect(Object.keys(cfg.exporters)).toEqual([exporter]);
    expect(Object.keys(cfg.processors)).toContain(detection);
    expect(cfg.service.pipelines.metrics.exporters).toEqual([exporter]);
    expect(cfg.service.pipelines.metrics.processors).toContain(detection);
  });
});
