/**
 * ajv errors → diagnostics: one clear, located finding per problem, with a code per kind of
 * schema error. Raw ajv messages ("must NOT have additional properties") are replaced by
 * sentences that name the field and say what to do.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { escapePointerToken } from '../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import { displayPath } from '../diagnostics/paths.js';
import { didYouMean, editDistance } from '../diagnostics/suggest.js';

/** The subset of ajv's ErrorObject this module reads (kept structural so generated code fits). */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** The UUID pattern of Azure tenant, subscription and application IDs. */
const UUID_PATTERN = '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$';

/** The DNS-1123 label pattern used by every name field in the schema. */
const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

interface Mapped {
  code: DiagnosticCode;
  pointer: string;
  message: string;
  atKey?: boolean;
  hint?: string;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value === 'string' ? 'the string' : 'the ' + typeof value} ${JSON.stringify(value)}`;
}

function getAt(data: unknown, pointer: string): unknown {
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const t = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[t];
  }
  return cur;
}

function mapOne(e: SchemaError, data: unknown): Mapped | undefined {
  const p = e.instancePath;
  const where = displayPath(p);
  const value = getAt(data, p);
  switch (e.keyword) {
    case 'required': {
      const missing = String(e.params.missingProperty);
      return {
        code: 'SCHEMA_REQUIRED',
        pointer: p,
        message: `missing required field "${missing}" in ${where}; add it`,
      };
    }
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      return {
        code: 'SCHEMA_UNKNOWN_KEY',
        pointer: `${p}/${escapePointerToken(key)}`,
        atKey: true,
        message: `unknown key "${key}" in ${where}; remove it or check its spelling`,
      };
    }
    case 'type':
      return { code: 'SCHEMA_TYPE', pointer: p, message: `${where} must be ${article(String(e.params.type))}, not ${describe(value)}` };
    case 'enum': {
      const values = e.params.allowedValues as unknown[];
      const allowed = values.map((v) => JSON.stringify(v)).join(', ');
      const hint = typeof value === 'string' ? didYouMean(value, values.filter((v): v is string => typeof v === 'string')) : undefined;
      return { code: 'SCHEMA_ENUM', pointer: p, message: `${where} is ${describe(value)}; use one of ${allowed}`, ...(hint ? { hint } : {}) };
    }
    case 'const':
      return { code: 'SCHEMA_CONST', pointer: p, message: `${where} must be ${JSON.stringify(e.params.allowedValue)}` };
    case 'pattern':
      if (e.params.pattern === DNS_LABEL_PATTERN) {
        return {
          code: 'NAME_NOT_DNS1123',
          pointer: p,
          message: `${where} is ${describe(value)}; it must be a DNS-1123 label (lowercase letters, digits and -, starting and ending with a letter or digit)`,
        };
      }
      if (e.params.pattern === UUID_PATTERN && /^\/platforms\/\d+\/azure\//.test(p)) {
        return {
          code: 'AZURE_ID_NOT_UUID',
          pointer: p,
          message: `${where} is ${describe(value)}; Azure identifies tenants, subscriptions and applications by UUID (8-4-4-4-12 hex digits), not by name`,
          hint: p.includes('/subscriptions/') ? 'find it with: az account show --query id -o tsv' : p.endsWith('/tenantId') ? 'find it with: az account show --query tenantId -o tsv' : 'use the application (client) ID from: az ad app list --display-name <name> --query "[].appId" -o tsv',
        };
      }
      return { code: 'SCHEMA_PATTERN', pointer: p, message: `${where} is ${describe(value)}, which does not match the expected form ${String(e.params.pattern)}` };
    case 'format':
      return { code: 'SCHEMA_FORMAT', pointer: p, message: `${where} is not a valid ${String(e.params.format)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { code: 'SCHEMA_RANGE', pointer: p, message: `${where} is ${String(value)}; it must be ${String(e.params.comparison)} ${String(e.params.limit)}` };
    case 'minLength':
      return { code: 'SCHEMA_LENGTH', pointer: p, message: `${where} must not be empty` };
    case 'maxLength':
      return { code: 'SCHEMA_LENGTH', pointer: p, message: `${where} is longer than ${String(e.params.limit)} characters; shorten it` };
    case 'minItems':
      return { code: 'SCHEMA_ITEMS', pointer: p, message: `${where} needs at least ${String(e.params.limit)} item${e.params.limit === 1 ? '' : 's'}` };
    case 'maxItems':
      return { code: 'SCHEMA_ITEMS', pointer: p, message: `${where} has more than ${String(e.params.limit)} items` };
    case 'uniqueItems':
      return { code: 'SCHEMA_ITEMS', pointer: `${p}/${String(e.params.j)}`, message: `${where} repeats an item (items ${String(e.params.i)} and ${String(e.params.j)} are equal); remove the duplicate` };
    case 'minProperties':
    case 'maxProperties': {
      if (e.keyword === 'maxProperties' && e.params.limit === 1) {
        const set = Object.keys((value as Record<string, unknown>) ?? {}).join(' and ');
        return { code: 'SCHEMA_ONE_OF', pointer: p, message: `${where} sets ${set}; set exactly one of them` };
      }
      if (e.keyword === 'minProperties') {
        return { code: 'SCHEMA_ONE_OF', pointer: p, message: `${where} is empty; set at least one field` };
      }
      return { code: 'SCHEMA_ITEMS', pointer: p, message: `${where} has more than ${String(e.params.limit)} entries` };
    }
    case 'propertyNames':
      // ajv reports the failing name through a nested error that carries `propertyName`.
      return undefined;
    default:
      return { code: 'SCHEMA_INVALID', pointer: p, message: `${where} ${e.message ?? 'is invalid'}` };
  }
}

function article(type: string): string {
  if (type.includes(' or ')) return type.split(' or ').map(article).join(' or ');
  const t = type === 'object' ? 'mapping' : type === 'array' ? 'list' : type;
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/**
 * A misspelled key shows up twice in ajv's output: as an unknown key and as a missing required
 * one. Report it once, as the unknown key with a "did you mean" hint.
 */
function pairMisspellings(errors: readonly SchemaError[]): { skip: Set<SchemaError>; hints: Map<SchemaError, string> } {
  const skip = new Set<SchemaError>();
  const hints = new Map<SchemaError, string>();
  for (const u of errors.filter((e) => e.keyword === 'additionalProperties')) {
    const key = String(u.params.additionalProperty);
    const req = errors.find(
      (r) => r.keyword === 'required' && r.instancePath === u.instancePath && !skip.has(r) && editDistance(key.toLowerCase(), String(r.params.missingProperty).toLowerCase()) <= 2,
    );
    if (req) {
      skip.add(req);
      hints.set(u, `did you mean "${String(req.params.missingProperty)}"?`);
    }
  }
  return { skip, hints };
}

/**
 * A `oneOf` between shapes (targets: a mapping or a list) makes ajv report every branch's errors.
 * Keep only the errors of the branch whose type matches what the user wrote; when no branch
 * does, keep one type error naming every accepted shape.
 */
function pickOneOfBranches(errors: readonly SchemaError[]): SchemaError[] {
  const drop = new Set<SchemaError>();
  const extra: SchemaError[] = [];
  for (const o of errors.filter((e) => e.keyword === 'oneOf')) {
    const prefix = `${o.schemaPath}/`;
    const inside = errors.filter((e) => e.schemaPath.startsWith(prefix));
    const branchOf = (e: SchemaError): string => e.schemaPath.slice(prefix.length).split('/')[0]!;
    const wrongShape = inside.filter((e) => e.keyword === 'type' && e.instancePath === o.instancePath && e.schemaPath === `${prefix}${branchOf(e)}/type`);
    const wrong = new Set(wrongShape.map(branchOf));
    for (const e of inside) if (wrong.has(branchOf(e))) drop.add(e);
    drop.add(o);
    if (inside.every((e) => wrong.has(branchOf(e)))) {
      extra.push({ keyword: 'type', instancePath: o.instancePath, schemaPath: `${o.schemaPath}/type`, params: { type: wrongShape.map((e) => String(e.params.type)).join(' or ') } });
    }
  }
  return [...errors.filter((e) => !drop.has(e)), ...extra];
}

/** Converts ajv errors into diagnostics (one per pointer and code), unlocated. */
export function schemaErrorsToDiagnostics(errors: readonly SchemaError[], data: unknown): Array<Diagnostic & { atKey?: boolean }> {
  const out: Array<Diagnostic & { atKey?: boolean }> = [];
  const seen = new Set<string>();
  const picked = pickOneOfBranches(errors);
  const { skip, hints } = pairMisspellings(picked);
  for (const e of picked) {
    if (skip.has(e)) continue;
    // A bad property name surfaces as a pattern error whose instancePath is the map; point at the key.
    const fixed: SchemaError = e.params.propertyName !== undefined && e.keyword !== 'propertyNames'
      ? { ...e, instancePath: `${e.instancePath}/${escapePointerToken(String(e.params.propertyName))}` }
      : e;
    const m = mapOne(fixed, data);
    if (!m) continue;
    const hint = hints.get(e);
    if (hint) m.hint = hint;
    if (e.params.propertyName !== undefined) {
      m.atKey = true;
      m.message = `the key ${JSON.stringify(e.params.propertyName)} in ${displayPath(e.instancePath)} is not allowed there: it must match ${String(e.params.pattern ?? 'the key grammar')}`;
      m.code = 'SCHEMA_PATTERN';
    }
    const id = `${m.pointer}\0${m.code}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ severity: 'error', code: m.code, message: m.message, pointer: m.pointer, ...(m.atKey ? { atKey: true } : {}), ...(m.hint ? { hint: m.hint } : {}) });
  }
  return out;
}
