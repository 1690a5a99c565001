import fs from 'node:fs';
import path from 'node:path';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { validateOtelConfig } from './otel-config.js';
import { findComponentType, loadOtelManifest } from './otel-manifest.js';
import { checkComponentFields, listUnresolvedRefs } from './otel-schema.js';
import { PROJECT_ROOT, readUpstream } from './upstream.js';

const FIXTURE = path.join(PROJECT_ROOT, 'test/fixtures/validators/otel/host-metrics.yaml');
/** A fresh copy of the valid fixture; each test plants its own defect. */
const sample = (): Record<string, any> => jsYaml.load(fs.readFileSync(FIXTURE, 'utf8')) as Record<string, any>;

describe('otelcol-contrib manifest', () => {
  it('is the pinned 0.159.0 distribution', () => {
    expect(loadOtelManifest().version).toBe('0.159.0');
  });

  it('derives type names from module paths, with the documented renames', () => {
    expect(findComponentType('receivers', 'hostmetrics')?.module).toMatch(/receiver\/hostmetricsreceiver$/);
    expect(findComponentType('receivers', 'prometheus')).toBeDefined();
    expect(findComponentType('processors', 'resource')).toBeDefined();
    expect(findComponentType('processors', 'batch')).toBeDefined();
    // From exporter/otlpexporter/metadata.yaml: type otlp_grpc, deprecated_type otlp.
    expect(findComponentType('exporters', 'otlp_grpc')?.deprecatedAliasOf).toBeUndefined();
    expect(findComponentType('exporters', 'otlp')?.deprecatedAliasOf).toBe('otlp_grpc');
    expect(findComponentType('processors', 'resource_detection')).toBeDefined();
    expect(findComponentType('processors', 'resourcedetection')?.deprecatedAliasOf).toBe('resource_detection');
    expect(findComponentType('processors', 'memory_limiter')).toBeDefined();
    expect(findComponentType('processors', 'memorylimiter')).toBeUndefined();
    expect(findComponentType('receivers', 'otlp_grpc')).toBeUndefined();
  });
});

describe('validateOtelConfig accepts correct configs', () => {
  it('the host-metrics config vmonboard renders (spire-otel.md §4.3)', () => {
    expect(validateOtelConfig(sample())).toEqual([]);
  });

  it("otelcol-contrib's own packaged config.yaml (guards against false positives)", () => {
    const packaged = jsYaml.load(readUpstream('opentelemetry-collector-releases/distributions/otelcol-contrib/config.yaml'));
    expect(validateOtelConfig(packaged)).toEqual([]);
  });
});

describe('validateOtelConfig rejects planted defects', () => {
  it('a pipeline referencing an undefined processor', () => {
    const cfg = sample();
    cfg.service.pipelines.metrics.processors.push('batch');
    expect(validateOtelConfig(cfg)).toEqual(['/service/pipelines/metrics/processors/3: "batch" is not defined under processors']);
  });

  it('an unknown otlp_grpc tls key (configtls client_config)', () => {
    const cfg = sample();
    cfg.exporters['otlp_grpc/gateway'].tls.ca_path = '/etc/ca.pem';
    expect(validateOtelConfig(cfg)).toEqual([
      '/exporters/otlp_grpc~1gateway/tls/ca_path: unknown key "ca_path" (not in opentelemetry-collector/exporter/otlpexporter/config.schema.yaml)',
    ]);
  });

  it('unknown top-level keys of memory_limiter and resource_detection', () => {
    const cfg = sample();
    cfg.processors.memory_limiter.limit_percent = 80;
    cfg.processors['resource_detection/cloud'].detector = ['ec2'];
    const errors = validateOtelConfig(cfg);
    expect(errors).toContainEqual(expect.stringMatching(/^\/processors\/memory_limiter\/limit_percent: unknown key/));
    expect(errors).toContainEqual(expect.stringMatching(/^\/processors\/resource_detection~1cloud\/detector: unknown key/));
    expect(errors).toHaveLength(2);
  });

  it('unknown keys deeper in otlp_grpc (sending_queue.batch, retry) and in hostmetrics / prometheus', () => {
    const cfg = sample();
    cfg.exporters['otlp_grpc/gateway'].sending_queue.batch.flush_interval = '1s';
    cfg.exporters['otlp_grpc/gateway'].retry_on_failure.max_retries = 3;
    cfg.receivers.hostmetrics.scrapers.cpus = {};
    cfg.receivers['prometheus/istio'].config.scrape_configs[0].static_configs[0].target = ['x:1'];
    const errors = validateOtelConfig(cfg);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/sending_queue\/batch\/flush_interval: unknown key/),
        expect.stringMatching(/retry_on_failure\/max_retries: unknown key/),
        expect.stringMatching(/^\/receivers\/hostmetrics\/scrapers\/cpus: unknown key/),
        expect.stringMatching(/static_configs\/0\/target: unknown key/),
      ]),
    );
  });

  it('a component type missing from the distribution, a deprecated alias and an unknown section', () => {
    const cfg = sample();
    cfg.exporters.otlp = { endpoint: 'x:4317' };
    cfg.receivers.hostmetricz = { scrapers: { cpu: {} } };
    cfg.processor = {};
    const errors = validateOtelConfig(cfg);
    expect(errors).toContainEqual('/processor: unknown top-level section');
    expect(errors).toContainEqual('/exporters/otlp: "otlp" is a deprecated alias; use "otlp_grpc" (spire-otel.md §4.2)');
    expect(errors).toContainEqual(expect.stringMatching(/^\/receivers\/hostmetricz: type "hostmetricz" is not a receiver/));
  });

  it('the required-field table of spire-otel.md §4.3', () => {
    const cfg = sample();
    delete cfg.exporters['otlp_grpc/gateway'].endpoint;
    cfg.receivers.hostmetrics.scrapers = {};
    cfg.processors['resource_detection/cloud'].detectors = [];
    cfg.processors.memory_limiter = { check_interval: '0s', spike_limit_mib: 10 };
    cfg.processors['resource/vm'].attributes = [{ key: 'a', action: 'insert' }, { action: 'rename' }];
    cfg.receivers['prometheus/istio'].config.scrape_configs[0].static_configs = [];
    expect(validateOtelConfig(cfg).sort()).toEqual(
      [
        '/exporters/otlp_grpc~1gateway/endpoint: required (spire-otel.md §4.3)',
        '/processors/memory_limiter/check_interval: required and non-zero (default 0s disables checks; spire-otel.md §4.3)',
        '/processors/memory_limiter: limit_mib or limit_percentage required (spire-otel.md §4.3)',
        '/processors/resource_detection~1cloud/detectors: required, non-empty (spire-otel.md §4.3)',
        '/processors/resource~1vm/attributes/0: insert needs value or from_attribute',
        '/processors/resource~1vm/attributes/1/key: required',
        '/processors/resource~1vm/attributes/1/action: must be one of insert|update|upsert|delete|hash|extract',
        '/receivers/hostmetrics/scrapers: at least one scraper required (spire-otel.md §4.3)',
        '/receivers/prometheus~1istio/config/scrape_configs/0: no targets (static_configs[].targets or a *_sd_configs)',
      ].sort(),
    );
  });

  it('pipeline names, empty receivers/exporters, unknown pipeline and service keys, undefined extensions', () => {
    const cfg = sample();
    cfg.service.pipelines['metric/extra'] = { receivers: [], exporters: ['otlp_grpc/gateway'] };
    cfg.service.pipelines.logs = { receivers: ['hostmetrics'], exporters: [], processor: [] };
    cfg.service.extensions = ['health_check'];
    cfg.service.telemtry = {};
    const errors = validateOtelConfig(cfg);
    expect(errors).toEqual(
      expect.arrayContaining([
        '/service/telemtry: unknown key',
        '/service/extensions/0: "health_check" is not defined under extensions',
        '/service/pipelines/metric~1extra: pipeline name must be <traces|metrics|logs>[/<name>]',
        '/service/pipelines/metric~1extra/receivers: at least one required',
        '/service/pipelines/logs/processor: unknown key',
        '/service/pipelines/logs/exporters: at least one required',
      ]),
    );
  });
});

describe('upstream config.schema.yaml coverage (honesty check)', () => {
  it('checks the keys that matter and names the refs it could not resolve', () => {
    validateOtelConfig(sample());
    // The objects behind these refs are NOT field-checked: their files are not in shared/upstream.
    expect(listUnresolvedRefs()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\.\/internal\/scraper\/cpuscraper\.config/),
        expect.stringMatching(/^\.\/internal\/aws\/ec2\.config/),
        expect.stringMatching(/^\/internal\/coreinternal\/attraction\.action_key_value/),
      ]),
    );
    // ...but the configtls client_config the exporter embeds resolves through two files.
    expect(checkComponentFields('opentelemetry-collector/exporter/otlpexporter', { tls: { insecure: true, tpm: { enabled: false } } }, '')).toEqual([]);
    expect(checkComponentFields('opentelemetry-collector-contrib/receiver/nosuchreceiver', {}, '')).toBeNull();
  });
});
