/**
 * Checks generated Helm values against the upstream charts' defaults and schemas.
 *
 * Most upstream charts ship no values schema (spire-otel.md §2.2: the spire umbrella and
 * spire-server charts have none), and Helm ignores unknown keys silently, so a misspelled key
 * simply does nothing. The oracle is therefore the chart's own `values.yaml`: every key path we set
 * must exist there, except below maps meant for user-named keys (an empty `{}` default, or an
 * explicit `openMaps` path). Where a chart ships `values.schema.json` (istio `gateway`), Helm
 * validates with it, and so do we.
 */
import fs from 'node:fs';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import jsYaml from 'js-yaml';
import { isPlainObject, readUpstream, readUpstreamYaml, upstreamPath } from './upstream.js';

/** Marker appended to a path (`<path>.*`) whose default is an empty map: any key may go below it. */
const ANY_KEY = '*';

/**
 * Returns every key path of a values.yaml, dot-joined (`image.tag`, `image`), including parents.
 * Lists are leaves (their items are examples, not a schema); an empty-map default adds `<path>.*`.
 */
export function listValuePaths(yamlText: string): Set<string> {
  const paths = new Set<string>();
  const walk = (value: unknown, prefix: string): void => {
    if (!isPlainObject(value)) return;
    const keys = Object.keys(value);
    if (keys.length === 0 && prefix !== '') paths.add(`${prefix}.${ANY_KEY}`);
    for (const k of keys) {
      const p = prefix === '' ? k : `${prefix}.${k}`;
      paths.add(p);
      walk(value[k], p);
    }
  };
  walk(jsYaml.load(yamlText), '');
  return paths;
}

/** Options of `checkValuePathsExist`. */
export interface ValuePathOptions {
  /** Path of `values` inside the allowed set's coordinates (for checking a subtree). */
  prefix?: string;
  /** Paths below which user-named keys are allowed (the path itself must still exist). */
  openMaps?: string[];
}

/** Edit distance, for "did you mean" hints on misspelled keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** Suggests a sibling key of `parent` close to `key`, if any. */
function suggest(allowed: Set<string>, parent: string, key: string): string {
  const head = parent === '' ? '' : `${parent}.`;
  let best: string | undefined;
  let bestScore = 3;
  for (const p of allowed) {
    if (!p.startsWith(head)) continue;
    const rest = p.slice(head.length);
    // Direct children only; misspelled keys are identifiers, so remainders with dots are skipped.
    if (rest === ANY_KEY || rest.includes('.')) continue;
    const d = distance(key.toLowerCase(), rest.toLowerCase());
    if (d < bestScore) [best, bestScore] = [rest, d];
  }
  return best ? ` (did you mean "${head}${best}"?)` : '';
}

/**
 * Returns "<path>: not in upstream values.yaml" errors for every key path of `values` that the
 * upstream defaults (`allowed`, from `listValuePaths`) do not have; empty when all exist.
 */
export function checkValuePathsExist(values: unknown, allowed: Set<string>, opts: ValuePathOptions = {}): string[] {
  const errors: string[] = [];
  const open = new Set(opts.openMaps ?? []);
  const walk = (value: unknown, parent: string): void => {
    if (!isPlainObject(value)) return;
    for (const [k, v] of Object.entries(value)) {
      const p = parent === '' ? k : `${parent}.${k}`;
      if (!allowed.has(p)) {
        errors.push(`${p}: not in upstream values.yaml${suggest(allowed, parent, k)}`);
        continue;
      }
      if (open.has(p) || allowed.has(`${p}.${ANY_KEY}`)) continue;
      walk(v, p);
    }
  };
  const prefix = opts.prefix ?? '';
  if (prefix !== '' && !allowed.has(prefix)) return [`${prefix}: not in upstream values.yaml`];
  walk(values, prefix);
  return errors;
}

const SPIRE_CHART = 'spiffe-helm-charts-hardened/charts/spire';

/**
 * Paths under which the spire charts take user-named keys (`<name>: {...}` entries), per the
 * comments in charts/spire/charts/spire-server/values.yaml ("you can add multiple uniquely named
 * entries", the `# foo:` examples, and the `unsupportedBuiltInPlugins` escape hatch).
 */
export const SPIRE_OPEN_MAPS = [
  'spire-server.controllerManager.identities.clusterSPIFFEIDs',
  'spire-server.controllerManager.identities.clusterStaticEntries',
  'spire-server.controllerManager.identities.clusterFederatedTrustDomains',
  'spire-server.unsupportedBuiltInPlugins',
  'spire-server.customPlugins',
];

let spireAllowed: { allowed: Set<string>; unverifiable: Map<string, string> } | undefined;

/**
 * Builds the allowed paths of the spire umbrella chart in umbrella coordinates: its own values.yaml,
 * plus each `file://./charts/<dir>` dependency of its Chart.yaml mounted at `<alias or name>.` when
 * that subchart's values.yaml is in shared/upstream. `global.*` comes from the umbrella only (Helm
 * hands the umbrella's globals to every subchart; a subchart's own `global: {}` is not a schema).
 */
function loadSpireAllowed(): { allowed: Set<string>; unverifiable: Map<string, string> } {
  if (spireAllowed) return spireAllowed;
  const allowed = listValuePaths(readUpstream(`${SPIRE_CHART}/values.yaml`));
  const unverifiable = new Map<string, string>();
  const chart = readUpstreamYaml(`${SPIRE_CHART}/Chart.yaml`) as { dependencies?: Array<{ name: string; alias?: string; repository?: string }> };
  for (const dep of chart.dependencies ?? []) {
    const mount = dep.alias ?? dep.name;
    const dir = /^file:\/\/\.\/charts\/(.+)$/.exec(dep.repository ?? '')?.[1];
    const file = dir ? `${SPIRE_CHART}/charts/${dir}/values.yaml` : undefined;
    if (!file || !fs.existsSync(upstreamPath(file))) {
      unverifiable.set(mount, `the values.yaml of subchart ${dep.name} (${dep.repository}) is not in shared/upstream`);
      continue;
    }
    allowed.add(mount);
    for (const p of listValuePaths(readUpstream(file))) {
      if (p === 'global' || p.startsWith('global.')) continue;
      allowed.add(`${mount}.${p}`);
    }
  }
  spireAllowed = { allowed, unverifiable };
  return spireAllowed;
}

/**
 * Checks values for the spire umbrella chart (0.30.0): `spire-server.*` against the spire-server
 * subchart defaults, `spire-agent.*` (and `upstream-spire-agent.*`) against the spire-agent
 * subchart, everything else (including `global.*`) against the umbrella's values.yaml.
 */
export function checkSpireUmbrellaValues(values: unknown): string[] {
  const { allowed, unverifiable } = loadSpireAllowed();
  return checkValuePathsExist(values, allowed, { openMaps: SPIRE_OPEN_MAPS }).map((e) => {
    const note = unverifiable.get(e.split('.')[0]!.split(':')[0]!);
    return note ? `${e}; ${note}, so only the umbrella's keys for it are known` : e;
  });
}

let gatewayValidator: ValidateFunction | undefined;

/**
 * The istio gateway chart's values.schema.json declares `"$schema": "http://json-schema.org/schema#"`
 * (no draft number) and uses `$defs`. Helm (3.18+) validates with santhosh-tekuri/jsonschema,
 * whose draft lookup maps `https://json-schema.org/schema` to Draft 2020-12, so ajv's 2020 build
 * is the matching one. The unversioned meta-schema URI itself is unknown to ajv, hence removed.
 */
function loadGatewayValidator(): ValidateFunction {
  if (gatewayValidator) return gatewayValidator;
  const schema = JSON.parse(readUpstream('istio/charts/gateway/values.schema.json')) as Record<string, unknown>;
  if (schema.$schema !== 'http://json-schema.org/schema#') throw new Error(`gateway values.schema.json now declares ${String(schema.$schema)}; re-check the ajv build`);
  delete schema.$schema;
  // strict: false lets ajv skip the schema's non-keyword `defaults` member, as Helm does.
  const ajv = new Ajv2020Module.default({ allErrors: true, strict: false });
  gatewayValidator = ajv.compile(schema);
  return gatewayValidator;
}

/** Renders one ajv error as "<json pointer>: <message>". */
function formatError(e: ErrorObject): string {
  const at = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') return `${at}: unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === 'enum') return `${at}: ${e.message} ${JSON.stringify((e.params as { allowedValues: unknown }).allowedValues)}`;
  return `${at}: ${e.message ?? 'invalid'}`;
}

/**
 * Validates values for the istio `gateway` chart with the chart's own values.schema.json
 * (draft 2020-12 semantics); returns "<json pointer>: <message>" errors, empty when valid.
 */
export function validateGatewayValues(values: unknown): string[] {
  const validate = loadGatewayValidator();
  return validate(values) ? [] : [...new Set((validate.errors ?? []).map(formatError))];
}
