/**
 * Validates one generated Kubernetes resource the way the API server would judge it.
 *
 * Custom resources are checked against the served version of the upstream CRD (translated by
 * `crd-schema.ts`); the core kinds we emit go through `k8s-core.ts` (kubernetes-models). An
 * apiVersion/kind that neither knows is an error: nothing is valid by default.
 */
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { OBJECT_META_SCHEMA, crdKey, loadCrdIndex, type CrdVersion } from './crd-schema.js';
import { isSupportedCoreKind, validateCoreKind } from './k8s-core.js';
import { isPlainObject } from './upstream.js';

// strict: a keyword the translation forgot to strip would fail compilation instead of being
// ignored. strictRequired is off because structural schemas legitimately write
// `oneOf: [{required: [x]}, ...]` over properties declared outside the branch.
// Formats are not enforced: CRDs use OpenAPI formats (int32, int64, byte, date-time) that the API
// server mostly ignores, and guessing would produce false errors. Patterns use JS RegExp syntax,
// which accepts the RE2 patterns of these CRDs (all compile; see k8s-crd.test.ts).
// ajv is CommonJS; under NodeNext its class is the module's `default` property.
const ajv = new AjvModule.default({ allErrors: true, strict: true, strictRequired: false, validateFormats: false });
const compiled = new Map<string, ValidateFunction>();
/** Compiles a schema once and caches it under `key`. */
function compileOnce(key: string, schema: Record<string, unknown>): ValidateFunction {
  const cached = compiled.get(key);
  if (cached) return cached;
  const fresh = ajv.compile(schema);
  compiled.set(key, fresh);
  return fresh;
}

/** Renders one ajv error as "<json pointer>: <message>", naming the offending key for unknown fields. */
function formatAjvError(e: ErrorObject, base = ''): string {
  const at = `${base}${e.instancePath}` || '/';
  if (e.keyword === 'additionalProperties') {
    const key = (e.params as { additionalProperty: string }).additionalProperty;
    return `${at}: unknown field "${key}" (the API server would prune it silently)`;
  }
  if (e.keyword === 'enum') return `${at}: ${e.message} ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
  if (e.keyword === 'const') return `${at}: must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
  return `${at}: ${e.message ?? 'invalid'}`;
}

/** Splits `group/version` (or `v1` for the core group) into its parts. */
function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Finds the served CRD version for an object, or explains why there is none. */
function findCrd(apiVersion: string, kind: string): CrdVersion | string {
  const { group, version } = parseApiVersion(apiVersion);
  const versions = loadCrdIndex().get(crdKey(group, kind));
  if (!versions) return `/kind: no upstream CRD or supported core kind for apiVersion "${apiVersion}" kind "${kind}"`;
  const match = versions.find((v) => v.version === version);
  if (!match) {
    return `/apiVersion: ${kind}.${group} has no served version "${version}" (served: ${versions.map((v) => v.version).join(', ')}; ${versions[0]!.source})`;
  }
  return match;
}

/**
 * Returns the list of problems with one Kubernetes resource (each "<json pointer>: <message>");
 * an empty list means the API server would accept it without pruning anything.
 * CEL rules (`x-kubernetes-validations`) are not evaluated.
 */
export function validateK8sResource(obj: unknown): string[] {
  if (!isPlainObject(obj)) return ['/: a Kubernetes resource must be an object'];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || apiVersion === '') return ['/apiVersion: missing or not a string'];
  if (typeof kind !== 'string' || kind === '') return ['/kind: missing or not a string'];

  if (isSupportedCoreKind(apiVersion, kind)) {
    const meta = compileOnce('ObjectMeta', OBJECT_META_SCHEMA);
    const metaErrors = meta(obj.metadata) ? [] : (meta.errors ?? []).map((e) => formatAjvError(e, '/metadata'));
    if (obj.metadata === undefined) metaErrors.unshift('/metadata: missing');
    // kubernetes-models also types metadata, so the same problem may be reported twice.
    return [...new Set([...metaErrors, ...validateCoreKind(obj)])];
  }

  const crd = findCrd(apiVersion, kind);
  if (typeof crd === 'string') return [crd];
  const validate = compileOnce(`${crd.group}/${crd.version}/${crd.kind}`, crd.schema);
  const errors = validate(obj) ? [] : (validate.errors ?? []).map((e) => formatAjvError(e));
  if (crd.scope === 'Cluster' && isPlainObject(obj.metadata) && obj.metadata.namespace !== undefined) {
    errors.push(`/metadata/namespace: ${kind} is cluster-scoped (${crd.source}); a namespace here is meaningless`);
  }
  return errors;
}
