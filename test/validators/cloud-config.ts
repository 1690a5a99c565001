/**
 * Judges `#cloud-config` user data with cloud-init itself and with cloud-init's JSON schemas.
 *
 * Two oracles, because neither is complete (shared/reference/cloud-init.md §3.2, §3.5):
 * - `cloud-init schema --config-file` from Debian's cloud-init 22.4.2 checks the header and the
 *   YAML as PyYAML reads it, but does NOT report unknown top-level keys (22.4 has no root
 *   `additionalProperties: false`; added upstream in 23.4, cloud-init.md §1.5).
 * - ajv (draft-04, via ajv-draft-04) against the 22.4.2 and newest upstream schemas in
 *   `shared/upstream/cloud-init/`, with unknown top-level keys made errors for both.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { requireExecutable } from './require-tool.js';
import { isPlainObject, readUpstream } from './upstream.js';

/** Result of one `cloud-init schema` run: the exit code is the contract (0 valid, 1 invalid). */
export interface CloudInitSchemaResult {
  exitCode: number;
  /** stdout followed by stderr ("Valid cloud-config: ..." goes to stdout, errors to stderr). */
  output: string;
}

/**
 * Runs Debian's `cloud-init schema --config-file <tmpfile>` on `text` (the full user data, header
 * included) and returns its exit code and output; throws naming the `cloud-init` package when the
 * tool is missing. About 0.3 s per call (a Python start-up each time).
 */
export async function runCloudInitSchema(text: string): Promise<CloudInitSchemaResult> {
  const cloudInit = requireExecutable('cloud-init', 'cloud-init');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vmonboard-cloud-config-'));
  const file = path.join(dir, 'user-data');
  try {
    await fs.writeFile(file, text, 'utf8');
    return await new Promise<CloudInitSchemaResult>((resolve, reject) => {
      const child = spawn(cloudInit, ['schema', '--config-file', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        if (code === null) reject(new Error(`cloud-init schema killed by ${signal}`));
        else resolve({ exitCode: code, output: Buffer.concat(out).toString('utf8') + Buffer.concat(err).toString('utf8') });
      });
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Which upstream cloud-init schema to validate against. */
export type CloudConfigSchemaVersion = 'v22.4.2' | 'newest';

/**
 * The 22.4.2 schema (upstream tag 22.4.2) lists its top-level keys only inside the `allOf`'d
 * module definitions, and draft-04 `additionalProperties` only sees sibling `properties`. So the
 * root gets `properties` naming every key of every `allOf`'d module (values `{}`: the modules keep
 * validating them) and `additionalProperties: false`: exactly how upstream closed the root in 23.4
 * (cloud-init.md §1.5; compare the newest `schema-cloud-config-v1.json` root).
 */
export function closeTopLevel(schema: Record<string, unknown>): Record<string, unknown> {
  const defs = schema.$defs as Record<string, { properties?: Record<string, unknown> }>;
  const keys = new Set<string>();
  for (const ref of schema.allOf as Array<{ $ref: string }>) {
    const name = ref.$ref.replace(/^#\/\$defs\//, '');
    const def = defs[name];
    if (!def) throw new Error(`cloud-init schema: allOf references missing $defs/${name}`);
    for (const key of Object.keys(def.properties ?? {})) keys.add(key);
  }
  return { ...schema, properties: Object.fromEntries([...keys].sort().map((k) => [k, {}])), additionalProperties: false };
}

const validators = new Map<CloudConfigSchemaVersion, ValidateFunction>();

/** Builds a draft-04 ajv: `strict: false` because cloud-init's schemas carry custom keywords (deprecated, changed, label, hidden...). */
function newAjv(): InstanceType<typeof AjvDraft04Module.default> {
  const ajv = new AjvDraft04Module.default({ strict: false, allErrors: true });
  // `date`, `uri` and `hostname` are the only formats the schemas use (cloud-init.md §3.5).
  addFormatsModule.default(ajv as never, ['date', 'uri', 'hostname']);
  return ajv;
}

/** Compiles (once) the validator for one schema version; about 0.3 s each on first use. */
function getValidator(which: CloudConfigSchemaVersion): ValidateFunction {
  const cached = validators.get(which);
  if (cached) return cached;
  const ajv = newAjv();
  let validate: ValidateFunction;
  if (which === 'v22.4.2') {
    validate = ajv.compile(closeTopLevel(JSON.parse(readUpstream('cloud-init/schema-cloud-config-v1.22.4.json'))));
  } else {
    // The newest schema is meant to be used through its versioned wrapper: `oneOf[allOf[{version
    // enum [v1]}, $ref <raw GitHub URL of schema-cloud-config-v1.json>]]`. Register the v1 schema
    // under that URL so the wrapper resolves offline, then compile the wrapper itself.
    const wrapper = JSON.parse(readUpstream('cloud-init/versions.schema.cloud-config.json')) as Record<string, unknown>;
    const ref = JSON.stringify(wrapper).match(/"\$ref":"(https:[^"]+schema-cloud-config-v1\.json)"/)?.[1];
    if (!ref) throw new Error('versions.schema.cloud-config.json no longer $refs schema-cloud-config-v1.json');
    ajv.addSchema(JSON.parse(readUpstream('cloud-init/schema-cloud-config-v1.json')), ref);
    validate = ajv.compile(wrapper);
  }
  validators.set(which, validate);
  return validate;
}

/** Renders one ajv error as "<json pointer>: <message>". */
function formatError(e: ErrorObject): string {
  const at = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') {
    return `${at}: unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  }
  if (e.keyword === 'enum') return `${at}: ${e.message} ${JSON.stringify((e.params as { allowedValues: unknown }).allowedValues)}`;
  return `${at}: ${e.message ?? 'invalid'}`;
}

/**
 * Validates a parsed cloud-config object (no header: parse the YAML first, ideally with PyYAML)
 * against cloud-init's 22.4.2 or newest JSON schema; returns "<json pointer>: <message>" errors,
 * empty when valid. Unknown top-level keys are errors for both versions.
 */
export function validateCloudConfigSchema(obj: unknown, which: CloudConfigSchemaVersion): string[] {
  if (!isPlainObject(obj)) return ['/: cloud-config must be a mapping'];
  const validate = getValidator(which);
  if (validate(obj)) return [];
  // The wrapper's own "must match exactly one schema in oneOf" only repeats the errors under it.
  const errors = (validate.errors ?? []).filter((e) => !(e.keyword === 'oneOf' && e.instancePath === ''));
  return [...new Set(errors.map(formatError))];
}
