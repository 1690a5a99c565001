/**
 * Validation of the core (`v1`) kinds we emit: Service, Namespace, ServiceAccount, ConfigMap.
 *
 * Types and formats come from `kubernetes-models` (v4), whose `validate()` runs a precompiled ajv
 * validator of the Kubernetes OpenAPI schema and throws a `ValidationError` carrying ajv errors.
 * Those validators do NOT reject unknown fields (tested: `spec.bogus` passes), yet the API server
 * drops unknown fields of core kinds just as it prunes CRDs. So this module also walks the
 * object against the field lists declared in kubernetes-models' own `.d.ts` interfaces
 * (`kubernetes-models/v1/ServiceSpec.d.ts`, ...), which are generated from the same OpenAPI spec.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import { PROJECT_ROOT, escapePointerToken, isPlainObject } from './upstream.js';

/** The model class per core kind; `validate()` throws on a schema error. */
const CORE_MODELS: Record<string, new (data: never) => { validate(): void }> = {
  Service: Service as never,
  Namespace: Namespace as never,
  ServiceAccount: ServiceAccount as never,
  ConfigMap: ConfigMap as never,
};

/** True when `apiVersion`/`kind` name a core kind this module validates. */
export function isSupportedCoreKind(apiVersion: unknown, kind: unknown): boolean {
  return apiVersion === 'v1' && typeof kind === 'string' && kind in CORE_MODELS;
}

/** A field's declared shape, reduced to what an unknown-field walk needs. */
type FieldShape =
  | { kind: 'scalar' }
  | { kind: 'object'; ref: TypeRef }
  | { kind: 'array'; of: FieldShape }
  | { kind: 'map'; of: FieldShape };

interface TypeRef {
  file: string;
  name: string;
}

const interfaceCache = new Map<string, Map<string, FieldShape> | null>();

/** Finds a package directory the way Node does: `node_modules/<pkg>` in the importer's folder or any parent. */
function resolvePackageDir(pkg: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', pkg);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`cannot resolve package ${pkg} from ${fromDir}`);
  }
}

/** Resolves an import specifier of a `.d.ts` file to the `.d.ts` it names. */
function resolveImport(specifier: string, fromFile: string): string {
  if (specifier.startsWith('.')) return path.resolve(path.dirname(fromFile), `${specifier}.d.ts`);
  const parts = specifier.split('/');
  const pkg = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  const rest = specifier.slice(pkg.length + 1);
  return path.join(resolvePackageDir(pkg, path.dirname(fromFile)), `${rest}.d.ts`);
}

/** Parses one field type written by the kubernetes-models generator (`Array<X>`, `{ [key: string]: X; }`, `IIoK8s...`, literals). */
function parseType(text: string, imports: Map<string, string>, file: string): FieldShape {
  const t = text.trim().replace(/;$/, '').trim();
  const array = /^Array<(.+)>$/s.exec(t);
  if (array) return { kind: 'array', of: parseType(array[1]!, imports, file) };
  const map = /^\{\s*\[key: string\]:\s*(.+?);?\s*\}$/s.exec(t);
  if (map) return { kind: 'map', of: parseType(map[1]!, imports, file) };
  const ref = imports.get(t);
  if (ref !== undefined) return { kind: 'object', ref: { file: resolveImport(ref, file), name: t } };
  return { kind: 'scalar' };
}

/**
 * Reads the interface exported as `name` from a kubernetes-models `.d.ts` file and returns its
 * fields, or null when `name` is a type alias (e.g. IntOrString, Time): aliases are scalars.
 */
function readInterface(ref: TypeRef): Map<string, FieldShape> | null {
  const cacheKey = `${ref.file}#${ref.name}`;
  if (interfaceCache.has(cacheKey)) return interfaceCache.get(cacheKey)!;
  const src = fs.readFileSync(ref.file, 'utf8');
  const imports = new Map<string, string>();
  for (const m of src.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) imports.set(m[1]!, m[2]!);
  // `export { IServiceSpec as IIoK8sApiCoreV1ServiceSpec, ... }` maps the public alias to the local interface.
  const alias = new RegExp(`(\\w+) as ${ref.name}\\b`).exec(src)?.[1] ?? ref.name;
  const body = new RegExp(`^export interface ${alias}(?: extends [\\w, ]+)? \\{\\n([\\s\\S]*?)^\\}`, 'm').exec(src);
  if (!body) {
    if (new RegExp(`^export declare type ${alias}\\b`, 'm').test(src)) {
      interfaceCache.set(cacheKey, null);
      return null;
    }
    throw new Error(`kubernetes-models: cannot find ${ref.name} in ${ref.file}; the unknown-field check cannot run`);
  }
  const fields = new Map<string, FieldShape>();
  // Fields sit at 4-space indent; a multi-line type literal continues until its closing `    };`.
  const lines = body[1]!.split('\n').filter((l) => !/^\s*(\/\*\*|\*)/.test(l));
  for (let i = 0; i < lines.length; i++) {
    const m = /^ {4}"([^"]+)"\??: (.*)$/.exec(lines[i]!);
    if (!m) continue;
    let typeText = m[2]!;
    while (typeText.trim().endsWith('{') || (typeText.includes('{') && !typeText.includes('}'))) {
      i++;
      if (i >= lines.length) break;
      typeText += ` ${lines[i]!.trim()}`;
    }
    fields.set(m[1]!, parseType(typeText, imports, ref.file));
  }
  interfaceCache.set(cacheKey, fields);
  return fields;
}

/** Walks `value` against a declared shape and reports fields the interface does not declare. */
function findUnknownFields(value: unknown, shape: FieldShape, pointer: string, out: string[]): void {
  if (shape.kind === 'scalar' || value === null || value === undefined) return;
  if (shape.kind === 'array') {
    if (Array.isArray(value)) value.forEach((item, i) => findUnknownFields(item, shape.of, `${pointer}/${i}`, out));
    return;
  }
  if (!isPlainObject(value)) return;
  if (shape.kind === 'map') {
    for (const [k, v] of Object.entries(value)) findUnknownFields(v, shape.of, `${pointer}/${escapePointerToken(k)}`, out);
    return;
  }
  const fields = readInterface(shape.ref);
  if (fields === null) return;
  for (const [k, v] of Object.entries(value)) {
    const child = `${pointer}/${escapePointerToken(k)}`;
    const field = fields.get(k);
    if (field === undefined) {
      out.push(`${child}: unknown field "${k}" (not in kubernetes-models ${shape.ref.name}); the API server would drop it`);
    } else if (pointer !== '' || k !== 'metadata') {
      // metadata is checked by the ObjectMeta rules in k8s-crd.ts, which are stricter than the model.
      findUnknownFields(v, field, child, out);
    }
  }
}

/**
 * Validates a core `v1` object with kubernetes-models (types, enums, required fields) and with the
 * unknown-field walk; returns human-readable errors prefixed by JSON pointers.
 */
export function validateCoreKind(obj: Record<string, unknown>): string[] {
  const kind = String(obj.kind);
  const Model = CORE_MODELS[kind];
  if (!Model) return [`/kind: core kind "${kind}" is not supported by this validator`];
  const errors: string[] = [];
  try {
    new Model(obj as never).validate();
  } catch (err) {
    const details = (err as { errors?: Array<{ instancePath: string; message?: string; params?: unknown }> }).errors;
    if (!Array.isArray(details)) throw err;
    for (const e of details) errors.push(`${e.instancePath || '/'}: ${e.message ?? 'invalid'} ${JSON.stringify(e.params ?? {})}`);
  }
  const rootFile = path.join(resolvePackageDir('kubernetes-models', PROJECT_ROOT), 'v1', `${kind}.d.ts`);
  findUnknownFields(obj, { kind: 'object', ref: { file: rootFile, name: `I${kind}` } }, '', errors);
  return errors;
}
