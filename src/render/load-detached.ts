/**
 * js-yaml's load, with every string of the result its own copy. js-yaml takes scalars out of the
 * text with `slice`, and V8 makes a slice of 13 characters or more a view that keeps the whole
 * source text alive. The cluster values are parsed back once and held until the consistency
 * check runs at the end of a build, so their slices kept each values file alive for the whole
 * render: 25 MB for a 5,000 × 4 fleet (its spire.values.yaml is 10 MB of UTF-8, and the header's
 * em dash makes it a two-byte string of 20 MB in V8).
 */
import jsYaml from 'js-yaml';

/** Parses YAML like jsYaml.load; the result shares no memory with `text`. */
export function loadYamlDetached(text: string): unknown {
  return detach(jsYaml.load(text));
}

/** A deep copy of a js-yaml result: plain objects and arrays copied, strings re-created, anything else as is. */
function detach(value: unknown): unknown {
  if (typeof value === 'string') return freshString(value);
  if (Array.isArray(value)) return value.map(detach);
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // defineProperty, not assignment: a `__proto__` key (js-yaml defines it as an own property)
    // must stay data, never become the copy's prototype.
    Object.defineProperty(out, key, { value: detach((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * A string with the same characters in memory of its own. V8 makes no views of strings shorter
 * than 13 characters, so those are returned as they are. A longer one goes through JSON, whose
 * parser always allocates a new string, and which is exact for any string, a lone surrogate
 * included (JSON.stringify escapes it as \uXXXX since ES2019).
 */
function freshString(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
