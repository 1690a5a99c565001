/**
 * Upstream CRDs as JSON Schemas ajv can compile.
 *
 * The CRDs are read from `shared/upstream/` (istio `crd-all.gen.yaml`, spire-controller-manager
 * `crd/bases/*.yaml`, Gloo `externalworkloads.crd.yaml`). Each served version's
 * `schema.openAPIV3Schema` is a Kubernetes *structural schema*: an OpenAPI v3 subset plus
 * `x-kubernetes-*` extensions. This module translates it into plain JSON Schema with the API
 * server's pruning made explicit (an unknown field is an error here, because the API server would
 * drop it without a word).
 */
import fs from 'node:fs';
import jsYaml from 'js-yaml';
import { isPlainObject, readUpstream, upstreamPath } from './upstream.js';

/** One served version of one upstream CRD, with its translated JSON Schema. */
export interface CrdVersion {
  group: string;
  kind: string;
  version: string;
  scope: 'Namespaced' | 'Cluster';
  /** Upstream file (relative to `shared/upstream/`) the CRD was read from, for error messages. */
  source: string;
  /** The translated schema of the whole object (apiVersion, kind, metadata, spec, ...). */
  schema: Record<string, unknown>;
}

/** Upstream CRD files, relative to `shared/upstream/` (see SOURCES.md for their origin and commit). */
const CRD_SOURCES = (): string[] => [
  'istio/crds/crd-all.gen.yaml',
  ...fs
    .readdirSync(upstreamPath('spiffe-spire-controller-manager/crd/bases'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => `spiffe-spire-controller-manager/crd/bases/${f}`),
  'gloo/externalworkloads.crd.yaml',
];

/**
 * The ObjectMeta fields a generated manifest may set. Everything else in ObjectMeta
 * (uid, resourceVersion, creationTimestamp, managedFields, ...) is server-owned, and a field the
 * API server does not know is dropped; either way a generator emitting it is wrong.
 * Name and label formats follow k8s.io/apimachinery `pkg/util/validation` (DNS-1123 subdomain for
 * object names, qualified names and label values), which the API server applies to every object.
 */
const DNS1123_SUBDOMAIN = '^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const LABEL_KEY = '^(([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)/)?(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$';
const LABEL_VALUE = '^(?=.{0,63}$)(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';

/** JSON Schema for the writable part of ObjectMeta; `name` is required because generated objects never use generateName alone. */
export const OBJECT_META_SCHEMA: Record<string, unknown> = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: DNS1123_SUBDOMAIN },
    namespace: { type: 'string', pattern: DNS1123_SUBDOMAIN },
    generateName: { type: 'string' },
    labels: { type: 'object', propertyNames: { pattern: LABEL_KEY }, additionalProperties: { type: 'string', pattern: LABEL_VALUE } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    finalizers: { type: 'array', items: { type: 'string' } },
    ownerReferences: { type: 'array', items: { type: 'object' } },
  },
};

/** Keywords that only steer the API server (list merge strategy, CEL rules, ...) and have no JSON Schema meaning. */
const DROPPED_EXTENSIONS = [
  // CEL rules cannot be evaluated here (no CEL engine in this project); they are dropped, so rules
  // such as "port must be between 1-65535" on istio ports are NOT enforced by this validator.
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
];

/**
 * Translates one structural-schema node. `structural` is false inside anyOf/oneOf/allOf/not: there
 * Kubernetes only allows value validations over the skeleton declared outside, so closing objects
 * in a branch would reject fields the skeleton allows.
 */
function translate(node: unknown, structural: boolean): unknown {
  if (!isPlainObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_EXTENSIONS.includes(key)) continue;
    if (key === 'x-kubernetes-preserve-unknown-fields' || key === 'x-kubernetes-int-or-string' || key === 'nullable') continue;
    if (key === 'x-kubernetes-embedded-resource') continue;
    if (key === 'properties' && isPlainObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, translate(v, true)]));
    } else if ((key === 'items' || key === 'additionalProperties') && isPlainObject(value)) {
      out[key] = translate(value, true);
    } else if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf') && Array.isArray(value)) {
      out[key] = value.map((branch) => translate(branch, false));
    } else if (key === 'not') {
      out.not = translate(value, false);
    } else {
      out[key] = value;
    }
  }
  if (node['x-kubernetes-int-or-string'] === true && out.anyOf === undefined && out.oneOf === undefined) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (node.nullable === true && typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  if (node['x-kubernetes-embedded-resource'] === true && isPlainObject(out.properties)) {
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...out.properties };
  }
  const isObject = out.type === 'object' || out.properties !== undefined;
  // Pruning made explicit: an object node that neither preserves unknown fields nor declares
  // additionalProperties keeps only its declared properties on the server (an object without
  // properties keeps none), so anything else in our output would vanish silently.
  if (structural && isObject && node['x-kubernetes-preserve-unknown-fields'] !== true && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

/**
 * Turns a CRD version's `openAPIV3Schema` into a schema for the whole object: the API server
 * always accepts `apiVersion`, `kind` and `metadata` at the root even where the CRD omits them,
 * and treats `metadata` as ObjectMeta whatever the CRD says about it.
 */
export function translateOpenApiV3Schema(openApi: unknown, group: string, version: string, kind: string): Record<string, unknown> {
  const root = translate(openApi, true) as Record<string, unknown>;
  const properties = isPlainObject(root.properties) ? root.properties : {};
  const required = Array.isArray(root.required) ? (root.required as string[]) : [];
  return {
    ...root,
    type: 'object',
    properties: {
      ...properties,
      apiVersion: { type: 'string', const: `${group}/${version}` },
      kind: { type: 'string', const: kind },
      metadata: OBJECT_META_SCHEMA,
    },
    required: [...new Set([...required, 'apiVersion', 'kind', 'metadata'])],
    additionalProperties: root.additionalProperties ?? false,
  };
}

let cache: Map<string, CrdVersion[]> | undefined;

/** Key under which a CRD version is indexed: `group/kind`. */
export function crdKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}

/**
 * Loads every upstream CRD once (the istio file is ~1 MB, so this is lazy and cached) and returns
 * the served versions indexed by `group/kind`. Versions with `served: false` are left out: the API
 * server rejects objects of a version it does not serve.
 */
export function loadCrdIndex(): Map<string, CrdVersion[]> {
  if (cache) return cache;
  const index = new Map<string, CrdVersion[]>();
  for (const source of CRD_SOURCES()) {
    for (const doc of jsYaml.loadAll(readUpstream(source), undefined, { filename: source })) {
      if (!isPlainObject(doc) || doc.kind !== 'CustomResourceDefinition' || !isPlainObject(doc.spec)) continue;
      const spec = doc.spec as { group: string; scope: 'Namespaced' | 'Cluster'; names: { kind: string }; versions: Array<Record<string, unknown>> };
      for (const v of spec.versions) {
        if (v.served !== true) continue;
        const openApi = isPlainObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
        if (!isPlainObject(openApi)) throw new Error(`${source}: ${spec.names.kind} ${String(v.name)} has no openAPIV3Schema`);
        const entry: CrdVersion = {
          group: spec.group,
          kind: spec.names.kind,
          version: String(v.name),
          scope: spec.scope,
          source,
          schema: translateOpenApiV3Schema(openApi, spec.group, String(v.name), spec.names.kind),
        };
        const key = crdKey(entry.group, entry.kind);
        index.set(key, [...(index.get(key) ?? []), entry]);
      }
    }
  }
  cache = index;
  return index;
}
