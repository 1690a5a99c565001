/**
 * The component types the pinned otelcol-contrib distribution (0.159.0) is built with.
 *
 * Source: `opentelemetry-collector-releases/distributions/otelcol-contrib/manifest.yaml`, the OCB
 * manifest listing one Go module per component. A component's config type name is derived from
 * its module path (`.../receiver/hostmetricsreceiver` → `hostmetrics`); where mdatagen's type
 * differs from that, the type comes from the component's `metadata.yaml` when shared/upstream has
 * it, else from a small documented rename table.
 */
import path from 'node:path';
import { findUpstreamFiles, isPlainObject, readUpstreamYaml } from './upstream.js';
import { localDirOfModule } from './otel-schema.js';

/** The config sections holding components, each named after its manifest list. */
export const COMPONENT_KINDS = ['receivers', 'processors', 'exporters', 'extensions', 'connectors'] as const;
/** One of the five component kinds. */
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

/** One component type usable in a config of the pinned distribution. */
export interface ComponentType {
  kind: ComponentKind;
  type: string;
  /** Go module path from the manifest. */
  module: string;
  /** Canonical type when `type` is a deprecated alias (it still works, with a warning). */
  deprecatedAliasOf?: string;
  /** Folder under shared/upstream holding the module's files, when that repository is copied there. */
  localDir?: string;
}

const MANIFEST = 'opentelemetry-collector-releases/distributions/otelcol-contrib/manifest.yaml';

/**
 * Type names the module path does not reveal, for modules whose metadata.yaml is NOT in
 * shared/upstream. Kept to the components we emit or that the references document.
 */
const DOCUMENTED_RENAMES: Record<string, { type: string; deprecated?: string; source: string }> = {
  resourcedetectionprocessor: {
    type: 'resource_detection',
    deprecated: 'resourcedetection',
    source: 'shared/reference/spire-otel.md §4.2 (contrib PR #48525, expected in v0.153.0+, alias kept)',
  },
  memorylimiterprocessor: {
    type: 'memory_limiter',
    source: 'shared/reference/spire-otel.md §4.2 ("memory_limiter keep[s] its name") and the §4.3 config',
  },
  healthcheckextension: {
    type: 'health_check',
    source: "the packaged default config of this very release (distributions/otelcol-contrib/config.yaml: 'extensions: health_check')",
  },
  otlphttpexporter: {
    type: 'otlp_http',
    deprecated: 'otlphttp',
    source: 'shared/reference/spire-otel.md §4.2 (collector PR #14397, v0.144.0)',
  },
};

/** Reads every mdatagen `metadata.yaml` under shared/upstream: module folder name → {type, deprecated_type}. */
function readMetadataTypes(): Map<string, { type: string; deprecated?: string }> {
  const out = new Map<string, { type: string; deprecated?: string }>();
  for (const root of ['opentelemetry-collector', 'opentelemetry-collector-contrib']) {
    for (const file of findUpstreamFiles(root, 'metadata.yaml')) {
      const meta = readUpstreamYaml(file);
      if (!isPlainObject(meta) || typeof meta.type !== 'string') continue;
      const deprecated = typeof meta.deprecated_type === 'string' ? meta.deprecated_type : undefined;
      out.set(path.posix.basename(path.posix.dirname(file)), { type: meta.type, ...(deprecated ? { deprecated } : {}) });
    }
  }
  return out;
}

const SUFFIX: Record<ComponentKind, string> = {
  receivers: 'receiver',
  processors: 'processor',
  exporters: 'exporter',
  extensions: 'extension',
  connectors: 'connector',
};

let cache: { version: string; types: Map<string, ComponentType> } | undefined;

/** Key of a component type in the index: `<kind>/<type>`. */
function typeKey(kind: ComponentKind, type: string): string {
  return `${kind}/${type}`;
}

/** Parses the manifest once and returns the distribution version and every usable component type (aliases included). */
export function loadOtelManifest(): { version: string; types: Map<string, ComponentType> } {
  if (cache) return cache;
  const manifest = readUpstreamYaml(MANIFEST);
  if (!isPlainObject(manifest) || !isPlainObject(manifest.dist)) throw new Error(`${MANIFEST}: no dist section`);
  const metadata = readMetadataTypes();
  const types = new Map<string, ComponentType>();
  for (const kind of COMPONENT_KINDS) {
    const entries = manifest[kind];
    if (!Array.isArray(entries)) throw new Error(`${MANIFEST}: no ${kind} list`);
    for (const entry of entries) {
      const gomod = isPlainObject(entry) ? entry.gomod : undefined;
      if (typeof gomod !== 'string') throw new Error(`${MANIFEST}: ${kind} entry without gomod`);
      const module = gomod.split(/\s+/)[0]!;
      const base = module.split('/').pop()!;
      const derived = base.endsWith(SUFFIX[kind]) && base !== SUFFIX[kind] ? base.slice(0, -SUFFIX[kind].length) : base;
      const rename = metadata.get(base) ?? DOCUMENTED_RENAMES[base];
      const type = rename?.type ?? derived;
      const localDir = localDirOfModule(module);
      const info: ComponentType = { kind, type, module, ...(localDir ? { localDir } : {}) };
      types.set(typeKey(kind, type), info);
      if (rename?.deprecated) types.set(typeKey(kind, rename.deprecated), { ...info, type: rename.deprecated, deprecatedAliasOf: type });
    }
  }
  cache = { version: String(manifest.dist.version), types };
  return cache;
}

/** Looks up a component type of a kind in the pinned distribution. */
export function findComponentType(kind: ComponentKind, type: string): ComponentType | undefined {
  return loadOtelManifest().types.get(typeKey(kind, type));
}
