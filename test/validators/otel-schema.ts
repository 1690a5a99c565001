/**
 * Field-name checks of collector component configs against upstream `config.schema.yaml` files.
 *
 * The collector decodes component configs strictly (an unknown key fails start-up), and each
 * component publishes its fields in a generated `config.schema.yaml`. Those files are not
 * self-contained: they `$ref` definitions in other files, repo-relative
 * (`/config/configtls.client_config`), file-relative (`./internal/queuebatch.config`), by Go
 * module (`go.opentelemetry.io/collector/config/confighttp.client_config`) or local (`config`).
 * This module resolves those refs to the copies in `shared/upstream/` (SOURCES.md lists them).
 *
 * Honesty rule: a key set is only "closed" when every part of it resolved. An object whose schema
 * (or one of its `allOf` parts) points at a file that is not in `shared/upstream/` is left open,
 * and the ref is recorded in `listUnresolvedRefs()`, instead of inventing its fields.
 */
import fs from 'node:fs';
import path from 'node:path';
import jsYaml from 'js-yaml';
import { escapePointerToken, isPlainObject, upstreamPath } from './upstream.js';

/** Go module prefixes and the `shared/upstream/` folder holding a copy of that repository's files. */
const MODULE_ROOTS: Array<[modulePrefix: string, localRoot: string]> = [
  ['go.opentelemetry.io/collector/', 'opentelemetry-collector/'],
  ['github.com/open-telemetry/opentelemetry-collector-contrib/', 'opentelemetry-collector-contrib/'],
];

/** Maps a Go module path to its folder under `shared/upstream/`, or undefined for repositories not copied there. */
export function localDirOfModule(modulePath: string): string | undefined {
  for (const [prefix, root] of MODULE_ROOTS) {
    if (modulePath.startsWith(prefix)) return root + modulePath.slice(prefix.length);
  }
  return undefined;
}

type SchemaNode = Record<string, unknown>;
/** A schema node together with the folder of the file it came from (refs resolve against it). */
interface Located {
  node: SchemaNode;
  dir: string;
}

const files = new Map<string, SchemaNode | null>();
const unresolved = new Set<string>();

/** Loads `<dir>/config.schema.yaml` (relative to shared/upstream), or null when that file is not in shared/upstream. */
export function loadComponentSchema(dir: string): SchemaNode | null {
  if (files.has(dir)) return files.get(dir)!;
  const file = upstreamPath(`${dir}/config.schema.yaml`);
  const parsed = fs.existsSync(file) ? (jsYaml.load(fs.readFileSync(file, 'utf8')) as SchemaNode) : null;
  files.set(dir, parsed);
  return parsed;
}

/** Resolves one `$ref` written in the file whose folder is `fromDir`; undefined (and recorded) when its target is not available. */
function resolveRef(ref: string, fromDir: string): Located | undefined {
  let dir: string | undefined;
  let def: string;
  if (!ref.includes('/') && !ref.includes('.')) {
    dir = fromDir;
    def = ref;
  } else {
    const dot = ref.lastIndexOf('.');
    const where = ref.slice(0, dot);
    def = ref.slice(dot + 1);
    if (where.startsWith('./')) dir = path.posix.join(fromDir, where);
    else if (where.startsWith('/')) dir = fromDir.split('/')[0] + where;
    else dir = localDirOfModule(where);
  }
  const target = dir === undefined ? undefined : loadComponentSchema(dir);
  const defs = target && isPlainObject(target.$defs) ? target.$defs : undefined;
  const node = defs?.[def];
  if (dir === undefined || !isPlainObject(node)) {
    unresolved.add(`${ref} (from ${fromDir})`);
    return undefined;
  }
  return { node, dir };
}

/** Follows `$ref` chains; undefined when a link is unavailable. */
function deref(loc: Located): Located | undefined {
  let current: Located | undefined = loc;
  for (let hops = 0; current && typeof current.node.$ref === 'string'; hops++) {
    if (hops > 32) throw new Error(`$ref cycle at ${String(current.node.$ref)}`);
    current = resolveRef(current.node.$ref, current.dir);
  }
  return current;
}

/** The keys an object schema allows, merged over `allOf` (embedded Go structs); `open` when any part is unknown or free-form. */
interface KeySet {
  keys: Map<string, Located>;
  values?: Located;
  open: boolean;
}

function collectKeys(loc: Located): KeySet {
  const resolved = deref(loc);
  if (!resolved) return { keys: new Map(), open: true };
  const { node, dir } = resolved;
  const set: KeySet = { keys: new Map(), open: false };
  if (isPlainObject(node.properties)) {
    for (const [k, v] of Object.entries(node.properties)) if (isPlainObject(v)) set.keys.set(k, { node: v, dir });
  }
  if (isPlainObject(node.additionalProperties)) set.values = { node: node.additionalProperties, dir };
  else if (node.additionalProperties === true) set.open = true;
  for (const part of Array.isArray(node.allOf) ? node.allOf : []) {
    if (!isPlainObject(part)) continue;
    const sub = collectKeys({ node: part, dir });
    for (const [k, v] of sub.keys) set.keys.set(k, v);
    set.values ??= sub.values;
    set.open ||= sub.open;
  }
  // A schema with neither properties nor allOf declares nothing: a free-form map, not an empty one.
  if (!isPlainObject(node.properties) && !Array.isArray(node.allOf) && set.values === undefined) set.open = true;
  if (node.anyOf !== undefined || node.oneOf !== undefined) set.open = true;
  return set;
}

/** Walks `value` against a schema, pushing "<pointer>: unknown key" errors where the key set is closed. */
function walk(value: unknown, loc: Located, pointer: string, schemaName: string, errors: string[]): void {
  if (Array.isArray(value)) {
    const resolved = deref(loc);
    if (resolved && isPlainObject(resolved.node.items)) {
      const items: Located = { node: resolved.node.items, dir: resolved.dir };
      value.forEach((item, i) => walk(item, items, `${pointer}/${i}`, schemaName, errors));
    }
    return;
  }
  if (!isPlainObject(value)) return;
  const set = collectKeys(loc);
  for (const [k, v] of Object.entries(value)) {
    const child = `${pointer}/${escapePointerToken(k)}`;
    const field = set.keys.get(k) ?? set.values;
    if (field) walk(v, field, child, schemaName, errors);
    else if (!set.open) errors.push(`${child}: unknown key "${k}" (not in ${schemaName})`);
  }
}

/**
 * Checks the field names of one component's config against `<componentDir>/config.schema.yaml`;
 * returns "<pointer>: unknown key" errors (pointers start at `pointer`). Returns null when the
 * component has no schema in shared/upstream, so callers can tell "checked" from "not checkable".
 */
export function checkComponentFields(componentDir: string, config: unknown, pointer: string): string[] | null {
  const root = loadComponentSchema(componentDir);
  if (root === null) return null;
  const errors: string[] = [];
  walk(config, { node: root, dir: componentDir }, pointer, `${componentDir}/config.schema.yaml`, errors);
  return errors;
}

/** The refs met so far that point outside shared/upstream (their objects were left unchecked). */
export function listUnresolvedRefs(): string[] {
  return [...unresolved].sort();
}
