/**
 * Validates an OpenTelemetry collector config (already parsed from YAML) for the pinned
 * otelcol-contrib 0.159.0, the way the collector would refuse it at start-up.
 *
 * Checks, in order:
 * 1. top-level sections are only receivers/processors/exporters/extensions/connectors/service;
 * 2. every defined component ID is `type[/name]` and its type is in the distribution manifest
 *    (`otel-manifest.ts`); deprecated aliases (`otlp`, `resourcedetection`) are errors, since a
 *    generated config must use the canonical name (spire-otel.md §4.2, §7);
 * 3. field names of each component against its upstream `config.schema.yaml` (`otel-schema.ts`);
 * 4. the required-field table of shared/reference/spire-otel.md §4.3 ("Which components need which fields");
 * 5. `service`: pipeline names, references to defined components, ≥1 receiver and ≥1 exporter.
 */
import { COMPONENT_KINDS, findComponentType, type ComponentKind } from './otel-manifest.js';
import { checkComponentFields } from './otel-schema.js';
import { escapePointerToken, isPlainObject } from './upstream.js';

/** Component IDs are `type[/name]`; the type grammar is the collector's (letter, then letters/digits/underscores). */
const COMPONENT_ID = /^([a-zA-Z][a-zA-Z0-9_]*)(?:\/(.+))?$/;
/** Pipeline IDs are `<signal>[/<name>]`; this project emits only these three signals. */
const PIPELINE_ID = /^(traces|metrics|logs)(?:\/(.+))?$/;
/** `service` keys used by the packaged otelcol-contrib config.yaml and spire-otel.md §4.3. */
const SERVICE_KEYS = new Set(['extensions', 'pipelines', 'telemetry']);
const PIPELINE_KEYS = new Set(['receivers', 'processors', 'exporters']);
/** resource processor actions, from spire-otel.md §4.3 (the config.schema.yaml lists them in its description). */
const RESOURCE_ACTIONS = new Set(['insert', 'update', 'upsert', 'delete', 'hash', 'extract']);

const ptr = (...tokens: Array<string | number>): string => tokens.map((t) => `/${escapePointerToken(t)}`).join('');
const isNonEmptyString = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';
const isNonEmptyArray = (v: unknown): v is unknown[] => Array.isArray(v) && v.length > 0;
/** A duration or number the collector would read as "not set": missing, 0, "0", "0s". */
const isZero = (v: unknown): boolean => v === undefined || v === null || v === 0 || v === '0' || v === '0s';

/** Required fields per canonical type, from spire-otel.md §4.3; each returns errors for one component. */
const REQUIRED: Record<string, (cfg: Record<string, unknown>, at: string) => string[]> = {
  otlp_grpc: (cfg, at) => (isNonEmptyString(cfg.endpoint) ? [] : [`${at}/endpoint: required (spire-otel.md §4.3)`]),
  prometheus: (cfg, at) => {
    const jobs = isPlainObject(cfg.config) ? cfg.config.scrape_configs : undefined;
    if (!isNonEmptyArray(jobs)) return [`${at}/config/scrape_configs: at least one scrape config required (spire-otel.md §4.3)`];
    return jobs.flatMap((job, i) => {
      const j = isPlainObject(job) ? job : {};
      const out: string[] = [];
      if (!isNonEmptyString(j.job_name)) out.push(`${at}/config/scrape_configs/${i}/job_name: required`);
      const staticTargets = Array.isArray(j.static_configs) && j.static_configs.some((s) => isPlainObject(s) && isNonEmptyArray(s.targets));
      const discovery = Object.keys(j).some((k) => k.endsWith('_sd_configs'));
      if (!staticTargets && !discovery) out.push(`${at}/config/scrape_configs/${i}: no targets (static_configs[].targets or a *_sd_configs)`);
      return out;
    });
  },
  hostmetrics: (cfg, at) =>
    isPlainObject(cfg.scrapers) && Object.keys(cfg.scrapers).length > 0 ? [] : [`${at}/scrapers: at least one scraper required (spire-otel.md §4.3)`],
  resource_detection: (cfg, at) => (isNonEmptyArray(cfg.detectors) ? [] : [`${at}/detectors: required, non-empty (spire-otel.md §4.3)`]),
  memory_limiter: (cfg, at) => {
    const out: string[] = [];
    if (isZero(cfg.check_interval)) out.push(`${at}/check_interval: required and non-zero (default 0s disables checks; spire-otel.md §4.3)`);
    if (isZero(cfg.limit_mib) && isZero(cfg.limit_percentage)) out.push(`${at}: limit_mib or limit_percentage required (spire-otel.md §4.3)`);
    return out;
  },
  resource: (cfg, at) => {
    if (!isNonEmptyArray(cfg.attributes)) return [`${at}/attributes: at least one action required (spire-otel.md §4.3)`];
    return cfg.attributes.flatMap((a, i) => {
      const attr = isPlainObject(a) ? a : {};
      const out: string[] = [];
      if (!isNonEmptyString(attr.key)) out.push(`${at}/attributes/${i}/key: required`);
      if (typeof attr.action !== 'string' || !RESOURCE_ACTIONS.has(attr.action.toLowerCase())) {
        out.push(`${at}/attributes/${i}/action: must be one of ${[...RESOURCE_ACTIONS].join('|')}`);
      } else if (['insert', 'update', 'upsert'].includes(attr.action.toLowerCase()) && attr.value === undefined && attr.from_attribute === undefined) {
        out.push(`${at}/attributes/${i}: ${attr.action} needs value or from_attribute`);
      }
      return out;
    });
  },
};

/** Checks one section's component definitions: ID syntax, type in the manifest, field names, required fields. */
function checkSection(kind: ComponentKind, section: unknown, errors: string[]): void {
  if (section === undefined || section === null) return;
  if (!isPlainObject(section)) {
    errors.push(`${ptr(kind)}: must be a mapping of component IDs`);
    return;
  }
  for (const [id, cfg] of Object.entries(section)) {
    const at = ptr(kind, id);
    const m = COMPONENT_ID.exec(id);
    if (!m) {
      errors.push(`${at}: invalid component ID (expected type[/name])`);
      continue;
    }
    const info = findComponentType(kind, m[1]!);
    if (!info) {
      errors.push(`${at}: type "${m[1]}" is not a ${kind.slice(0, -1)} in otelcol-contrib (manifest.yaml)`);
      continue;
    }
    if (info.deprecatedAliasOf) errors.push(`${at}: "${info.type}" is a deprecated alias; use "${info.deprecatedAliasOf}" (spire-otel.md §4.2)`);
    if (cfg !== null && cfg !== undefined && !isPlainObject(cfg)) {
      errors.push(`${at}: component config must be a mapping`);
      continue;
    }
    const body = cfg ?? {};
    if (info.localDir) errors.push(...(checkComponentFields(info.localDir, body, at) ?? []));
    errors.push(...(REQUIRED[info.deprecatedAliasOf ?? info.type]?.(body, at) ?? []));
  }
}

/** Checks `service`: its keys, service.extensions references and every pipeline. */
function checkService(config: Record<string, unknown>, errors: string[]): void {
  const service = config.service;
  if (!isPlainObject(service)) {
    errors.push('/service: required mapping');
    return;
  }
  for (const key of Object.keys(service)) if (!SERVICE_KEYS.has(key)) errors.push(`${ptr('service', key)}: unknown key`);
  const defined = (kind: ComponentKind, id: unknown): boolean => {
    const section = config[kind];
    return typeof id === 'string' && isPlainObject(section) && Object.hasOwn(section, id);
  };
  const exts = service.extensions ?? [];
  if (!Array.isArray(exts)) errors.push('/service/extensions: must be a list');
  else exts.forEach((id, i) => defined('extensions', id) || errors.push(`${ptr('service', 'extensions', i)}: "${String(id)}" is not defined under extensions`));

  const pipelines = service.pipelines;
  if (!isPlainObject(pipelines) || Object.keys(pipelines).length === 0) {
    errors.push('/service/pipelines: at least one pipeline required');
    return;
  }
  for (const [name, pipeline] of Object.entries(pipelines)) {
    const at = ptr('service', 'pipelines', name);
    if (!PIPELINE_ID.test(name)) errors.push(`${at}: pipeline name must be <traces|metrics|logs>[/<name>]`);
    if (!isPlainObject(pipeline)) {
      errors.push(`${at}: must be a mapping`);
      continue;
    }
    for (const key of Object.keys(pipeline)) if (!PIPELINE_KEYS.has(key)) errors.push(`${at}/${escapePointerToken(key)}: unknown key`);
    // Connectors act as exporters of one pipeline and receivers of another.
    const roles: Array<[string, ComponentKind[]]> = [
      ['receivers', ['receivers', 'connectors']],
      ['processors', ['processors']],
      ['exporters', ['exporters', 'connectors']],
    ];
    for (const [role, kinds] of roles) {
      const ids = pipeline[role] ?? [];
      if (!Array.isArray(ids)) {
        errors.push(`${at}/${role}: must be a list`);
        continue;
      }
      if (role !== 'processors' && ids.length === 0) errors.push(`${at}/${role}: at least one required`);
      ids.forEach((id, i) => {
        if (!kinds.some((k) => defined(k, id))) errors.push(`${at}/${role}/${i}: "${String(id)}" is not defined under ${kinds.join(' or ')}`);
      });
    }
  }
}

/**
 * Returns every problem the pinned otelcol-contrib would have with `config` (each
 * "<json pointer>: <message>"); empty when valid. Field names are checked only where the
 * component's upstream schema resolves (see `otel-schema.ts`).
 */
export function validateOtelConfig(config: unknown): string[] {
  if (!isPlainObject(config)) return ['/: collector config must be a mapping'];
  const errors: string[] = [];
  for (const key of Object.keys(config)) {
    if (key !== 'service' && !(COMPONENT_KINDS as readonly string[]).includes(key)) errors.push(`${ptr(key)}: unknown top-level section`);
  }
  for (const kind of COMPONENT_KINDS) checkSection(kind, config[kind], errors);
  checkService(config, errors);
  return errors;
}
