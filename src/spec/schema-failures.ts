/**
 * Which parts of a spec failed the schema, as JSON pointers, so the rules can still run on the
 * parts that did not (issue 16: one run reports a misspelled enum and a dangling reference
 * together). A `required` error fails the missing key itself, not its parent: a workload without
 * `namespace` leaves its `name` readable. An unknown key fails nothing, it is hidden: rules never
 * read keys the schema does not define, and seeing one (a misspelled selector kind) would report
 * it twice.
 */
import { escapePointerToken } from '../diagnostics/diagnostic.js';
import type { SchemaError } from './schema-errors.js';

/** The pointers that failed the schema and the unknown keys to hide from the rules. */
export interface SchemaFailures {
  failed: Set<string>;
  hidden: Set<string>;
}

/**
 * A default the normalize stage derives from another field (for example a workload's
 * serviceAccount from its name): when the source failed, the derived value is as bad, so it
 * fails too. `*` stands for one array index or key, bound to the same token in both pointers.
 */
export type DerivedDefault = readonly [target: string, source: string];

function tokens(pointer: string): string[] {
  return pointer === '' ? [] : pointer.split('/').slice(1);
}

/** Returns the pointer `target` with its `*` tokens bound from `failed`, when `failed` is `source` or lies under it. */
function bindDerived(failed: string, [target, source]: DerivedDefault): string | undefined {
  const f = tokens(failed);
  const s = tokens(source);
  if (f.length < s.length) return undefined;
  const bound: string[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '*') bound.push(f[i]!);
    else if (s[i] !== f[i]) return undefined;
  }
  let k = 0;
  return '/' + tokens(target).map((t) => (t === '*' ? bound[k++] ?? '*' : t)).join('/');
}

/** Collects the failed pointers and hidden keys of a schema run. */
export function collectSchemaFailures(errors: readonly SchemaError[], derived: readonly DerivedDefault[] = []): SchemaFailures {
  const failed = new Set<string>();
  const hidden = new Set<string>();
  for (const e of errors) {
    const p = e.instancePath;
    switch (e.keyword) {
      case 'required':
        failed.add(`${p}/${escapePointerToken(String(e.params.missingProperty))}`);
        break;
      case 'additionalProperties':
        hidden.add(`${p}/${escapePointerToken(String(e.params.additionalProperty))}`);
        break;
      case 'if':
        // "must match then/else": the branch's own errors say where.
        break;
      default:
        failed.add(e.params.propertyName !== undefined ? `${p}/${escapePointerToken(String(e.params.propertyName))}` : p);
    }
  }
  for (const f of [...failed]) {
    for (const d of derived) {
      const t = bindDerived(f, d);
      if (t !== undefined) failed.add(t);
    }
  }
  return { failed, hidden };
}
