/**
 * Safe readers for parsed values documents (unknown JSON-like data): the consistency checks read
 * what the bundle really contains, which may lack any key, so every step tolerates absence.
 */

/** Reads a nested value; undefined when any step is missing or not a mapping. */
export function dig(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const k of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** The value as a list (empty when it is not one). */
export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value as a list of strings (empty when it is not a list). */
export function asStrings(value: unknown): string[] {
  return asList(value).map(String);
}

/** The value as a mapping (empty when it is not one). */
export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
