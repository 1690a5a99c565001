/**
 * A read-only view of a schema-invalid spec for the rules: reading a value that failed the
 * schema aborts the rule (it is reported as skipped), and keys the schema does not know are
 * invisible. Rules stay written against the typed spec and need no declaration of what they
 * read: the view finds out, which keeps "skip only rules whose inputs failed" exact without
 * trusting each rule to list its inputs. Only used when the schema failed; a valid spec is read
 * directly.
 */
import { escapePointerToken } from '../diagnostics/diagnostic.js';
import type { SchemaFailures } from './schema-failures.js';

/** Thrown by the view when a rule reads a failed value; the rule runner catches it. */
export class FailedInputRead extends Error {
  constructor(readonly pointer: string) {
    super(`rule read ${pointer}, which failed the schema`);
  }
}

/** Wraps a parsed document so that reads of failed pointers throw FailedInputRead. */
export function guardView<T extends object>(doc: T, failures: SchemaFailures): T {
  const cache = new WeakMap<object, Map<string, object>>();
  const wrap = (target: object, pointer: string): object => {
    let byPointer = cache.get(target);
    if (!byPointer) cache.set(target, (byPointer = new Map()));
    const hit = byPointer.get(pointer);
    if (hit) return hit;
    const child = (key: string | symbol): string | undefined => (typeof key === 'symbol' ? undefined : `${pointer}/${escapePointerToken(key)}`);
    const proxy = new Proxy(target, {
      get(t, key, receiver) {
        const p = child(key);
        if (p !== undefined) {
          if (failures.hidden.has(p)) return undefined;
          if (failures.failed.has(p)) throw new FailedInputRead(p);
        }
        const v: unknown = Reflect.get(t, key, receiver);
        return p !== undefined && v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(t, key) ? wrap(v, p) : v;
      },
      has(t, key) {
        const p = child(key);
        if (p !== undefined) {
          if (failures.hidden.has(p)) return false;
          if (failures.failed.has(p)) throw new FailedInputRead(p);
        }
        return Reflect.has(t, key);
      },
      ownKeys(t) {
        return Reflect.ownKeys(t).filter((k) => {
          const p = child(k);
          return p === undefined || !failures.hidden.has(p);
        });
      },
      getOwnPropertyDescriptor(t, key) {
        const p = child(key);
        if (p !== undefined && failures.hidden.has(p)) return undefined;
        return Reflect.getOwnPropertyDescriptor(t, key);
      },
      set() {
        throw new TypeError('rules read the spec; they never change it');
      },
      deleteProperty() {
        throw new TypeError('rules read the spec; they never change it');
      },
    });
    byPointer.set(pointer, proxy);
    return proxy;
  };
  if (failures.failed.has('')) throw new FailedInputRead('');
  return wrap(doc, '') as T;
}
